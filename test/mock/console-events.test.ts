import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSimulator } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/mock/console/journal.js';
import { EventStreams } from '../../src/mock/console/sse.js';
import { openEvents, sendWithSdk, startConsole } from './console-harness.js';
import { DEPARTEMENT, KOMMUNE } from './fixtures.js';

/** The live stream `/console/api/events`: typed events as things happen, and the replay after a reconnect. */

describe('console events (SSE)', () => {
  it('a message sent with the SDK arrives live as message, status and request events', async () => {
    const session = await startConsole();
    const events = await openEvents(`${session.server.url}/console/api/events`);
    const id = await sendWithSdk(session.client(DEPARTEMENT));
    const created = await events.next('message', (d) => d.change === 'created');
    expect(created.data.message).toMatchObject({ key: `${DEPARTEMENT}/out/${id}`, status: 'OPPRETTET', outgoing: { state: 'building' } });
    const opprettet = await events.next('status', (d) => d.status.status === 'OPPRETTET');
    expect(opprettet.data).toMatchObject({ key: `${DEPARTEMENT}/out/${id}`, message: { messageId: id } });
    const files = await events.next('message', (d) => d.change === 'file' && d.message.outgoing.files.length === 2);
    expect(files.data.message.outgoing.files.map((f: { filename: string }) => f.filename)).toEqual(['arkivmelding.xml', 'vedtak.pdf']);
    await events.next('message', (d) => d.change === 'queued');
    const request = await events.next('request', (d) => d.template === '/api/messages/out/multipart');
    expect(request.data).toMatchObject({ face: 'http', status: 200, org: DEPARTEMENT });

    session.server.simulator.deliverAll();
    await events.next('message', (d) => d.change === 'transmitted' && d.message.owner === DEPARTEMENT);
    const arrived = await events.next('message', (d) => d.change === 'arrived');
    expect(arrived.data.message).toMatchObject({ key: `${KOMMUNE}/in/${id}`, incoming: { state: 'queued' } });
    await session.client(KOMMUNE).incoming.peek();
    expect((await events.next('message', (d) => d.change === 'locked')).data.message.incoming.state).toBe('locked');
    const ids = events.received.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('clock, fault and webhook events', async () => {
    const hooks = createServer((req, res) => {
      req.resume();
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    try {
      const session = await startConsole();
      const events = await openEvents(`${session.server.url}/console/api/events`);
      await session.api('/clock/advance', { method: 'POST', json: { ms: 1000 } });
      expect((await events.next('clock')).data).toMatchObject({ mode: 'manual', nowMs: expect.any(Number) });
      const { fault } = (await session.api('/faults', { method: 'POST', json: { path: '/manage/info', status: 502 } })).body;
      expect((await events.next('fault', (d) => d.change === 'added')).data.fault.id).toBe(fault.id);
      await fetch(`${session.server.baseUrl(DEPARTEMENT)}/manage/info`);
      expect((await events.next('fault', (d) => d.change === 'hit')).data.fault).toMatchObject({
        hits: 1,
        recentHits: [expect.any(Number)],
      });
      await session.api(`/faults/${fault.id}`, { method: 'PATCH', json: { enabled: false } });
      await events.next('fault', (d) => d.change === 'changed' && d.fault.enabled === false);
      await session.api(`/faults/${fault.id}`, { method: 'DELETE' });
      await events.next('fault', (d) => d.change === 'removed');
      await session.api('/faults', { method: 'DELETE' });
      expect((await events.next('fault', (d) => d.change === 'cleared')).data.fault).toBeNull();
      const pushEndpoint = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
      await session.client(DEPARTEMENT).subscriptions.create({ name: 'hook', pushEndpoint, resource: 'all', event: 'all' });
      expect((await events.next('webhook', (d) => d.change === 'started')).data.delivery).toMatchObject({ event: 'ping', done: false });
      expect((await events.next('webhook', (d) => d.change === 'finished')).data.delivery).toMatchObject({
        event: 'ping',
        done: true,
        status: 200,
      });
    } finally {
      await new Promise((resolve) => hooks.close(resolve));
    }
  });

  it('replays what a reconnecting client missed, or tells it to reset when too much was missed', async () => {
    const session = await startConsole();
    const clock = session.server.simulator.clock;
    clock.advance(1);
    clock.advance(2);
    clock.advance(3);
    const replay = await openEvents(`${session.server.url}/console/api/events`, { 'last-event-id': '1' });
    const [second, third] = [
      await replay.next('clock', (d) => d.nowMs === clock.now() - 3),
      await replay.next('clock', (d) => d.nowMs === clock.now()),
    ];
    expect([second.id, third.id]).toEqual(['2', '3']);
    expect(replay.received).toHaveLength(2);
    const upToDate = await openEvents(`${session.server.url}/console/api/events?lastEventId=3`);
    clock.advance(4);
    expect((await upToDate.next('clock')).id).toBe('4');
    expect(upToDate.received).toHaveLength(1);
    for (let i = 0; i < 1100; i++) clock.advance(1);
    const late = await openEvents(`${session.server.url}/console/api/events`, { 'last-event-id': '2' });
    expect((await late.next('reset')).data).toEqual({});
    expect(late.received).toHaveLength(1);
  });

  it('does not keep the server from closing: open streams end with it', async () => {
    const session = await startConsole();
    const res = await fetch(`${session.server.url}/console/api/events`);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const ended = res.text().then(
      () => 'ended',
      () => 'cut',
    );
    await session.server.close();
    expect(['ended', 'cut']).toContain(await ended);
  });

  it('keeps an idle stream alive with comments, and ends it when the console closes', async () => {
    const sim = createSimulator();
    const journal = new Journal(sim);
    const streams = new EventStreams(journal, 5);
    const reader = (streams.open(null).body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes(': keep-alive')) text += decoder.decode((await reader.read()).value);
    expect(text.startsWith('retry: 2000\n: connected\n\n')).toBe(true);
    streams.close();
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
    // Nothing listens any more: a change no longer reaches the closed stream (enqueueing there would throw).
    expect(() => sim.clock.advance(1)).not.toThrow();
    journal.close();
    await sim.close();
  });
});
