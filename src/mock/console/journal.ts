import type { ModelEvent } from '../model/index.js';
import type { Simulator } from '../simulator.js';
import {
  clockView,
  faultView,
  keyOf,
  type Marks,
  type RequestEntry,
  requestEntry,
  summary,
  type WebhookEntry,
  webhookEntry,
} from './views.js';

/**
 * The console's journal: it listens to the model's change events, the core's request reports and the fault
 * rules' changes, keeps what the model does not (the request log, webhook timings, which messages were popped or
 * transmitted) and turns every change into a typed console event for the live stream (`/console/api/events`), with
 * the last {@link KEEP_EVENTS} kept for a reconnecting client. Event data is built when first sent, so a simulator
 * nobody watches pays almost nothing.
 * @internal
 * @module
 */

export type ConsoleEventType = 'message' | 'status' | 'request' | 'fault' | 'webhook' | 'clock' | 'reset';

/** One event of the live stream. */
export interface ConsoleEvent {
  readonly id: number;
  readonly type: ConsoleEventType;
  /** The `data:` JSON, built on first use. */
  data(): string;
}

const KEEP_EVENTS = 1000;
const KEEP_REQUESTS = 1000;
const KEEP_WEBHOOKS = 1000;
const KEEP_HITS = 20;
/** Keys remembered as popped/transmitted: old ones are forgotten first. */
const KEEP_MARKS = 100_000;

function lazy(build: () => unknown): () => string {
  let text: string | undefined;
  return () => {
    text ??= JSON.stringify(build());
    return text;
  };
}

function remember(set: Set<string>, key: string): void {
  set.add(key);
  if (set.size > KEEP_MARKS) set.delete(set.values().next().value as string);
}

function push<T>(list: T[], item: T, keep: number): void {
  list.push(item);
  if (list.length > keep) list.splice(0, list.length - keep);
}

export class Journal implements Marks {
  readonly popped = new Set<string>();
  readonly transmitted = new Set<string>();
  /** The request log, oldest first. */
  readonly requests: RequestEntry[] = [];
  /** Webhook POSTs, oldest first. */
  readonly webhooks: WebhookEntry[] = [];
  /** Ids of the last requests each fault rule applied to. */
  readonly recentHits = new Map<number, number[]>();
  readonly #events: ConsoleEvent[] = [];
  readonly #listeners = new Set<(event: ConsoleEvent) => void>();
  readonly #stops: (() => void)[];
  readonly #webhookIds = new WeakMap<object, number>();
  readonly #simulator: Simulator;
  #seq = 0;
  #webhookSeq = 0;

  titleOf(messageId: string): string | undefined {
    return this.#simulator.model.otherSide.sides(messageId).find((side) => side.conv.messageTitle)?.conv.messageTitle;
  }

  constructor(simulator: Simulator) {
    this.#simulator = simulator;
    this.#stops = [
      simulator.model.events.on((event) => this.#onModel(event)),
      simulator.core.requests.on((record) => {
        const entry = requestEntry(record);
        push(this.requests, entry, KEEP_REQUESTS);
        this.#emit('request', () => entry);
        if (!record.fault) return;
        const hits = this.recentHits.get(record.fault.id) ?? [];
        push(hits, record.id, KEEP_HITS);
        this.recentHits.set(record.fault.id, hits);
        const fault = simulator.injector.rules.find((f) => f.id === record.fault?.id);
        if (fault) this.#emit('fault', () => ({ change: 'hit', fault: faultView(fault, hits) }));
      }),
      simulator.injector.events.on((event) => {
        if (event.change === 'cleared') {
          this.recentHits.clear();
          this.#emit('fault', () => ({ change: 'cleared', fault: null }));
          return;
        }
        if (event.change === 'removed') this.recentHits.delete(event.fault.id);
        const view = faultView(event.fault, this.recentHits.get(event.fault.id) ?? []);
        this.#emit('fault', () => ({ change: event.change, fault: view }));
      }),
    ];
  }

  /** Adds a listener of new events; returns a function that removes it. */
  on(listener: (event: ConsoleEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The kept events after `lastId`, or `reset` when some of them are no longer kept. */
  since(lastId: number): ConsoleEvent[] | 'reset' {
    const first = this.#events[0];
    if (lastId >= this.#seq) return [];
    if (!first || first.id > lastId + 1) return 'reset';
    return this.#events.filter((e) => e.id > lastId);
  }

  /** The id of the newest event. */
  get lastId(): number {
    return this.#seq;
  }

  /** Stops listening to the simulator. */
  close(): void {
    for (const stop of this.#stops) stop();
    this.#listeners.clear();
  }

  // The event's IP is read directly: reading through model.view here would tick the model in the middle of the
  // operation that announced the change.
  #onModel(event: ModelEvent): void {
    const model = this.#simulator.model;
    switch (event.type) {
      case 'status': {
        const { ip, status } = event;
        const conv = status.conversation;
        const key = keyOf(ip.orgnr, conv.direction === 'OUTGOING' ? 'out' : 'in', conv.messageId);
        this.#emit('status', () => ({
          key,
          status: {
            id: status.id,
            status: status.status,
            description: status.description ?? null,
            at: new Date(status.lastUpdate).toISOString(),
          },
          message: summary(ip.orgnr, conv, ip, this),
        }));
        return;
      }
      case 'message': {
        const { ip, direction, messageId, change } = event;
        const key = keyOf(ip.orgnr, direction, messageId);
        if (change === 'popped') remember(this.popped, key);
        if (change === 'transmitted') remember(this.transmitted, key);
        const wanted = direction === 'out' ? 'OUTGOING' : 'INCOMING';
        const conv = ip.conversations.find((c) => c.direction === wanted && c.messageId === messageId);
        // A message whose conversation the client deleted (DELETE /api/conversations) has nothing to show.
        if (conv) this.#emit('message', () => ({ change, message: summary(ip.orgnr, conv, ip, this) }));
        return;
      }
      case 'webhook': {
        let id = this.#webhookIds.get(event.delivery);
        if (id === undefined) {
          id = ++this.#webhookSeq;
          this.#webhookIds.set(event.delivery, id);
        }
        const entry = webhookEntry(id, event.delivery, event.at, event.durationMs);
        const index = this.webhooks.findIndex((w) => w.id === id);
        if (index >= 0) this.webhooks[index] = entry;
        else push(this.webhooks, entry, KEEP_WEBHOOKS);
        this.#emit('webhook', () => ({ change: event.change, delivery: entry }));
        return;
      }
      case 'clock': {
        const view = clockView(model);
        this.#emit('clock', () => view);
        return;
      }
    }
  }

  #emit(type: ConsoleEventType, build: () => unknown): void {
    const event: ConsoleEvent = { id: ++this.#seq, type, data: lazy(build) };
    push(this.#events, event, KEEP_EVENTS);
    for (const listener of this.#listeners) listener(event);
  }
}
