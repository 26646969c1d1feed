// Builders of the arkivmelding family (DPO, DPV, DPF): arkivmelding, its kvittering, avtalt.

import {
  type ArkivmeldingKvitteringMessage,
  type ArkivmeldingMessage,
  type AvtaltMessage,
  type DpvSettings,
  PROCESSES,
} from '../models/business-messages.js';
import type { StandardBusinessDocument } from '../models/sbd.js';

import { buildMessage, type MessageHeaderParams } from './header.js';

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
