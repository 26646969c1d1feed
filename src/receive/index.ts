import type { IntegrasjonspunktClient } from '../client.js';
import type { RequestOptions } from '../transport/http.js';

/** A received message handed to the handler. @category Receiving */
export interface ReceivedMessage {
  messageId: string;
}

/** @category Receiving */
export type MessageHandler = (message: ReceivedMessage) => Promise<void> | void;

/** Options for `ip.receive()`. @category Receiving */
export interface ReceiveOptions extends RequestOptions {
  concurrency?: number;
}

/** @category Receiving */
export interface ReceiveLoop {
  stop(): Promise<void>;
}

/** @internal Placeholder until the receive loop lands. */
export function createReceiveLoop(_client: IntegrasjonspunktClient, _handler: MessageHandler, _options: ReceiveOptions = {}): ReceiveLoop {
  throw new Error('not implemented yet');
}
