import { createSimulator, defaultNetwork } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { DEPARTEMENT, KOMMUNE, raw, sbd, sendArkivmelding } from './fixtures.js';

function core() {
  const sim = createSimulator(undefined, { clock: { start: Date.UTC(2026, 0, 15, 12) } });
  return { sim, out: raw(sim.baseUrl(DEPARTEMENT), (r) => sim.handle(r)), inn: raw(sim.baseUrl(KOMMUNE), (r) => sim.handle(r)) };
}

describe('clock', () => {
  it('moves only forward, runs due work on advance and set, and formats dates in Europe/Oslo', async () => {
    const { sim, out } = core();
    expect(() => sim.clock.advance(-1)).toThrow(RangeError);
    expect(() => sim.clock.set(sim.clock.now() - 1)).toThrow(RangeError);
    const id = await sendArkivmelding(out);
    sim.clock.set(sim.clock.now() + 1000);
    expect(sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT']); // MOTTATT is one more delay away
    const status = (await out('GET', `/api/statuses?messageId=${id}`)).json.content[0];
    expect(status.lastUpdate).toBe('2026-01-15T13:00:00+01:00');
    expect(sim.clock.mode).toBe('manual');
    await sim.close();
  });

  it('a real clock follows the wall clock plus advanced time', async () => {
    const sim = createSimulator(defaultNetwork(), { clock: { mode: 'real' } });
    const before = Date.now();
    sim.clock.advance(3_600_000);
    expect(sim.clock.now()).toBeGreaterThanOrEqual(before + 3_600_000);
    await sim.close();
  });
});

describe('faults', () => {
  it('rules can be removed and cleared; method and RegExp matching', async () => {
    const { sim, out } = core();
    const remove = sim.faults.failNext({ method: 'GET', path: /^\/api\/stat/, status: 500, times: 5 });
    expect(sim.faults.pending).toHaveLength(1);
    expect((await out('POST', '/api/statuses')).status).toBe(405);
    expect((await out('GET', '/api/statuses')).json).toMatchObject({ status: 500, exception: 'java.lang.IllegalStateException' });
    remove();
    expect((await out('GET', '/api/statuses')).status).toBe(200);
    sim.faults.failNext({ path: '*', status: 429, exception: 'x.Y', message: 'slow down' });
    sim.faults.failNext({ path: '*', status: 204 });
    expect((await out('GET', '/manage/info')).json).toMatchObject({
      status: 429,
      exception: 'x.Y',
      message: 'slow down',
      error: 'Too Many Requests',
    });
    expect((await out('GET', '/manage/info')).status).toBe(204);
    sim.faults.failNext({ path: '*', status: 500 });
    sim.faults.clear();
    expect((await out('GET', '/manage/info')).status).toBe(200);
    await sim.close();
  });
});

describe('other endpoints and edge cases', () => {
  it('actuator probes, service record relay, unknown organisation, bad path parameters, sorting', async () => {
    const { sim, out } = core();
    expect((await out('GET', '/manage/health/liveness')).json).toEqual({ status: 'UP' });
    expect((await out('GET', '/manage/health/readiness')).json).toEqual({ status: 'UP' });
    expect((await out('GET', `/servicerecord/${KOMMUNE}`)).json.serviceRecords.length).toBeGreaterThan(0);
    expect((await out('GET', '/servicerecord/123456785')).status).toBe(404);
    const unknownOrg = await sim.handle(new Request('http://123456785.ip.eformidling.test/api/statuses'));
    expect(unknownOrg.status).toBe(404);
    expect((await out('GET', '/api/conversations/abc')).json.exception).toBe(
      'org.springframework.web.method.annotation.MethodArgumentTypeMismatchException',
    );
    expect((await out('GET', '/api/capabilities/910075918?securityLevel=x')).status).toBe(400);
    expect((await out('GET', '/api/capabilities/910075918?securityLevel=3')).json.capabilities.length).toBeGreaterThan(0);
    await sendArkivmelding(out, { send: false });
    await sendArkivmelding(out, { send: false });
    const sorted = await out('GET', '/api/messages/out?sort=messageId,desc&sort=id');
    const ids = sorted.json.content.map(
      (m: { standardBusinessDocumentHeader: { documentIdentification: { instanceIdentifier: string } } }) =>
        m.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier,
    );
    expect(ids).toEqual([...ids].sort().reverse());
    expect(
      (await out('GET', '/api/conversations?sort=lastUpdate,asc&serviceIdentifier=DPO&lastUpdateFrom=2026-01-15&lastUpdateTo=2026-01-15'))
        .json.totalElements,
    ).toBe(2);
    expect((await out('GET', '/api/conversations?serviceIdentifier=dpo')).status).toBe(500);
    expect((await out('GET', '/api/conversations?lastUpdateFrom=nope')).status).toBe(400);
    expect((await out('GET', '/api/statuses?id=x')).status).toBe(400);
    expect((await out('GET', '/api/subscriptions/abc')).status).toBe(400);
    expect((await out('PUT', '/api/subscriptions/99', { json: {} })).status).toBe(404);
    expect((await out('POST', '/api/messages/out', { json: [] })).status).toBe(400);
    const three = { ...sbd(), extra: {} };
    expect((await out('POST', '/api/messages/out', { json: three })).status).toBe(500);
    const noType = sbd();
    delete noType.arkivmelding;
    delete (noType.standardBusinessDocumentHeader as { documentIdentification: Record<string, unknown> }).documentIdentification.type;
    expect((await out('POST', '/api/messages/out', { json: noType })).json.message).toBe('JSON parse error: Missing type!');
    await sim.close();
  });

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

  it('rejects a network without integration points or with duplicate participants', () => {
    expect(() => createSimulator({ participants: [] })).toThrow();
    const net = defaultNetwork();
    expect(() =>
      createSimulator({ participants: [...net.participants, net.participants[0] as (typeof net.participants)[number]] }),
    ).toThrow();
    expect(() => createSimulator().baseUrl('123456785')).toThrow();
  });
});
