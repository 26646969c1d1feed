/** Builders of digital post to citizens: DPI digital and print, DPV digital. */

import { RequestValidationError } from '../errors.js';
import {
  type DigitalDpvMessage,
  type DigitalMessage,
  type DpvSettings,
  type PostAddress,
  PROCESSES,
  type PrintMessage,
} from '../models/business-messages.js';
import type { StandardBusinessDocument } from '../models/sbd.js';

import { buildMessage, type MessageHeaderParams } from './header.js';

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
