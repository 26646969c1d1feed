import { EventEmitter } from 'node:events';
import type { Dispatcher } from 'undici';

export type { Dispatcher };

/**
 * The direct path: small requests (no body, a string or bytes) that a built-in reader answers go straight to an undici
 * `Dispatcher` instead of through `fetch`. It is the same HTTP engine that Node's `fetch` runs on, without the WHATWG
 * layers (`Request`, `Headers`, body streams, an `AbortSignal` per request): measured with bench/send.bench.mjs, a
 * one-step send of 1 KB costs ~55 µs of CPU this way against ~125 µs for a bare `fetch` of the same body.
 *
 * It is taken only when nothing could tell the difference:
 * - no `fetch` was given to the client;
 * - `globalThis.fetch` is still Node's own, so request interceptors (msw, nock) that patch `fetch` keep seeing
 *   every request (checked on each request, so one installed later is noticed);
 * - the dispatcher is the one `fetch` would use: the process-wide global dispatcher (Node's own agent, or a proxy
 *   agent or undici `MockAgent` that the application set), or the TLS agent of a client with `tls`.
 *
 * Streams, uploads from disk and streamed downloads keep using `fetch`.
 * @internal
 */

/** Where Node keeps the dispatcher that `fetch` and `undici` share (`setGlobalDispatcher`). */
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

let lastFetch: unknown;
let lastIsNative = false;

/**
 * True when `globalThis.fetch` is Node's built-in one (its source loads Node's bundled undici), not a wrapper put
 * there by an interceptor. Cached by identity: one comparison per request.
 */
export function globalFetchIsNative(): boolean {
  const current = globalThis.fetch;
  if (current !== lastFetch) {
    lastFetch = current;
    lastIsNative = typeof current === 'function' && Function.prototype.toString.call(current).includes('internal/deps/undici');
  }
  return lastIsNative;
}

type Undici = typeof import('undici');
let undici: Undici | undefined;
let loading: Promise<Undici> | undefined;

/**
 * Loads the `undici` package once (a runtime dependency, not loaded until the first direct request). Loading it
 * installs a global dispatcher of its own when none is set yet, which Node's `fetch` would then use as well; so Node's
 * own one is put in place first, exactly as the application's first `fetch` would (touching the lazy `Headers` global
 * loads Node's bundled undici, which sets it). `fetch` then runs on the agent it always had.
 */
export function loadUndici(): Undici | Promise<Undici> {
  if (undici) return undici;
  loading ??= (async () => {
    void globalThis.Headers;
    undici = await import('undici');
    return undici;
  })();
  return loading;
}

/** The dispatcher `fetch` would use: the process-wide one (Node's own agent unless the application set another). */
export function sharedDispatcher(): Dispatcher {
  return (globalThis as Record<symbol, Dispatcher>)[GLOBAL_DISPATCHER] as Dispatcher;
}

/** True when a resolved body can go the direct path. */
export function isDirectBody(body: unknown): body is string | Uint8Array | undefined {
  return body === undefined || typeof body === 'string' || body instanceof Uint8Array;
}

/**
 * What the built-in readers and the error mapping read from a response, on either path.
 * @internal
 */
export interface WireResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  /** The whole body as text. */
  text(): Promise<string>;
  /** At most `limit` bytes of the body as text; the rest is dropped. */
  textUpTo(limit: number): Promise<string>;
  /** Reads and drops the body (keeps the connection for the next request where the body is small). */
  discard(): Promise<void>;
  /** Drops the body unread. */
  cancel(): void;
}

const decoder = new TextDecoder();

class DirectHeaders {
  readonly #raw: Record<string, string | string[] | undefined>;
  constructor(raw: Record<string, string | string[] | undefined>) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
}

/** A dispatcher's answer seen as a {@link WireResponse}. */
export class DirectResponse implements WireResponse {
  readonly status: number;
  readonly #data: Dispatcher.ResponseData;
  #headers: DirectHeaders | undefined;

  constructor(data: Dispatcher.ResponseData) {
    this.status = data.statusCode;
    this.#data = data;
  }

  get headers(): DirectHeaders {
    this.#headers ??= new DirectHeaders(this.#data.headers);
    return this.#headers;
  }

  text(): Promise<string> {
    return this.#data.body.text();
  }

  async textUpTo(limit: number): Promise<string> {
    const body = this.#data.body;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= limit) break; // leaving the loop destroys the body
    }
    return decoder.decode(Buffer.concat(chunks, size));
  }

  async discard(): Promise<void> {
    // Reading (not destroying) keeps the connection; a stalled body is ended by the attempt's timer, which then fails.
    const body = this.#data.body;
    await body.dump(); // resolves when the body closes, also when the timer or an abort destroyed it
    if (body.errored) throw body.errored;
  }

  cancel(): void {
    this.#data.body.on('error', () => {}).destroy();
  }
}

/**
 * Cancels a direct request: undici takes an `EventEmitter` as its `signal` (documented for `Dispatcher.request`),
 * which is far cheaper per request than an `AbortController` and its `AbortSignal`.
 */
export class Canceller extends EventEmitter {
  cancel(): void {
    this.emit('abort');
  }
}
