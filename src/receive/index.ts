/**
 * Receiving: the receive loop (`ip.receive()`), `receiveOne` for scripts, the message handed to handlers, and
 * processed-id stores.
 * @module
 */

export type { ReceiveContext } from './context.js';
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
export { type IncomingReceiveOne, type ReceivedOne, type ReceiveOneOptions, receiveOne } from './receive-one.js';
export {
  JsonFileProcessedStore,
  MemoryProcessedStore,
  type ProcessedRecord,
  type ProcessedStore,
  type StoreRetentionOptions,
} from './store.js';
