import { createSimulator } from 'eformidling/mock';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { type AnyJson, DEPARTEMENT, raw, sendArkivmelding } from './fixtures.js';

const ctx = useSimulator();
const out = () => raw(ctx.sim.baseUrl(DEPARTEMENT));
const HOOK = 'http://hooks.test/eformidling';

function captureHooks(status = 200): AnyJson[] {
  const received: AnyJson[] = [];
  ctx.server.use(
    http.post(HOOK, async ({ request }) => {
      received.push(await request.json());
      return new HttpResponse(null, { status });
    }),
  );
  return received;
}

describe('subscriptions', () => {
  it('validates create: required fields, URL, enums, filter syntax, no id', async () => {
    const res = await out()('POST', '/api/subscriptions', {
      json: { id: 3, name: '', pushEndpoint: 'not a url', resource: 'x', event: 'nonexistent', filter: 'status>FEIL' },
    });
    expect(res.status).toBe(400);
    expect(res.json.exception).toBe('org.springframework.web.bind.MethodArgumentNotValidException');
    expect((res.json.errors as AnyJson[]).map((e) => e.field)).toEqual(['id', 'name', 'pushEndpoint', 'resource', 'event', 'filter']);
    const event = (res.json.errors as AnyJson[]).find((e) => e.field === 'event');
    expect(event).toMatchObject({
      code: 'OneOf',
      defaultMessage: "'nonexistent' is not expected. Allowed values are: [all, status]",
      rejectedValue: 'nonexistent',
    });
    expect((res.json.errors as AnyJson[]).find((e) => e.field === 'filter').defaultMessage).toBe('Must be a valid filter definition.');
    const missing = await out()('POST', '/api/subscriptions', { json: {} });
    expect(missing.json.errors).toHaveLength(4);
  });

  it('creates (pinging the endpoint), rejects the same name and endpoint, gets, updates, deletes', async () => {
    const received = captureHooks();
    const body = {
      name: 'feil',
      pushEndpoint: HOOK,
      resource: 'messages',
      event: 'status',
      filter: 'status=FEIL,LEVETID_UTLOPT&direction=OUTGOING',
    };
    const created = await out()('POST', '/api/subscriptions', { json: body });
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ id: expect.any(Number), ...body });
    expect(received).toEqual([{ createdTs: expect.any(String), event: 'ping' }]);
    const dup = await out()('POST', '/api/subscriptions', { json: body });
    expect(dup.json).toMatchObject({
      status: 400,
      exception: 'no.difi.meldingsutveksling.exceptions.SubscriptionWithSameNameAndPushEndpointAlreadyExists',
      message: 'Subscription with same name and push endpoint already exists.',
    });
    const id = created.json.id as number;
    expect((await out()('GET', `/api/subscriptions/${id}`)).json.name).toBe('feil');
    expect((await out()('PUT', `/api/subscriptions/${id}`, { json: { name: 'renamed' } })).status).toBe(200);
    expect((await out()('GET', '/api/subscriptions')).json.content[0].name).toBe('renamed');
    expect((await out()('DELETE', `/api/subscriptions/${id}`)).status).toBe(200);
    expect((await out()('GET', `/api/subscriptions/${id}`)).json).toMatchObject({
      status: 404,
      exception: 'no.difi.meldingsutveksling.exceptions.SubscriptionNotFoundException',
    });
    expect((await out()('DELETE', `/api/subscriptions/${id}`)).status).toBe(404);
  });

  it('succeeds even when the ping fails (endpoint down)', async () => {
    ctx.server.use(http.post(HOOK, () => HttpResponse.error()));
    const created = await out()('POST', '/api/subscriptions', { json: { name: 'a', pushEndpoint: HOOK, resource: 'all', event: 'all' } });
    expect(created.status).toBe(200);
    expect(ctx.sim.webhooks[0]).toMatchObject({ url: HOOK, status: undefined, error: expect.any(String) });
  });

  it('POSTs status events that pass the filter, once each (no retries)', async () => {
    const received = captureHooks(500);
    await out()('POST', '/api/subscriptions', {
      json: { name: 'sent', pushEndpoint: HOOK, resource: 'all', event: 'status', filter: 'status=sendt,mottatt' },
    });
    const id = await sendArkivmelding(out());
    await ctx.sim.settle();
    expect(received.map((e) => e.event)).toEqual(['ping', 'status', 'status']);
    expect(received[1]).toEqual({
      createdTs: expect.any(String),
      resource: 'messages',
      event: 'status',
      messageId: id,
      conversationId: expect.any(String),
      direction: 'OUTGOING',
      serviceIdentifier: 'DPO',
      status: 'SENDT',
    });
    expect(ctx.sim.webhooks.slice(1).map((w) => w.status)).toEqual([500, 500]);
    expect((await out()('DELETE', '/api/subscriptions')).status).toBe(200);
    expect((await out()('GET', '/api/subscriptions')).json.totalElements).toBe(0);
  });
});

describe('subscription updates', () => {
  it('subscription update pings a changed endpoint and rejects a clash', async () => {
    const posts: string[] = [];
    const sim = createSimulator(undefined, {
      fetch: async (url) => {
        posts.push(String(url));
        return new Response(null, { status: 200 });
      },
    });
    const out = raw(sim.baseUrl(DEPARTEMENT), (r) => sim.handle(r));
    const a = await out('POST', '/api/subscriptions', {
      json: { name: 'a', pushEndpoint: 'http://h.test/a', resource: 'all', event: 'all' },
    });
    await out('POST', '/api/subscriptions', { json: { name: 'b', pushEndpoint: 'http://h.test/b', resource: 'all', event: 'all' } });
    expect((await out('PUT', `/api/subscriptions/${a.json.id}`, { json: { name: 'b', pushEndpoint: 'http://h.test/b' } })).status).toBe(
      400,
    );
    expect(
      (
        await out('PUT', `/api/subscriptions/${a.json.id}`, {
          json: { pushEndpoint: 'http://h.test/c', resource: 'messages', event: 'status', filter: 'direction=INCOMING' },
        })
      ).status,
    ).toBe(200);
    expect((await out('PUT', `/api/subscriptions/${a.json.id}`, { json: { event: 'x' } })).status).toBe(400);
    expect(posts).toEqual(['http://h.test/a', 'http://h.test/b', 'http://h.test/c']);
    await sim.close();
  });
});
