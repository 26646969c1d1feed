import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntegrasjonspunktClient, type IntegrasjonspunktClientOptions } from 'eformidling';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { ReceiveContext } from '../../src/receive/context.js';
import { FakeIp } from './fake-ip.js';

/** What {@link useFakeIp} gives a test; `ip`, `client` and `dir` are fresh for each test (read them inside tests). */
export interface FakeIpContext {
  /** The msw server serving the fake IP (add your own handlers with `server.use(...)`). */
  readonly server: ReturnType<typeof setupServer>;
  /** A fresh in-test incoming queue. */
  readonly ip: FakeIp;
  /** A client for `ip.base`. */
  readonly client: IntegrasjonspunktClient;
  /** A fresh temporary folder, removed after the test. */
  readonly dir: string;
}

/**
 * Sets up one msw server for the file and, before each test, a fresh {@link FakeIp}, a client for it (with `retry` as
 * given) and a temporary folder named after `tempPrefix`; handlers are reset and the folder removed after each test.
 */
export function useFakeIp(options: { retry: NonNullable<IntegrasjonspunktClientOptions['retry']>; tempPrefix: string }): FakeIpContext {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
  afterAll(() => server.close());

  let ip: FakeIp;
  let client: IntegrasjonspunktClient;
  let dir: string;
  beforeEach(async () => {
    ip = new FakeIp();
    server.use(...ip.handlers());
    client = new IntegrasjonspunktClient({ baseUrl: ip.base, retry: options.retry });
    dir = await mkdtemp(join(tmpdir(), options.tempPrefix));
  });
  afterEach(async () => {
    server.resetHandlers();
    await rm(dir, { recursive: true, force: true });
  });

  return {
    server,
    get ip() {
      return ip;
    },
    get client() {
      return client;
    },
    get dir() {
      return dir;
    },
  };
}

/**
 * A receive context for calling the workflow's parts (`downloadAsic`, `receiveOne`) directly: the client's incoming
 * and conversations resources, a timeout, and a plain retry loop of `retries` further attempts for the failures the
 * caller marks as retryable (the client facade passes its own retry policy instead).
 */
export function receiveContextFor(client: IntegrasjonspunktClient, options: { retries?: number; timeoutMs?: number } = {}): ReceiveContext {
  const retries = options.retries ?? 0;
  return {
    incoming: client.incoming,
    conversations: client.conversations,
    timeoutMs: options.timeoutMs ?? 30_000,
    async retry(fn, { shouldRetry }) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn(attempt);
        } catch (error) {
          if (attempt > retries || !shouldRetry(error)) throw error;
        }
      }
    },
  };
}
