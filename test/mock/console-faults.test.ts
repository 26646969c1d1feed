import { describe, expect, it } from 'vitest';
import { sendWithSdk, startConsole } from './console-harness.js';
import { DEPARTEMENT } from './fixtures.js';

/** Fault rules switched from the console, as the SDK's retry meets them, and the requests each rule hit. */

describe('console faults', () => {
  it('a 503 with Retry-After for two requests: the SDK retries through it, and the log shows which requests it hit', async () => {
    const session = await startConsole();
    const ip = session.client(DEPARTEMENT);
    const id = await sendWithSdk(ip);
    const added = await session.api('/faults', {
      method: 'POST',
      json: { method: 'GET', path: '/api/conversations/messageId/{messageId}', status: 503, retryAfter: '0', times: 2 },
    });
    expect(added.status).toBe(201);
    expect(added.body.fault).toMatchObject({
      kind: 'status',
      org: null,
      method: 'GET',
      path: '/api/conversations/messageId/{messageId}',
      pathIsRegExp: false,
      times: 2,
      left: 2,
      enabled: true,
      status: 503,
      retryAfter: '0',
      source: 'console',
      hits: 0,
      recentHits: [],
    });
    const conversation = await ip.conversations.getByMessageId(id);
    expect(conversation.messageId).toBe(id);
    const requests = (await session.api('/requests?limit=3')).body.requests;
    expect(requests.map((r: { status: number; fault: unknown }) => [r.status, r.fault])).toEqual([
      [503, { id: added.body.fault.id, kind: 'status' }],
      [503, { id: added.body.fault.id, kind: 'status' }],
      [200, null],
    ]);
    const { faults } = (await session.api('/faults')).body;
    expect(faults).toEqual([
      expect.objectContaining({ id: added.body.fault.id, hits: 2, left: 0, recentHits: [requests[0].id, requests[1].id] }),
    ]);
  });

  it('switches a rule off and on, gives it new attempts, and removes it', async () => {
    const session = await startConsole();
    const ip = session.client(DEPARTEMENT).withOptions({ retry: false });
    const { fault } = (await session.api('/faults', { method: 'POST', json: { path: '/manage/*', status: 500, enabled: false } })).body;
    expect(fault).toMatchObject({ times: null, left: null, enabled: false });
    await expect(ip.manage.health()).resolves.toBeDefined();
    const on = await session.api(`/faults/${fault.id}`, { method: 'PATCH', json: { enabled: true } });
    expect(on.body.fault.enabled).toBe(true);
    await expect(ip.manage.health()).rejects.toMatchObject({ status: 500 });
    await expect(ip.manage.health()).rejects.toMatchObject({ status: 500 });
    const limited = await session.api(`/faults/${fault.id}`, { method: 'PATCH', json: { times: 1 } });
    expect(limited.body.fault).toMatchObject({ times: 1, left: 1, hits: 2 });
    await expect(ip.manage.health()).rejects.toMatchObject({ status: 500 });
    await expect(ip.manage.health()).resolves.toBeDefined();
    const unlimited = await session.api(`/faults/${fault.id}`, { method: 'PATCH', json: { times: null, enabled: false } });
    expect(unlimited.body.fault).toMatchObject({ times: null, left: null, enabled: false });
    expect((await session.api(`/faults/${fault.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await session.api('/faults')).body.faults).toEqual([]);
    expect((await session.api(`/faults/${fault.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await session.api(`/faults/${fault.id}`, { method: 'PATCH', json: { enabled: true } })).status).toBe(404);
    expect((await session.api('/faults/x', { method: 'DELETE' })).status).toBe(400);
  });

  it('a dropped connection: the SDK retries a safe request, and the log shows no status for the dropped one', async () => {
    const session = await startConsole();
    const ip = session.client(DEPARTEMENT);
    await session.api('/faults', { method: 'POST', json: { org: DEPARTEMENT, path: '/api/statuses', reset: true, times: 1 } });
    const statuses = [];
    for await (const s of ip.statuses.list()) statuses.push(s);
    expect(statuses).toEqual([]);
    const [dropped, answered] = (await session.api('/requests?limit=2')).body.requests;
    expect(dropped).toMatchObject({ status: null, fault: { kind: 'reset' } });
    expect(answered).toMatchObject({ status: 200, fault: null });
  });

  it('lists rules added in code too, with every effect; clears them all', async () => {
    const session = await startConsole();
    session.server.simulator.faults.failNext({ path: /^\/api\/messages\/in/, lostResponse: true });
    const add = (json: unknown) => session.api('/faults', { method: 'POST', json });
    expect((await add({ path: '/a', malformed: true })).body.fault.kind).toBe('malformed');
    expect((await add({ path: '/a', slowBody: { delayMs: 1 } })).body.fault).toMatchObject({
      kind: 'slowBody',
      slowBody: { delayMs: 1, chunkBytes: 1024 },
    });
    expect((await add({ path: '/a', delayMs: 5 })).body.fault).toMatchObject({ kind: 'delay', delayMs: 5 });
    expect((await add({ path: '*', status: 429, exception: 'x.Y', message: 'slow down' })).body.fault).toMatchObject({
      exception: 'x.Y',
      message: 'slow down',
    });
    const { faults } = (await session.api('/faults')).body;
    expect(faults[0]).toMatchObject({
      source: 'code',
      kind: 'lostResponse',
      pathIsRegExp: true,
      path: '/^\\/api\\/messages\\/in/',
      times: 1,
    });
    expect(faults).toHaveLength(5);
    expect((await session.api('/faults', { method: 'DELETE' })).status).toBe(204);
    expect((await session.api('/faults')).body.faults).toEqual([]);
  });

  it('keeps the last 100 used-up rules in the list', async () => {
    const session = await startConsole();
    const faults = session.server.simulator.faults;
    for (let i = 0; i < 102; i++) faults.failNext({ path: '/manage/info', status: 500 });
    for (let i = 0; i < 102; i++) await fetch(`${session.server.url}/manage/info`);
    const listed = (await session.api('/faults')).body.faults;
    expect(listed).toHaveLength(100);
    expect(listed.every((f: { left: number; hits: number }) => f.left === 0 && f.hits === 1)).toBe(true);
    expect(faults.pending).toEqual([]);
    expect((await fetch(`${session.server.url}/manage/info`)).status).toBe(200);
  });

  it('refuses a rule without an effect or with bad fields', async () => {
    const session = await startConsole();
    const add = (json: unknown) => session.api('/faults', { method: 'POST', json });
    expect((await add({ path: '/api/statuses' })).body.message).toMatch(/at least one effect/);
    expect((await add({ path: '/api/statuses', status: 700 })).body.message).toMatch(/^status: /);
    expect((await add({ path: 'api/statuses', status: 500 })).status).toBe(400);
    expect((await add({ path: '/x', status: 500, org: 'abc' })).body.message).toMatch(/^org: /);
    expect((await add({ path: '/x', status: 500, times: 0 })).status).toBe(400);
    const { fault } = (await add({ path: '/x', status: 500 })).body;
    expect((await session.api(`/faults/${fault.id}`, { method: 'PATCH', json: { enabled: 'yes' } })).status).toBe(400);
  });
});
