import { isIP } from 'node:net';
import { ConsoleError } from './http.js';

/**
 * The console's safety checks (docs/console-api.md, "Serving and safety"): who may be served at all (loopback
 * binding), which `Host` a loopback-bound console answers (DNS rebinding), Basic auth like the simulated IPs, and
 * no state change from a simple cross-site form (JSON or multipart bodies only, same `Origin`).
 * @internal
 * @module
 */

/** True for an address or host name on this machine only: `127.0.0.0/8`, `::1`, `localhost`, `*.localhost`. */
export function isLoopback(host: string): boolean {
  const name = host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  if (name === '::1') return true;
  // IPv4-mapped loopback (::ffff:127.0.0.1), as a dual-stack socket reports it.
  return /^::ffff:127\./.test(name);
}

/** The host name of a `Host` header value (`127.0.0.1:9093`, `[::1]:9093`, `localhost`). */
function hostName(header: string): string | undefined {
  try {
    return new URL(`http://${header}`).hostname;
  } catch {
    return undefined;
  }
}

export interface GuardOptions {
  /** The server is bound to loopback: only loopback `Host` names are answered. */
  loopbackBound: boolean;
  basicAuth: { username: string; password: string } | undefined;
}

const REALM = 'Basic realm="eformidling simulator console", charset="UTF-8"';

/** Throws the refusal for a request the console must not answer. */
export function guard(request: Request, options: GuardOptions): void {
  const host = request.headers.get('host') ?? new URL(request.url).host;
  if (options.loopbackBound) {
    const name = hostName(host);
    if (name === undefined || !isLoopback(name)) {
      throw new ConsoleError(403, 'forbidden_host', `the console answers loopback host names only, not ${host}`);
    }
  }
  const auth = options.basicAuth;
  if (auth) {
    const m = /^Basic\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
    const given = m ? Buffer.from(m[1] as string, 'base64').toString('utf8') : undefined;
    if (given !== `${auth.username}:${auth.password}`) {
      throw new ConsoleError(401, 'unauthorized', 'the simulator requires Basic auth', undefined, { 'www-authenticate': REALM });
    }
  }
  if (request.method === 'GET' || request.method === 'HEAD') return;
  const origin = request.headers.get('origin');
  if (origin !== null) {
    let originHost: string | undefined;
    try {
      originHost = new URL(origin).host;
    } catch {
      originHost = undefined;
    }
    if (originHost !== host.toLowerCase()) {
      throw new ConsoleError(403, 'forbidden_origin', `requests from ${origin} may not change the simulator`);
    }
  }
  if (request.method === 'DELETE') return;
  const type = request.headers.get('content-type') ?? '';
  if (!/^(application\/json|multipart\/form-data)\s*(;|$)/i.test(type)) {
    throw new ConsoleError(415, 'unsupported_media_type', `send a JSON (or multipart) body, not '${type}'`);
  }
}
