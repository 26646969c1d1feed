import type { FileStore } from '../storage.js';
import type { ResolvedOptions } from './options.js';
import type { IpState, StatusRecord } from './records.js';

/**
 * What every part of the model shares: options, the file store, the time and the id sequence, and the change
 * events. Parts get this and the narrow interfaces of the parts they use, never the whole model.
 * @module
 */

/** A change in the model. @internal */
export type ModelEvent = { type: 'status'; ip: IpState; status: StatusRecord };

/** Listeners of {@link ModelEvent}s, called synchronously in the order they were added. @internal */
export class ModelEvents {
  readonly #listeners = new Set<(event: ModelEvent) => void>();

  /** Adds a listener; returns a function that removes it. */
  on(listener: (event: ModelEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: ModelEvent): void {
    for (const listener of this.#listeners) listener(event);
  }
}

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
