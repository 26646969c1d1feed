import { IntegrasjonspunktClient, RequestValidationError } from 'eformidling';
import { startSimulator } from 'eformidling/mock';
import {
  fetchIncoming,
  incomingNotification,
  type NotificationDelivery,
  type NotificationEvent,
  RetryNotificationLater,
  statusNotification,
} from 'eformidling/rabbitmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RECEIVER, SENDER, sendArkivmelding, until } from './fixtures.js';

let sim: Awaited<ReturnType<typeof startSimulator>>;
let sender: IntegrasjonspunktClient;
let receiver: IntegrasjonspunktClient;
const delivery: NotificationDelivery = {
  routingKey: 'eformidling.event.incoming.arkivmelding',
  exchange: 'eformidling',
  redelivered: false,
  signal: new AbortController().signal,
};

beforeAll(async () => {
  sim = await startSimulator({ port: 0, host: '127.0.0.1', lockTimeoutMs: 60_000 });
  sender = new IntegrasjonspunktClient({ baseUrl: sim.baseUrl(SENDER), retry: false });
  receiver = new IntegrasjonspunktClient({ baseUrl: sim.baseUrl(RECEIVER), retry: false });
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  sim.simulator.clock.advance(120_000); // expire any lock a test left behind
  for (;;) {
    const sbd = await receiver.incoming.peek();
    if (!sbd) break;
    await receiver.incoming.delete(sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier ?? '');
  }
});

/** Sends a message to the receiver and returns the notification the bridge would publish for it. */
async function arrived(): Promise<NotificationEvent> {
  const messageId = await sendArkivmelding(sender);
  let event: NotificationEvent | undefined;
  await until(async () => {
    for await (const sbd of receiver.incoming.list({ messageId })) event = incomingNotification(sbd, 'DPO', { source: receiver.baseUrl });
    return event !== undefined;
  }, 'arrival');
  return event!;
}

describe('fetchIncoming (notify-then-fetch)', () => {
  it('locks exactly the notified message, hands it over with its ASiC-E, then deletes it on the IP', async () => {
    const other = await arrived();
    const event = await arrived();
    const seen: Array<{ id: string; bytes: number; type: string | undefined }> = [];
    await fetchIncoming(receiver, async ({ messageId, sbd, download }) => {
      seen.push({
        id: messageId,
        bytes: (await download!.arrayBuffer()).byteLength,
        type: sbd.standardBusinessDocumentHeader.documentIdentification.type,
      });
    })(event, delivery);
    expect(seen).toEqual([{ id: event.data.messageId, bytes: expect.any(Number), type: 'arkivmelding' }]);
    expect(seen[0]!.bytes).toBeGreaterThan(0);
    const left = [];
    for await (const sbd of receiver.incoming.list())
      left.push(sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier);
    expect(left).toEqual([other.data.messageId]);
  });

  it('asks for a later retry while another worker holds the lock, and takes over once the lock expired', async () => {
    const event = await arrived();
    expect(await receiver.incoming.peek({ messageId: event.data.messageId })).not.toBeNull(); // another worker's lock
    const handled: string[] = [];
    const handler = fetchIncoming(receiver, ({ messageId }) => {
      handled.push(messageId);
    });
    await expect(handler(event, delivery)).rejects.toBeInstanceOf(RetryNotificationLater);
    expect(handled).toEqual([]);
    sim.simulator.clock.advance(120_000);
    await until(
      async () => (await receiver.incoming.list({ messageId: event.data.messageId }).byPage().next()).value?.content[0] !== undefined,
      'x',
    );
    await handler(event, { ...delivery, redelivered: true });
    expect(handled).toEqual([event.data.messageId]);
  });

  it('acknowledges without handling when the message is already gone', async () => {
    const event = await arrived();
    await receiver.incoming.peek({ messageId: event.data.messageId });
    await receiver.incoming.delete(event.data.messageId);
    const handled: string[] = [];
    await fetchIncoming(receiver, ({ messageId }) => {
      handled.push(messageId);
    })(event, delivery);
    expect(handled).toEqual([]);
  });

  it('keeps the message on the IP when the handler fails, and cancels an unread download', async () => {
    const event = await arrived();
    const handler = fetchIncoming(receiver, () => {
      throw new Error('archive is down');
    });
    await expect(handler(event, delivery)).rejects.toThrow('archive is down');
    const still = await receiver.incoming.list({ messageId: event.data.messageId }).byPage().next();
    expect(still.value?.content).toHaveLength(1);
  });

  it('passes other notifications to onOtherNotification, or ignores them', async () => {
    const status = statusNotification({ id: 1, lastUpdate: '2026-01-01T00:00:00Z', status: 'LEVERT', messageId: 'm' }, undefined, {
      source: 's',
    });
    const others: string[] = [];
    await fetchIncoming(receiver, () => {}, { onOtherNotification: (e) => void others.push(e.id) })(status, delivery);
    await fetchIncoming(receiver, () => {})(status, delivery);
    expect(others).toEqual(['status-1']);
    expect(() => fetchIncoming(receiver, undefined as never)).toThrow(RequestValidationError);
  });
});
