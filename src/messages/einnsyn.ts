// Builders of eInnsyn messages (DPE): innsynskrav, publisering, kvittering.

import { type EinnsynKvitteringMessage, type InnsynskravMessage, PROCESSES, type PubliseringMessage } from '../models/business-messages.js';
import type { StandardBusinessDocument } from '../models/sbd.js';

import { buildMessage, type MessageHeaderParams } from './header.js';

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
