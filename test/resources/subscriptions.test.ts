import { BadRequestError, NotFoundError, RequestValidationError } from 'eformidling';
import { KOMMUNE } from 'eformidling/mock';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';

const ctx = useSimulator();
const HOOK = 'http://fagsystem.test/hooks/eformidling';

describe('ip.subscriptions', () => {
  it('creates (the IP pings the endpoint), gets, lists, updates and deletes', async () => {
    const pings: unknown[] = [];
    ctx.server.use(
      http.post(HOOK, async ({ request }) => {
        pings.push(await request.json());
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const ip = ctx.client(KOMMUNE);
    const created = await ip.subscriptions.create({
      name: 'sak',
      pushEndpoint: HOOK,
      resource: 'messages',
      event: 'status',
      filter: 'status=LEVERT,FEIL',
    });
    expect(created).toMatchObject({ name: 'sak', pushEndpoint: HOOK, resource: 'messages', event: 'status', filter: 'status=LEVERT,FEIL' });
    await ctx.sim.settle();
    expect(pings).toEqual([expect.objectContaining({ event: 'ping' })]);

    await expect(ip.subscriptions.get(created.id)).resolves.toMatchObject({ id: created.id });
    await ip.subscriptions.update(created.id, { name: 'sak-2' });
    await expect(ip.subscriptions.get(created.id)).resolves.toMatchObject({ name: 'sak-2', event: 'status' });

    const names: string[] = [];
    for await (const s of ip.subscriptions.list()) names.push(s.name);
    expect(names).toEqual(['sak-2']);

    await ip.subscriptions.delete(created.id);
    await expect(ip.subscriptions.get(created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(ip.subscriptions.delete(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rejects a duplicate name and endpoint with the IP exception', async () => {
    ctx.server.use(http.post(HOOK, () => new HttpResponse(null, { status: 200 })));
    const ip = ctx.client(KOMMUNE);
    const params = { name: 'dup', pushEndpoint: HOOK, resource: 'all', event: 'all' } as const;
    await ip.subscriptions.create(params);
    const error = await ip.subscriptions.create(params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).exception).toBe('SubscriptionWithSameNameAndPushEndpointAlreadyExists');
  });

  it('deletes all', async () => {
    ctx.server.use(http.post(HOOK, () => new HttpResponse(null, { status: 200 })));
    const ip = ctx.client(KOMMUNE);
    await ip.subscriptions.create({ name: 'a', pushEndpoint: HOOK, resource: 'all', event: 'all' });
    await ip.subscriptions.create({ name: 'b', pushEndpoint: HOOK, resource: 'all', event: 'all' });
    await ip.subscriptions.deleteAll();
    const left: unknown[] = [];
    for await (const s of ip.subscriptions.list()) left.push(s);
    expect(left).toEqual([]);
  });

  it('validates the body locally, naming the field, as a rejected promise', async () => {
    const ip = ctx.client(KOMMUNE);
    const bad = (params: unknown) => ip.subscriptions.create(params as never);
    await expect(bad({ name: 'x', pushEndpoint: 'not a url', resource: 'all', event: 'all' })).rejects.toThrow(RequestValidationError);
    await expect(bad({ name: 'x', pushEndpoint: HOOK, resource: 'all', event: 'nonexistent' })).rejects.toThrow(/event/);
    await expect(bad({ name: 'x', pushEndpoint: HOOK, resource: 'all', event: 'all', filter: 'colour=red' })).rejects.toThrow(/filter/);
    await expect(bad({ id: 3, name: 'x', pushEndpoint: HOOK, resource: 'all', event: 'all' })).rejects.toThrow(RequestValidationError);
  });
});
