/** Builders of health messages (DPH). */

import { type DialogmeldingMessage, PROCESSES } from '../models/business-messages.js';
import type { StandardBusinessDocument } from '../models/sbd.js';

import { buildMessage, type MessageHeaderParams } from './header.js';

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
