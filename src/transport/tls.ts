import type { Dispatcher } from 'undici';
import { RequestValidationError } from '../errors.js';

/**
 * TLS settings for an IP with a private CA or mutual TLS. Certificate verification is always on.
 * @category Client
 */
export interface TlsOptions {
  /** Trusted CA certificate(s), PEM. Replaces the default trust store for this client. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate (PEM) for mutual TLS. */
  cert?: string | Buffer;
  /** Client private key (PEM) for mutual TLS. */
  key?: string | Buffer;
  /** Passphrase of `key`. */
  passphrase?: string;
  /** Server name to verify when it differs from the URL's host. */
  servername?: string;
}

export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

type Undici = typeof import('undici');
let undici: Promise<Undici> | undefined;

/**
 * Loads the `undici` package once, on the first request of a client with `tls` (Node's global `fetch` takes no
 * per-request CA or client certificate). Loading it installs a global dispatcher of its own when none is set yet,
 * which Node's `fetch` would then use as well; so Node's own one is put in place first, exactly as the application's
 * first `fetch` would (touching the lazy `Headers` global loads Node's bundled undici, which sets it).
 */
function loadUndici(): Promise<Undici> {
  undici ??= (async () => {
    void globalThis.Headers;
    return import('undici');
  })();
  return undici;
}

/**
 * A fetch for an IP with a private CA or mutual TLS: undici's own `fetch` with an `Agent` (created on the first
 * request) that verifies the IP's certificate against `tls.ca` and presents a client certificate. It hands back a
 * standard `Response`. Certificate verification cannot be switched off.
 * @internal
 */
export function createTlsFetch(tls: TlsOptions): FetchLike {
  const rejectUnauthorized = (tls as { rejectUnauthorized?: unknown }).rejectUnauthorized;
  if (rejectUnauthorized === false) {
    throw new RequestValidationError(
      'tls.rejectUnauthorized',
      "certificate verification cannot be switched off; give the IP's CA in tls.ca instead",
    );
  }
  let agent: Promise<Dispatcher> | undefined;
  return async (input, init) => {
    const { fetch, Agent } = await loadUndici();
    agent ??= Promise.resolve(
      new Agent({
        connect: {
          ca: tls.ca,
          cert: tls.cert,
          key: tls.key,
          passphrase: tls.passphrase,
          servername: tls.servername,
          rejectUnauthorized: true,
        },
      }),
    );
    const dispatcher = await agent;
    const request = input instanceof Request ? input : new Request(input, init);
    const extra = (init ?? {}) as { duplex?: string };
    const response = await fetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      body: request.body as never,
      signal: request.signal,
      redirect: request.redirect,
      duplex: (extra.duplex ?? (request.body ? 'half' : undefined)) as 'half',
      dispatcher,
    });
    const status = response.status;
    const nullBody = status === 204 || status === 205 || status === 304;
    return new Response(nullBody ? null : (response.body as ReadableStream<Uint8Array> | null), {
      status,
      statusText: response.statusText,
      headers: [...response.headers] as [string, string][],
    });
  };
}
