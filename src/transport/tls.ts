import type { Dispatcher } from 'undici';
import { RequestValidationError } from '../errors.js';
import { loadUndici } from './direct.js';

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

/**
 * The undici `Agent` that verifies the IP's certificate against `tls.ca` and presents a client certificate, created
 * on the first request. Both the `fetch` path and the direct path of a client with `tls` go through it.
 * @internal
 */
export interface TlsAgent {
  /** The agent, once the `undici` package has been loaded; a promise the first time. */
  agent(): Dispatcher | Promise<Dispatcher>;
}

/** @internal */
export function createTlsAgent(tls: TlsOptions): TlsAgent {
  const rejectUnauthorized = (tls as { rejectUnauthorized?: unknown }).rejectUnauthorized;
  if (rejectUnauthorized === false) {
    throw new RequestValidationError(
      'tls.rejectUnauthorized',
      "certificate verification cannot be switched off; give the IP's CA in tls.ca instead",
    );
  }
  let ready: Dispatcher | undefined;
  let loading: Promise<Dispatcher> | undefined;
  return {
    agent() {
      if (ready) return ready;
      loading ??= (async () => {
        const undici = await loadUndici();
        ready = new undici.Agent({
          connect: {
            ca: tls.ca,
            cert: tls.cert,
            key: tls.key,
            passphrase: tls.passphrase,
            servername: tls.servername,
            rejectUnauthorized: true,
          },
        });
        return ready;
      })();
      return loading;
    },
  };
}

/**
 * A fetch over the TLS agent. Node's global fetch takes no per-request CA, so this goes through the `undici`
 * package's own fetch with the agent as dispatcher, and hands back a standard `Response`.
 * @internal
 */
export function createTlsFetch(tls: TlsAgent): FetchLike {
  return async (input, init) => {
    const agent = await tls.agent();
    const { fetch } = await loadUndici();
    const request = input instanceof Request ? input : new Request(input, init);
    const extra = (init ?? {}) as { duplex?: string };
    const response = await fetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      body: request.body as never,
      signal: request.signal,
      redirect: request.redirect,
      duplex: (extra.duplex ?? (request.body ? 'half' : undefined)) as 'half',
      dispatcher: agent,
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
