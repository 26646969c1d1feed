/**
 * Message builders: typed factories that produce a complete StandardBusinessDocument (SBD) for every business
 * message type a client can send (the IP's `BusinessMessageType`), with `standard`, `type`, `typeVersion` and the default process
 * taken from `STANDARDS` and `PROCESSES`, fresh UUIDs and `creationDateAndTime`.
 * @module
 */

import { randomUUID } from 'node:crypto';
import { RequestValidationError } from '../errors.js';
import {
  type ArkivmeldingKvitteringMessage,
  type ArkivmeldingMessage,
  type AvtaltMessage,
  type DialogmeldingMessage,
  type DigitalDpvMessage,
  type DigitalMessage,
  type DpvSettings,
  type EinnsynKvitteringMessage,
  type InnsynskravMessage,
  type MessageType,
  type PostAddress,
  PROCESSES,
  type PrintMessage,
  type PubliseringMessage,
  STANDARDS,
} from '../models/business-messages.js';
import { parseIdentifier } from '../models/identifiers.js';
import { businessMessageIssues, type Partner, type Scope, type StandardBusinessDocument } from '../models/sbd.js';

/** `typeVersion` the IP writes in the SBDs it generates. @category Messages */
export const DEFAULT_TYPE_VERSION = '2.0';

/**
 * What every builder takes: who sends to whom, the process and the ids.
 * @category Messages
 */
export interface MessageHeaderParams {
  /**
   * The sending organisation: `910077473`, `0192:910077473`, or on-behalf-of `0192:<IP org>:<sub-org>`. Left out,
   * the IP fills in its own organisation.
   */
  sender?: string | undefined;
  /** Send on behalf of this sub-organisation (needs `sender` = the IP's own organisation): `0192:<sender>:<onBehalfOf>`. */
  onBehalfOf?: string | undefined;
  /** The receiver: organisation number (plain or `0192:`), a personal id (DPI), or an NHN id (`her-id:…`). */
  receiver?: string | undefined;
  /** The process URN; each builder has a default (see {@link PROCESSES}). */
  process?: string | undefined;
  /** A UUID; generated when left out. Reuse the original's conversationId in replies and receipts. */
  conversationId?: string | undefined;
  /** A UUID; generated when left out. Never reuse one: the IP refuses a messageId it has seen. */
  messageId?: string | undefined;
  /** The message's expiry (TTL). Left out, the IP applies its default (24 h). */
  expectedResponseDateTime?: Date | string | undefined;
  /** Creation time; defaults to now. */
  creationDateAndTime?: Date | string | undefined;
  /** Overrides the document type (`standard`), e.g. a variant the receiver's capabilities list. */
  standard?: string | undefined;
  /** @defaultValue '2.0' */
  typeVersion?: string | undefined;
  /** Your own reference (a `SenderRef` scope). */
  senderRef?: string | undefined;
  /** The receiver's reference (a `ReceiverRef` scope). */
  receiverRef?: string | undefined;
}

function iso(value: Date | string, field: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RequestValidationError(field, 'is not a valid date');
    return value.toISOString();
  }
  if (Number.isNaN(Date.parse(value))) throw new RequestValidationError(field, `'${value}' is not an ISO-8601 date-time`);
  return value;
}

function partner(value: string, field: string): Partner {
  const parsed = parseIdentifier(value, field);
  return { identifier: { value: parsed.value, authority: parsed.authority } };
}

function senderPartner(params: MessageHeaderParams): Partner | undefined {
  if (params.onBehalfOf !== undefined) {
    if (params.sender === undefined) throw new RequestValidationError('sender', 'onBehalfOf needs the sender (the IP’s own organisation)');
    const ip = parseIdentifier(params.sender, 'sender');
    const sub = parseIdentifier(params.onBehalfOf, 'onBehalfOf');
    if (ip.kind !== 'organisation' || sub.kind !== 'organisation' || ip.onBehalfOf !== undefined) {
      throw new RequestValidationError('onBehalfOf', 'sender and onBehalfOf must both be plain organisation numbers');
    }
    return partner(`${ip.icd}:${ip.organisationNumber}:${sub.organisationNumber}`, 'sender');
  }
  return params.sender === undefined ? undefined : partner(params.sender, 'sender');
}

/**
 * Builds an SBD of any sendable type: the header from `params` and `body` as the business message. The typed
 * builders below call this; use it directly for a type or variant they do not cover.
 * @param type - the message type (`documentIdentification.type`).
 * @param defaultProcess - the process used when `params.process` is left out.
 * @category Messages
 */
export function buildMessage<T extends object>(
  type: MessageType,
  defaultProcess: string,
  params: MessageHeaderParams,
  body: T,
): StandardBusinessDocument {
  const sender = senderPartner(params);
  const receiver = params.receiver === undefined ? undefined : partner(params.receiver, 'receiver');
  // Never build what the IP cannot read (enum spellings, integers) or would refuse for a missing print address.
  const [issue] = businessMessageIssues(type, stripUndefined(body) as Record<string, unknown>, receiver !== undefined);
  if (issue) throw new RequestValidationError(issue.path.join('.'), issue.message);
  const conversation: Scope = {
    type: 'ConversationId',
    instanceIdentifier: params.conversationId ?? randomUUID(),
    identifier: params.process ?? defaultProcess,
  };
  if (params.expectedResponseDateTime !== undefined) {
    conversation.scopeInformation = [{ expectedResponseDateTime: iso(params.expectedResponseDateTime, 'expectedResponseDateTime') }];
  }
  const scope: Scope[] = [conversation];
  if (params.senderRef !== undefined) scope.push({ type: 'SenderRef', instanceIdentifier: params.senderRef });
  if (params.receiverRef !== undefined) scope.push({ type: 'ReceiverRef', instanceIdentifier: params.receiverRef });
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      ...(sender ? { sender: [sender] } : {}),
      ...(receiver ? { receiver: [receiver] } : {}),
      documentIdentification: {
        standard: params.standard ?? STANDARDS[type],
        typeVersion: params.typeVersion ?? DEFAULT_TYPE_VERSION,
        instanceIdentifier: params.messageId ?? randomUUID(),
        type,
        creationDateAndTime: iso(params.creationDateAndTime ?? new Date(), 'creationDateAndTime'),
      },
      businessScope: { scope },
    },
    [type]: stripUndefined(body),
  };
}

function stripUndefined<T extends object>(body: T): T {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as T;
}

/** Parameters of {@link arkivmelding}. @category Messages */
export interface ArkivmeldingParams extends MessageHeaderParams {
  /** File name of the main document (REST docs: mainly for DPF). */
  hoveddokument?: string | undefined;
  /** Security level (`sikkerhetsnivaa`), used in the registry lookup; required for DPF. */
  securityLevel?: number | undefined;
  /** DPV settings (when the receiver gets it through Altinn). */
  dpv?: DpvSettings | undefined;
  /** DPF settings (KS SvarUt). */
  dpf?: { forsendelseType?: string } | undefined;
}

/**
 * An arkivmelding (DPO/DPV/DPF). Send it with `arkivmelding.xml` and every file that names.
 * Default process: `urn:no:difi:profile:arkivmelding:administrasjon:ver1.0`.
 * @example
 * ```ts
 * const sbd = arkivmelding({ sender: '910077473', receiver: '910075918', hoveddokument: 'vedtak.pdf', securityLevel: 3 });
 * ```
 * @category Messages
 */
export function arkivmelding(params: ArkivmeldingParams): StandardBusinessDocument {
  const { hoveddokument, securityLevel, dpv, dpf, ...header } = params;
  return buildMessage<ArkivmeldingMessage>('arkivmelding', PROCESSES.arkivmelding.administrasjon, header, {
    hoveddokument,
    sikkerhetsnivaa: securityLevel,
    dpv,
    dpf,
  });
}

/** Parameters of {@link arkivmeldingKvittering}. @category Messages */
export interface ArkivmeldingKvitteringParams extends MessageHeaderParams {
  /** The messageId of the arkivmelding being acknowledged. */
  relatedToMessageId: string;
  /** @defaultValue 'OK' */
  receiptType?: 'OK' | 'WARNING' | 'ERROR' | 'NOTSUPPORTED' | undefined;
  messages?: Array<{ code?: string; text?: string }> | undefined;
}

/**
 * A receipt for a received arkivmelding (no files). Pass the original's `conversationId` and the original sender as
 * `receiver`. Default process: `urn:no:difi:profile:arkivmelding:response:ver1.0`.
 * @category Messages
 */
export function arkivmeldingKvittering(params: ArkivmeldingKvitteringParams): StandardBusinessDocument {
  const { relatedToMessageId, receiptType = 'OK', messages, ...header } = params;
  return buildMessage<ArkivmeldingKvitteringMessage>('arkivmelding_kvittering', PROCESSES.arkivmelding.response, header, {
    receiptType,
    relatedToMessageId,
    messages: messages ?? [],
  });
}

/** Parameters of {@link avtalt}. @category Messages */
export interface AvtaltParams extends MessageHeaderParams {
  /** The agreed message type between the parties. */
  identifier: string;
  /** Any JSON content. */
  content?: unknown;
  hoveddokument?: string | undefined;
}

/**
 * An "avtalt" (bilaterally agreed) message over DPO; files are optional.
 * Default process: `urn:no:difi:profile:avtalt:avtalt:ver1.0`.
 * @category Messages
 */
export function avtalt(params: AvtaltParams): StandardBusinessDocument {
  const { identifier, content, hoveddokument, ...header } = params;
  return buildMessage<AvtaltMessage>('avtalt', PROCESSES.avtalt.avtalt, header, { identifier, content, hoveddokument });
}

/** Parameters of {@link digital}. @category Messages */
export interface DigitalParams extends MessageHeaderParams {
  /** The receiver's personal id (11 digits). */
  receiver: string;
  /** Title shown in the citizen's mailbox. */
  tittel: string;
  /** File name of the main document. */
  hoveddokument: string;
  /** Security level (3 or 4). @defaultValue 4 */
  securityLevel?: number | undefined;
  /** Language, e.g. `NO` or `en`. @defaultValue 'NO' */
  spraak?: string | undefined;
  /** Effective date `yyyy-MM-dd` (or a Date); defaults to today. */
  virkningsdato?: string | Date | undefined;
  /** Ask for an opening receipt. @defaultValue false */
  aapningskvittering?: boolean | undefined;
  avsenderId?: string | undefined;
  fakturaReferanse?: string | undefined;
  varsler?: { epostTekst?: string; smsTekst?: string } | undefined;
  /** Main filename → metadata filename; both must be among the files. */
  metadataFiler?: Record<string, string> | undefined;
}

/**
 * Digital post to a citizen (DPI `digital`). Default process: `urn:no:difi:profile:digitalpost:info:ver1.0`
 * (use `PROCESSES.digitalpost.vedtak` for decisions).
 * @category Messages
 */
export function digital(params: DigitalParams): StandardBusinessDocument {
  const {
    tittel,
    hoveddokument,
    securityLevel = 4,
    spraak = 'NO',
    virkningsdato = new Date(),
    aapningskvittering = false,
    avsenderId,
    fakturaReferanse,
    varsler,
    metadataFiler,
    ...header
  } = params;
  return buildMessage<DigitalMessage>('digital', PROCESSES.digitalpost.info, header, {
    sikkerhetsnivaa: securityLevel,
    hoveddokument,
    avsenderId,
    fakturaReferanse,
    tittel,
    spraak,
    digitalPostInfo: { virkningsdato: dateOnly(virkningsdato), aapningskvittering },
    varsler,
    metadataFiler,
  });
}

function dateOnly(value: string | Date): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new RequestValidationError('virkningsdato', `'${value}' is not a date (yyyy-MM-dd)`);
  return value;
}

/** Parameters of {@link digitalDpv}. @category Messages */
export interface DigitalDpvParams extends MessageHeaderParams {
  receiver: string;
  tittel: string;
  sammendrag: string;
  innhold: string;
  dpv?: DpvSettings | undefined;
  hoveddokument?: string | undefined;
}

/**
 * Digital post to an organisation's Altinn inbox (DPV `digital_dpv`); every file needs a title.
 * Default process: `urn:no:difi:profile:digitalpost:info:ver1.0`.
 * @category Messages
 */
export function digitalDpv(params: DigitalDpvParams): StandardBusinessDocument {
  const { tittel, sammendrag, innhold, dpv, hoveddokument, ...header } = params;
  return buildMessage<DigitalDpvMessage>('digital_dpv', PROCESSES.digitalpost.info, header, {
    tittel,
    sammendrag,
    innhold,
    dpv,
    hoveddokument,
  });
}

/** Parameters of {@link print}. @category Messages */
export interface PrintParams extends MessageHeaderParams {
  hoveddokument: string;
  /** The postal receiver. */
  mottaker: PostAddress;
  /** Where returned mail goes. */
  retur: { mottaker: PostAddress; returhaandtering: 'DIREKTE_RETUR' | 'MAKULERING_MED_MELDING' };
  /** @defaultValue 'SORT_HVIT' */
  utskriftsfarge?: 'SORT_HVIT' | 'FARGE' | undefined;
  /** @defaultValue 'B_OEKONOMI' */
  posttype?: 'A_PRIORITERT' | 'B_OEKONOMI' | undefined;
  avsenderId?: string | undefined;
  fakturaReferanse?: string | undefined;
  printinstruksjoner?: Record<string, string> | undefined;
}

/**
 * Physical mail (DPI `print`); the receiver may be left out. Default process:
 * `urn:no:difi:profile:digitalpost:info:ver1.0`.
 * @category Messages
 */
export function print(params: PrintParams): StandardBusinessDocument {
  const {
    hoveddokument,
    mottaker,
    retur,
    utskriftsfarge = 'SORT_HVIT',
    posttype = 'B_OEKONOMI',
    avsenderId,
    fakturaReferanse,
    printinstruksjoner,
    ...header
  } = params;
  return buildMessage<PrintMessage>('print', PROCESSES.digitalpost.info, header, {
    hoveddokument,
    avsenderId,
    fakturaReferanse,
    mottaker,
    utskriftsfarge,
    posttype,
    retur,
    printinstruksjoner,
  });
}

/** Parameters of {@link innsynskrav}. @category Messages */
export interface InnsynskravParams extends MessageHeaderParams {
  /** The organisation the request concerns. */
  orgnr: string;
  /** The requester's e-mail. */
  epost: string;
  hoveddokument?: string | undefined;
}

/** An eInnsyn access request (DPE). Default process: `urn:no:difi:profile:einnsyn:innsynskrav:ver1.0`. @category Messages */
export function innsynskrav(params: InnsynskravParams): StandardBusinessDocument {
  const { orgnr, epost, hoveddokument, ...header } = params;
  return buildMessage<InnsynskravMessage>('innsynskrav', PROCESSES.einnsyn.innsynskrav, header, { orgnr, epost, hoveddokument });
}

/** Parameters of {@link publisering}. @category Messages */
export interface PubliseringParams extends MessageHeaderParams {
  orgnr: string;
  hoveddokument?: string | undefined;
}

/** An eInnsyn publication (DPE). Default process: `urn:no:difi:profile:einnsyn:journalpost:ver1.0`. @category Messages */
export function publisering(params: PubliseringParams): StandardBusinessDocument {
  const { orgnr, hoveddokument, ...header } = params;
  return buildMessage<PubliseringMessage>('publisering', PROCESSES.einnsyn.journalpost, header, { orgnr, hoveddokument });
}

/** Parameters of {@link einnsynKvittering}. @category Messages */
export interface EinnsynKvitteringParams extends MessageHeaderParams {
  dokumentId: string;
  /** E.g. `publisert`. */
  status: string;
  referanseType: 'innsynskrav' | 'publisering';
  hoveddokument?: string | undefined;
}

/** An eInnsyn receipt (DPE, no files). Default process: `urn:no:difi:profile:einnsyn:response:ver1.0`. @category Messages */
export function einnsynKvittering(params: EinnsynKvitteringParams): StandardBusinessDocument {
  const { dokumentId, status, referanseType, hoveddokument, ...header } = params;
  return buildMessage<EinnsynKvitteringMessage>('einnsyn_kvittering', PROCESSES.einnsyn.response, header, {
    dokumentId,
    status,
    referanseType,
    hoveddokument,
  });
}

/** Parameters of {@link dialogmelding}. @category Messages */
export interface DialogmeldingParams extends MessageHeaderParams {
  /** `her-id:<n>` or `fastlege-for:<fnr>` (authority `nhn-actorid`). */
  receiver: string;
  hoveddokument: string;
  /** The patient; filled in by the IP for `fastlege-for:` receivers. */
  pasient?: { fnr: string; fornavn?: string; mellomnavn?: string; etternavn?: string } | undefined;
  /** Non-primary files (pdf/png/jpeg): filename → `{ issueDate, description }`. */
  metadataFiler?: Record<string, { issueDate?: string; description?: string }> | undefined;
}

/** A health dialogue message (DPH). Default process: `urn:no:difi:profile:helse:helse:ver1.0`. @category Messages */
export function dialogmelding(params: DialogmeldingParams): StandardBusinessDocument {
  const { hoveddokument, pasient, metadataFiler, ...header } = params;
  return buildMessage<DialogmeldingMessage>('dialogmelding', PROCESSES.helse.helse, header, { hoveddokument, pasient, metadataFiler });
}
export { type ArkivmeldingXmlParams, arkivmeldingXml } from './arkivmelding-xml.js';
