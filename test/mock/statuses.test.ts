import { randomUUID } from 'node:crypto';
import { createSimulator } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { type AnyJson, DEPARTEMENT, KOMMUNE, messageIdOf, raw, sbd, sendArkivmelding } from './fixtures.js';

const ctx = useSimulator();
const out = () => raw(ctx.sim.baseUrl(DEPARTEMENT));
const inn = () => raw(ctx.sim.baseUrl(KOMMUNE));

async function roundTrip(): Promise<string> {
  const id = await sendArkivmelding(out());
  ctx.sim.deliverAll();
  await inn()('GET', `/api/messages/in/peek?messageId=${id}`);
  await inn()('DELETE', `/api/messages/in/${id}`);
  ctx.sim.deliverAll();
  return id;
}

async function kvittering(original: string, receiptType: string): Promise<void> {
  const doc = sbd({
    sender: KOMMUNE,
    receiver: DEPARTEMENT,
    type: 'arkivmelding_kvittering',
    process: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
    body: { receiptType, relatedToMessageId: original, messages: [{ code: 'E1', text: 'x' }] },
  });
  const id = messageIdOf((await inn()('POST', '/api/messages/out', { json: doc })).json);
  await inn()('POST', `/api/messages/out/${id}`);
  ctx.sim.deliverAll();
}

describe('statuses', () => {
  it('progress OPPRETTET → SENDT → MOTTATT → LEVERT (sender) with ids from one increasing sequence', async () => {
    const id = await roundTrip();
    const page = await out()('GET', `/api/statuses?messageId=${id}`);
    const content = page.json.content as AnyJson[];
    expect(content.map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
    const ids = content.map((s) => s.id as number);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(content.map((s) => s.convId)).size).toBe(1);
    expect(content[0]).toMatchObject({ messageId: id, conversationId: expect.any(String), lastUpdate: expect.any(String) });
    expect(page.json.sort).toEqual({ sorted: true, unsorted: false, empty: false });
    // The receiver's statuses interleave with the sender's in the same sequence.
    const receiverIds = ((await inn()('GET', `/api/statuses/${id}`)).json.content as AnyJson[]).map((s) => s.id as number);
    expect(new Set([...ids, ...receiverIds]).size).toBe(7);
    expect((await inn()('GET', `/api/statuses/${id}`)).headers.get('content-type')).toBe('application/json;charset=utf-8');
  });

  it('filters by id, status, conversationId and a date range given both ends; sorts; caps size at 2000', async () => {
    const id = await roundTrip();
    await roundTrip();
    const all = (await out()('GET', '/api/statuses?size=100')).json.content as AnyJson[];
    expect(all).toHaveLength(8);
    const levert = await out()('GET', '/api/statuses?status=LEVERT');
    expect(levert.json.totalElements).toBe(2);
    const first = all[0];
    expect(((await out()('GET', `/api/statuses?id=${first.id}`)).json.content as AnyJson[]).map((s) => s.id)).toEqual([first.id]);
    expect((await out()('GET', `/api/statuses?conversationId=${first.conversationId}`)).json.totalElements).toBe(4);
    const desc = (await out()('GET', '/api/statuses?sort=id,desc')).json.content as AnyJson[];
    expect(desc[0].id).toBeGreaterThan(desc[1].id);
    const now = ctx.sim.clock.now();
    const range = (from: number, to: number) =>
      `fromDateTime=${encodeURIComponent(new Date(from).toISOString())}&toDateTime=${encodeURIComponent(new Date(to).toISOString())}`;
    expect((await out()('GET', `/api/statuses?${range(now - 1000, now + 1000)}`)).json.totalElements).toBe(8);
    expect((await out()('GET', `/api/statuses?${range(now + 1000, now + 2000)}`)).json.totalElements).toBe(0);
    expect(
      (await out()('GET', `/api/statuses?fromDateTime=${encodeURIComponent(new Date(now + 1000).toISOString())}`)).json.totalElements,
    ).toBe(8);
    expect((await out()('GET', '/api/statuses?fromDateTime=x&toDateTime=y')).status).toBe(400);
    expect((await out()('GET', '/api/statuses?size=2001')).json.size).toBe(2000);
    expect((await out()('GET', '/api/statuses?sort=lastUpdated')).status).toBe(500);
    expect((await out()('GET', `/api/statuses/${randomUUID()}`)).json).toMatchObject({ totalElements: 0, empty: true });
    void id;
  });

  it('an arkivmelding_kvittering OK/WARNING makes the original LEST; ERROR/NOTSUPPORTED makes it FEIL', async () => {
    const ok = await roundTrip();
    await kvittering(ok, 'WARNING');
    expect(ctx.sim.statuses(DEPARTEMENT, ok).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT', 'LEST']);
    const bad = await roundTrip();
    await kvittering(bad, 'ERROR');
    const feil = (await out()('GET', `/api/statuses?messageId=${bad}&status=FEIL`)).json.content[0];
    expect(feil).toMatchObject({ status: 'FEIL', description: 'ArkivmeldingKvittering: ERROR' });
    expect(JSON.parse(feil.rawReceipt)).toMatchObject({ receiptType: 'ERROR', relatedToMessageId: bad });
  });

  it('marks LEVETID_UTLOPT when expectedResponseDateTime passes (sender and receiver); the receiver loses the message', async () => {
    const expiry = new Date(ctx.sim.clock.now() + 3_600_000).toISOString();
    const id = await sendArkivmelding(out(), { expiry });
    ctx.sim.deliverAll();
    expect(ctx.sim.queues(KOMMUNE).incoming).toBe(1);
    ctx.sim.clock.advance(3_600_001);
    expect(ctx.sim.statuses(DEPARTEMENT, id).at(-1)).toMatchObject({
      status: 'LEVETID_UTLOPT',
      description: 'Levetiden for meldingen er utgått. Må sendes på nytt',
    });
    expect(ctx.sim.statuses(KOMMUNE, id).at(-1)?.status).toBe('LEVETID_UTLOPT');
    expect(ctx.sim.queues(KOMMUNE).incoming).toBe(0);
  });

  it('does not transmit a message that expires while queued', async () => {
    const expiry = new Date(ctx.sim.clock.now() + 500).toISOString();
    const id = await sendArkivmelding(out(), { expiry });
    ctx.sim.clock.advance(1000);
    expect(ctx.sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'LEVETID_UTLOPT']);
    expect(ctx.sim.queues(KOMMUNE).incoming).toBe(0);
  });

  it('status peek is always 204 by default; DELETE /api/statuses/{id} is 404 with an empty body', async () => {
    await roundTrip();
    const peek = await out()('GET', '/api/statuses/peek');
    expect(peek.status).toBe(204);
    expect(peek.text).toBe('');
    const del = await out()('DELETE', '/api/statuses/1');
    expect(del.status).toBe(404);
    expect(del.text).toBe('');
  });
});

describe('status queue (statusQueueIncludes)', () => {
  it('peeks the oldest entry without removing it; DELETE moves on', async () => {
    // Served through the core directly (no msw): sim.handle(request).
    const queued = { sim: createSimulator(undefined, { statusQueueIncludes: ['DPO'] }) };
    const o = raw(queued.sim.baseUrl(DEPARTEMENT), (r) => queued.sim.handle(r));
    const id = await sendArkivmelding(o);
    queued.sim.deliverAll();
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const peek = await o('GET', '/api/statuses/peek');
      if (peek.status === 204) break;
      expect((await o('GET', '/api/statuses/peek')).json.id).toBe(peek.json.id);
      seen.push(peek.json.status as string);
      expect(peek.json.messageId).toBe(id);
      const del = await o('DELETE', `/api/statuses/${peek.json.id}`);
      expect(del.status).toBe(200);
      expect(del.text).toBe('');
    }
    expect(seen).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT']);
    await queued.sim.close();
  });
});

describe('conversations', () => {
  it('lists (lastUpdate desc), gets outgoing ones by id and messageId, queues pollable ones, deletes', async () => {
    const done = await roundTrip();
    const pending = await sendArkivmelding(out(), { send: false });
    const list = await out()('GET', '/api/conversations');
    expect(list.json.totalElements).toBe(2);
    expect(list.json.sort).toEqual({ sorted: true, unsorted: false, empty: false });
    const conv = (await out()('GET', `/api/conversations/messageId/${done}`)).json as AnyJson;
    expect(conv).toMatchObject({
      messageId: done,
      sender: `0192:${DEPARTEMENT}`,
      senderIdentifier: DEPARTEMENT,
      receiver: `0192:${KOMMUNE}`,
      receiverIdentifier: KOMMUNE,
      direction: 'OUTGOING',
      serviceIdentifier: 'DPO',
      finished: true,
      messageTitle: 'Vedtak i byggesak',
      documentIdentifier: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
    });
    expect(conv.messageStatuses.map((s: AnyJson) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
    expect(Object.keys(conv.messageStatuses[0])).toEqual(['id', 'lastUpdate', 'status']);
    expect((await out()('GET', `/api/conversations/${conv.id}`)).json.messageId).toBe(done);
    const queue = await out()('GET', '/api/conversations/queue');
    expect((queue.json.content as AnyJson[]).map((c) => c.messageId)).toEqual([pending]);
    // Incoming conversations are not returned by the single-conversation endpoints.
    const incoming = (await inn()('GET', '/api/conversations?direction=INCOMING')).json.content[0] as AnyJson;
    expect(incoming.direction).toBe('INCOMING');
    expect((await inn()('GET', `/api/conversations/${incoming.id}`)).json).toMatchObject({
      status: 404,
      exception: 'no.difi.meldingsutveksling.exceptions.ConversationNotFoundException',
    });
    expect((await inn()('GET', `/api/conversations/messageId/${done}`)).json.exception).toBe(
      'no.difi.meldingsutveksling.exceptions.MessageNotFoundException',
    );
    expect((await out()('GET', '/api/conversations?direction=SIDEWAYS')).status).toBe(400);
    expect((await out()('GET', '/api/conversations?finished=true')).json.totalElements).toBe(1);
    expect((await out()('DELETE', `/api/conversations/messageId/${done}`)).status).toBe(200);
    expect((await out()('DELETE', '/api/conversations/424242')).status).toBe(200);
    expect((await out()('GET', `/api/statuses?messageId=${done}`)).json.totalElements).toBe(0);
  });
});
