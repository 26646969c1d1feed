import type { IntegrasjonspunktClient } from '../client.js';
import type { StandardBusinessDocument } from '../models/sbd.js';
import type { RequestOptions } from '../transport/http.js';
import type { Upload } from '../uploads.js';

/** A message to send: the SBD and its files. @category Sending */
export interface SendInput {
  sbd: StandardBusinessDocument;
  files?: readonly Upload[];
}

/** Options for `ip.send()`. @category Sending */
export interface SendOptions extends RequestOptions {
  strategy?: 'auto' | 'one-step' | 'multi-step';
}

/** @internal Placeholder until the send strategies land. */
export async function sendMessage(
  _client: IntegrasjonspunktClient,
  _input: SendInput,
  _options: SendOptions = {},
): Promise<StandardBusinessDocument> {
  throw new Error('not implemented yet');
}
