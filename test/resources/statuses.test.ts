import { avtalt, type IntegrasjonspunktClient, messageIdOf, NotFoundError, RequestValidationError } from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';

const ctx = useSimulator({ statusQueueIncludes: ['DPO'] });

async function sendAndDeliver(sender: IntegrasjonspunktClient, receiver: IntegrasjonspunktClient): Promise<string> {
  const stored = await sender.send({ sbd: avtalt({ receiver: DEPARTEMENT, identifier: 'test', content: { n: 1 } }) });
  const messageId = messageIdOf(stored) as string;
  await ctx.sim.settle();
  const peeked = await receiver.incoming.peek({ messageId });
  expect(peeked && messageIdOf(peeked)).toBe(messageId);
  await receiver.incoming.delete(messageId);
  await ctx.sim.settle();
  return messageId;
}

describe('ip.statuses', () => {
  it('lists a message status history in id order, per message and by search', async () => {
    const ip = ctx.client(KOMMUNE);
    const messageId = await sendAndDeliver(ip, ctx.client(DEPARTEMENT));
    const history: string[] = [];
    for await (const s of ip.statuses.forMessage(messageId)) history.push(s.status);
    expect(history).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);

    const levert: string[] = [];
    for await (const s of ip.statuses.list({ status: 'LEVERT' })) levert.push(s.messageId as string);
    expect(levert).toEqual([messageId]);

    const ids: number[] = [];
    for await (const page of ip.statuses.list({ messageId }).byPage({ pageSize: 2 })) ids.push(...page.content.map((s) => s.id));
    expect(ids).toHaveLength(4);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('filters by a lastUpdate range, and insists on both ends', async () => {
    const ip = ctx.client(KOMMUNE);
    await sendAndDeliver(ip, ctx.client(DEPARTEMENT));
    const now = ctx.sim.clock.now();
    const all: string[] = [];
    for await (const s of ip.statuses.list({ fromDateTime: new Date(now - 3_600_000), toDateTime: new Date(now + 3_600_000) }))
      all.push(s.status);
    expect(all.length).toBeGreaterThanOrEqual(4);
    const none: string[] = [];
    for await (const s of ip.statuses.list({ fromDateTime: new Date(now + 3_600_000), toDateTime: new Date(now + 7_200_000) }))
      none.push(s.status);
    expect(none).toEqual([]);
    // A bad argument rejects on iteration instead of throwing synchronously.
    await expect(ip.statuses.list({ fromDateTime: new Date() }).byPage().next()).rejects.toThrow(RequestValidationError);
  });

  it('gives an empty history for an unknown messageId (the IP answers 200, not 404)', async () => {
    const items: unknown[] = [];
    for await (const s of ctx.client(KOMMUNE).statuses.forMessage('5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90')) items.push(s);
    expect(items).toEqual([]);
  });

  it('drains the status queue with peek and delete', async () => {
    const ip = ctx.client(KOMMUNE);
    await sendAndDeliver(ip, ctx.client(DEPARTEMENT));
    const seen: string[] = [];
    for (let s = await ip.statuses.peek(); s; s = await ip.statuses.peek()) {
      seen.push(s.status);
      expect(await ip.statuses.delete(s.id)).toBe(true);
    }
    expect(seen).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
    expect(await ip.statuses.peek()).toBeNull();
    expect(await ip.statuses.delete(999_999)).toBe(false);
  });
});

describe('ip.conversations', () => {
  it('finds the outgoing conversation by id and by messageId, and lists it', async () => {
    const ip = ctx.client(KOMMUNE);
    const messageId = await sendAndDeliver(ip, ctx.client(DEPARTEMENT));
    const byMessage = await ip.conversations.getByMessageId(messageId);
    expect(byMessage).toMatchObject({
      messageId,
      direction: 'OUTGOING',
      serviceIdentifier: 'DPO',
      finished: true,
      receiverIdentifier: DEPARTEMENT,
    });
    expect((byMessage.messageStatuses ?? []).map((s) => s.status).sort()).toEqual(['LEVERT', 'MOTTATT', 'OPPRETTET', 'SENDT']);
    await expect(ip.conversations.get(byMessage.id)).resolves.toMatchObject({ messageId });

    const listed: string[] = [];
    for await (const c of ip.conversations.list({ direction: 'OUTGOING', receiverIdentifier: `0192:${DEPARTEMENT}` }))
      listed.push(c.messageId);
    expect(listed).toEqual([messageId]);
  });

  it('shows the incoming side only in the list, as the IP does', async () => {
    const messageId = await sendAndDeliver(ctx.client(KOMMUNE), ctx.client(DEPARTEMENT));
    const receiver = ctx.client(DEPARTEMENT);
    const incoming: string[] = [];
    for await (const c of receiver.conversations.list({ direction: 'INCOMING' })) incoming.push(c.messageId);
    expect(incoming).toEqual([messageId]);
    const error = await receiver.conversations.getByMessageId(messageId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).exception).toBe('MessageNotFoundException');
  });

  it('deletes a conversation with its statuses, and unknown ids quietly', async () => {
    const ip = ctx.client(KOMMUNE);
    const messageId = await sendAndDeliver(ip, ctx.client(DEPARTEMENT));
    const conversation = await ip.conversations.getByMessageId(messageId);
    await ip.conversations.delete(conversation.id);
    await expect(ip.conversations.get(conversation.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(ip.conversations.deleteByMessageId(messageId)).resolves.toBeUndefined();
    const history: unknown[] = [];
    for await (const s of ip.statuses.forMessage(messageId)) history.push(s);
    expect(history).toEqual([]);
  });

  it('lists the polling queue: outgoing conversations not yet finished', async () => {
    const ip = ctx.client(KOMMUNE);
    const pending = messageIdOf(await ip.send({ sbd: avtalt({ receiver: DEPARTEMENT, identifier: 'test' }) }));
    const delivered = await sendAndDeliver(ip, ctx.client(DEPARTEMENT));
    const queue: string[] = [];
    for await (const c of ip.conversations.queue()) queue.push(c.messageId);
    expect(queue).toContain(pending);
    expect(queue).not.toContain(delivered);
  });
});
