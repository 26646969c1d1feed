import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookHandler, type StatusEvent } from 'eformidling';
import { HttpResponse, http, passthrough } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { arkivmeldingXml, DEPARTEMENT, messageIdOf, raw, sbd, uploadHeaders } from '../mock/fixtures.js';

const ctx = useSimulator();
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const ENDPOINT = 'http://hooks.test/eformidling';

describe('subscriptions.ensureSubscription', () => {
  it('creates once, then leaves a matching subscription alone, updates a changed one, recreates to drop a filter', async () => {
    ctx.server.use(
      http.post(ENDPOINT, () => new HttpResponse(null, { status: 200 })),
      http.post('http://hooks.test/other', () => new HttpResponse(null, { status: 200 })),
    );
    const ip = ctx.client(DEPARTEMENT);
    const wanted = { name: 'sak-arkiv', pushEndpoint: ENDPOINT, resource: 'messages', event: 'status' } as const;
    const created = await ip.subscriptions.ensureSubscription({ ...wanted, filter: 'status=FEIL' });
    const again = await ip.subscriptions.ensureSubscription({ ...wanted, filter: 'status=FEIL' });
    expect(again.id).toBe(created.id);
    const updated = await ip.subscriptions.ensureSubscription({ ...wanted, event: 'all', filter: 'direction=OUTGOING' });
    expect(updated).toMatchObject({ id: created.id, event: 'all', filter: 'direction=OUTGOING' });
    expect(await ip.subscriptions.get(created.id)).toMatchObject({ event: 'all', filter: 'direction=OUTGOING' });
    const unfiltered = await ip.subscriptions.ensureSubscription({ ...wanted, event: 'all' });
    expect(unfiltered.filter).toBeUndefined();
    const all = [];
    for await (const s of ip.subscriptions.list()) all.push(s);
    expect(all).toHaveLength(1);
    // Same name, other endpoint: a different subscription.
    await ip.subscriptions.ensureSubscription({ ...wanted, pushEndpoint: 'http://hooks.test/other' });
    const after = [];
    for await (const s of ip.subscriptions.list()) after.push(s);
    expect(after).toHaveLength(2);
  });

  it('validates before sending anything', async () => {
    const ip = ctx.client(DEPARTEMENT);
    await expect(
      ip.subscriptions.ensureSubscription({ name: 'x', pushEndpoint: 'not a url', resource: 'messages', event: 'status' }),
    ).rejects.toMatchObject({ name: 'RequestValidationError' });
  });

  it('the simulated IP pushes status events to the handler, which wakes a tracker', async () => {
    const events: StatusEvent[] = [];
    const ip = ctx.client(DEPARTEMENT);
    // A tracker that would wait an hour between polls: only the webhook can make it look sooner.
    const tracker = ip.track([], { strategy: 'per-id', pollIntervalMs: 3_600_000 });
    const handler = createWebhookHandler({ trackers: [tracker], onStatus: (e) => events.push(e) });
    const server = createServer((req, res) => void handler(req, res));
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    ctx.server.use(http.post(url, () => passthrough()));
    try {
      await ip.subscriptions.ensureSubscription({ name: 'tracker', pushEndpoint: url, resource: 'messages', event: 'status' });
      const out = raw(ctx.sim.baseUrl(DEPARTEMENT));
      const created = await out('POST', '/api/messages/out', { json: sbd() });
      const id = messageIdOf(created.json);
      await out('PUT', `/api/messages/out/${id}`, {
        body: arkivmeldingXml(),
        headers: uploadHeaders('arkivmelding.xml', 'application/xml'),
      });
      await out('PUT', `/api/messages/out/${id}`, { body: '%PDF-1.7', headers: uploadHeaders('vedtak.pdf') });
      tracker.add(id); // first cycle reads OPPRETTET; then the tracker sleeps for an hour
      await new Promise<void>((resolve) => tracker.once('status', () => resolve()));
      const sent = new Promise<void>((resolve) => tracker.on('status', (u) => u.status.status === 'SENDT' && resolve()));
      await out('POST', `/api/messages/out/${id}`);
      await ctx.sim.settle(); // the carrier hands it over: SENDT
      await sent;
      expect(events.map((e) => e.status)).toContain('SENDT');
    } finally {
      await tracker.stop();
    }
  });
});
