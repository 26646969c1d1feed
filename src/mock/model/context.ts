import { Listeners } from '../listeners.js';
import type { FileStore } from '../storage.js';
import type { ResolvedOptions } from './options.js';
import type { IpState, StatusRecord } from './records.js';
import type { WebhookDelivery } from './webhooks.js';

/**
 * What every part of the model shares: options, the file store, the time and the id sequence, and the change
 * events. Parts get this and the narrow interfaces of the parts they use, never the whole model.
 * @module
 */

/**
 * What happened to a message in one IP's queues: `created` (create on the IP), `file` (an upload), `queued` (send
 * accepted, in the carrier), `transmitted` (the carrier took it off the out-queue), `arrived` (in the receiver's
 * in-queue), `locked`/`unlocked` (peek lock set / expired), `popped` (the ASiC-E read), `acknowledged` (deleted by
 * the receiver), `removed` (gone otherwise: deleted before sending, discarded, failed, expired).
 * @internal
 */
export type MessageChange =
  | 'created'
  | 'file'
  | 'queued'
  | 'transmitted'
  | 'arrived'
  | 'locked'
  | 'unlocked'
  | 'popped'
  | 'acknowledged'
  | 'removed';

/** A change in the model. @internal */
export type ModelEvent =
  | { type: 'status'; ip: IpState; status: StatusRecord }
  | { type: 'message'; ip: IpState; direction: 'in' | 'out'; messageId: string; change: MessageChange }
  | {
      type: 'webhook';
      change: 'started' | 'finished';
      delivery: WebhookDelivery;
      /** Simulator time the POST started. */
      at: number;
      /** Real time the POST took (finished only). */
      durationMs?: number;
    }
  | { type: 'clock'; now: number };

/** Listeners of {@link ModelEvent}s, called synchronously in the order they were added. @internal */
export class ModelEvents extends Listeners<ModelEvent> {}

/** @internal */
export interface ModelContext {
  readonly options: ResolvedOptions;
  readonly store: FileStore;
  readonly events: ModelEvents;
  /** The simulator clock's time (epoch ms). */
  now(): number;
  /** The next row id: one sequence for every kind of record. */
  nextId(): number;
  /**
   * Brings the model up to the clock's time: releases expired locks, delivers what is due in the carrier and marks
   * expired conversations (each request does this first, as the IP's scheduled tasks would have run by then).
   */
  tick(): void;
}
