import { type IntegrasjonspunktClient, NotFoundError, RequestValidationError } from 'eformidling';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { DEPARTEMENT } from '../mock/fixtures.js';
import { FAST } from './harness.js';
import { receive, send } from './simulated-message.js';

const ctx = useSimulator();

/** A client of DEPARTEMENT's IP that logs each request it makes as `METHOD /path`. */
function loggingClient(): { ip: IntegrasjonspunktClient; requests: string[] } {
  const requests: string[] = [];
  const ip = ctx.client(DEPARTEMENT, {
    fetch: (input, init) => {
      const request = new Request(input, init);
      requests.push(`${request.method} ${new URL(request.url).pathname}`);
      return fetch(request);
    },
  });
  return { ip, requests };
}

describe('ip.waitForDelivery: unknown ids and bad options', () => {
  it('rejects at once with the IP’s NotFoundError when it has no conversation for the id', async () => {
    const { ip, requests } = loggingClient();
    const id = 'a6a4a3f2-1c55-4c3e-9d8e-2f7a0c1b5e10';
    const error = await ip.waitForDelivery(id, { ...FAST, timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, exception: 'MessageNotFoundException' });
    expect(requests).toEqual([`GET /api/statuses/${id}`, `GET /api/conversations/messageId/${id}`]);
  });

  it('does not look up a message that has statuses', async () => {
    const id = await send(ctx);
    await receive(ctx, id);
    const { ip, requests } = loggingClient();
    expect((await ip.waitForDelivery(id, FAST)).at(-1)?.status).toBe('LEVERT');
    expect(requests).toEqual([`GET /api/statuses/${id}`]);
  });

  it('rejects (never throws) on bad options, before any request', async () => {
    const { ip, requests } = loggingClient();
    const calls = [
      () => ip.waitForDelivery('m1', { timeoutMs: -1 }),
      () => ip.waitForDelivery('m1', { timeoutMs: Number.NaN }),
      () => ip.waitForDelivery('m1', { until: 'SENDT' as never }),
      () => ip.waitForDelivery('', FAST),
      () => ip.waitForDelivery('m1', { pollIntervalMs: 0 }),
    ];
    for (const call of calls) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call();
      }).not.toThrow();
      await expect(promise).rejects.toBeInstanceOf(RequestValidationError);
    }
    expect(requests).toEqual([]);
  });
});
