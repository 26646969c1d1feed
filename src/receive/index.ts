/**
 * Receiving: the receive loop (`ip.receive()`), `receiveOne` for scripts, the message handed to handlers, and
 * processed-id stores.
 * @module
 */
import type { IntegrasjonspunktClient } from '../client.js';
import { receiveContextOf } from './client-bridge.js';
import { ReceiveLoop } from './loop.js';
import type { MessageHandler, ReceiveOptions } from './options.js';

export type { SpoolOptions } from './download.js';
export { isLockExpiredError, LockExpiredError } from './errors.js';
export type {
  DeadLetterEvent,
  FailedEvent,
  IdleEvent,
  ProcessedEvent,
  ReceiveEvents,
  ReceiveFailure,
  ReceiveReport,
  ReceiveStage,
  ReceiveWarning,
} from './events.js';
export { ReceiveLoop } from './loop.js';
export { ReceivedAsic, type ReceivedMessage } from './message.js';
export type { MessageHandler, ReceiveOptions } from './options.js';
export type { ReceivedOne, ReceiveOneOptions } from './receive-one.js';
export {
  JsonFileProcessedStore,
  MemoryProcessedStore,
  type ProcessedRecord,
  type ProcessedStore,
  type StoreRetentionOptions,
} from './store.js';

/**
 * Starts a receive loop (what `ip.receive()` calls).
 * @internal
 */
export function createReceiveLoop(client: IntegrasjonspunktClient, handler: MessageHandler, options?: ReceiveOptions): ReceiveLoop {
  return new ReceiveLoop(receiveContextOf(client), handler, options);
}
