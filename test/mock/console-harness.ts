import { arkivmelding, IntegrasjonspunktClient, messageIdOf } from 'eformidling';
import { type SimulatorServer, type StartSimulatorOptions, startSimulator } from 'eformidling/mock';
import { afterEach } from 'vitest';
import { START } from './both-faces.js';
import { arkivmeldingXml, DEPARTEMENT, KOMMUNE } from './fixtures.js';

/** The simulator console's tests: a real HTTP server on 127.0.0.1, the console API, and an SSE reader. */

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are read loosely
  body: any;
}

export interface ConsoleSession {
  server: SimulatorServer;
  /** A request to `/console/api<path>`; `json` is sent as `application/json`. */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<ApiAnswer>;
  /** An SDK client of an organisation's IP. */
  client(orgnr: string): IntegrasjonspunktClient;
}

const open: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of open.splice(0)) await close();
});

export async function readAnswer(res: Response): Promise<ApiAnswer> {
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body };
}

/** Starts a simulator (manual clock, manual delivery unless the options say otherwise), closed after the test. */
export async function startConsole(options: StartSimulatorOptions = {}): Promise<ConsoleSession> {
  const server = await startSimulator({ autoDeliver: false, clock: { mode: 'manual', start: START }, ...options });
  open.push(() => server.close());
  return {
    server,
    async api(path, init = {}) {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (json !== undefined) headers.set('content-type', 'application/json');
      const res = await fetch(`${server.url}/console/api${path}`, {
        ...rest,
        headers,
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
      return readAnswer(res);
    },
    client: (orgnr) => new IntegrasjonspunktClient({ baseUrl: server.baseUrl(orgnr), retry: { retries: 3, minDelayMs: 1, maxDelayMs: 5 } }),
  };
}

/** Sends an arkivmelding (arkivmelding.xml + vedtak.pdf) from DEPARTEMENT (to KOMMUNE) with the SDK; returns its id. */
export async function sendWithSdk(ip: IntegrasjonspunktClient, title = 'Vedtak i byggesak', receiver = KOMMUNE): Promise<string> {
  const sbd = arkivmelding({ sender: DEPARTEMENT, receiver, hoveddokument: 'vedtak.pdf' });
  await ip.send({
    sbd,
    files: [
      { filename: 'arkivmelding.xml', content: arkivmeldingXml(['vedtak.pdf'], title), mimeType: 'application/xml' },
      { filename: 'vedtak.pdf', content: Buffer.from('%PDF-1.7 vedtak'), mimeType: 'application/pdf' },
    ],
  });
  return messageIdOf(sbd) as string;
}

export interface StreamEvent {
  id: string | undefined;
  type: string;
  // biome-ignore lint/suspicious/noExplicitAny: event data is read loosely
  data: any;
}

/** Reads `/console/api/events` as a browser's EventSource would; closed after the test. */
export async function openEvents(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const received: StreamEvent[] = [];
  const waiters = new Set<() => void>();
  const res = await fetch(url, { headers, signal: controller.signal });
  if (!res.ok || !res.body) throw new Error(`event stream answered ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let comments = 0;
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) comments++;
          const m = /^(\w+): ?(.*)$/.exec(line);
          if (m) fields.set(m[1] as string, m[2] as string);
        }
        const type = fields.get('event');
        if (type) received.push({ id: fields.get('id'), type, data: JSON.parse(fields.get('data') ?? 'null') });
        for (const wake of [...waiters]) wake();
      }
    }
  })().catch(() => undefined);
  const close = async () => {
    controller.abort();
    await reader.cancel().catch(() => undefined);
  };
  open.push(close);
  return {
    received,
    get comments() {
      return comments;
    },
    /** The first event (already received or still to come) of a type that passes the check. */
    next(type: string, check: (data: StreamEvent['data']) => boolean = () => true, timeoutMs = 5000): Promise<StreamEvent> {
      return new Promise((resolve, reject) => {
        const look = () => {
          const found = received.find((e) => e.type === type && check(e.data));
          if (!found) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const wake = () => void look();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`no ${type} event within ${timeoutMs} ms; got ${received.map((e) => e.type).join(', ')}`));
        }, timeoutMs);
        if (!look()) waiters.add(wake);
      });
    },
    close,
  };
}
