import { arkivmelding, IntegrasjonspunktClient, type IntegrasjonspunktClientOptions, isSendError, SendError } from 'eformidling';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type FakeOptions, fakeIp } from './fake-ip.js';
import { RECEIVER } from './fixtures.js';

/** Two retries, 1–2 ms apart: what most send tests give their client. */
export const FAST_RETRY = { retries: 2, minDelayMs: 1, maxDelayMs: 2 };

/**
 * Sets up one msw server for the file (handlers reset after each test). `serve()` puts a fresh {@link fakeIp} on it
 * and returns it with a client for its base URL; the client retries with {@link FAST_RETRY} unless `clientOptions`
 * are given (pass `{}` for the client's defaults).
 */
export function useFakeIpServer() {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());

  function serve(
    options: FakeOptions = {},
    clientOptions: Partial<Omit<IntegrasjonspunktClientOptions, 'baseUrl'>> = { retry: FAST_RETRY },
  ) {
    const ip = fakeIp(options);
    server.use(...ip.handlers);
    const client = new IntegrasjonspunktClient({ baseUrl: ip.base, ...clientOptions });
    return { ip, client };
  }

  /** A fake IP and its client (as {@link serve}), plus an arkivmelding to send and its messageId. */
  function setup(clientOptions?: Parameters<typeof serve>[1]) {
    const { ip, client } = clientOptions ? serve({}, clientOptions) : serve();
    const sbd = arkivmelding({ receiver: RECEIVER, hoveddokument: 'vedtak.pdf' });
    const id = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
    return { ip, client, sbd, id };
  }

  return { server, serve, setup };
}

/** The {@link SendError} a send rejected with (fails the test when it resolved or threw anything else). */
export async function sendFailure(p: Promise<unknown>): Promise<SendError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SendError);
  expect(isSendError(error)).toBe(true);
  return error as SendError;
}
