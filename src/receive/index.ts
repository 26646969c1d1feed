/**
 * Receiving: the receive loop (`ip.receive()`), the message handed to handlers, and processed-id stores.
 * @module
 */
import type { IntegrasjonspunktClient } from '../client.js';
import { createLoop, type MessageHandler, type ReceiveLoop, type ReceiveOptions } from './loop.js';

export type { ReceivedOne, ReceiveOneOptions, SpoolOptions } from '../resources/incoming.js';
export { isLockExpiredError, LockExpiredError } from './errors.js';
export {
  type DeadLetterEvent,
  type FailedEvent,
  type IdleEvent,
  type MessageHandler,
  type ProcessedEvent,
  type ReceiveEvents,
  type ReceiveFailure,
  ReceiveLoop,
  type ReceiveOptions,
  type ReceiveReport,
  type ReceiveStage,
  type ReceiveWarning,
} from './loop.js';
export { ReceivedAsic, type ReceivedMessage } from './message.js';
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
  return createLoop(client, handler, options);
}
