import { trace } from '@opentelemetry/api';
import { isLockExpiredError, MemoryProcessedStore } from 'eformidling';
import { describe, expect, it } from 'vitest';
import { drain, LOCK_MS, useReceivingSimulator } from '../receive/receiving-simulator.js';
import { useOtel } from './otel.js';

const otel = useOtel();
const sim = useReceivingSimulator();

/** How much a metric grew while `fn` ran (the reader is cumulative across the file's tests). */
async function growth(name: string, where: Record<string, unknown>, fn: () => Promise<unknown>): Promise<number> {
  const before = await otel.metric(name, where);
  await fn();
  return (await otel.metric(name, where)) - before;
}

function messageSpans() {
  return otel.named('eformidling.receive.message');
}

describe('the eformidling.receive.message span', () => {
  it('a failing then succeeding handler: one span per delivery, the handler inside the second with its own span as a child', async () => {
    const [id] = await sim.deliver();
    const store = new MemoryProcessedStore();
    const failed = await growth(
      'eformidling.messages.failed',
      { 'eformidling.stage': 'receive', 'eformidling.step': 'handler' },
      async () => {
        await sim.receiver().receive(
          () => {
            throw new Error('archive is down');
          },
          { ...drain, store },
        ).done;
      },
    );
    expect(failed).toBe(1);
    sim.ctx.sim.clock.advance(LOCK_MS + 1);
    const received = await growth(
      'eformidling.messages.received',
      { 'eformidling.service': 'DPO', 'eformidling.message_type': 'avtalt' },
      async () => {
        await sim.receiver().receive(
          async () => {
            // The application's own span, through the public API: it must become a child of the message's span.
            await trace.getTracer('archive').startActiveSpan('archive.store', async (span) => {
              span.end();
            });
          },
          { ...drain, store },
        ).done;
      },
    );
    expect(received).toBe(1);

    const [first, second] = messageSpans();
    expect(first && second).toBeTruthy();
    if (!first || !second) return;
    expect(otel.tree(first)).toEqual(['eformidling.receive.message', '  GET /api/messages/in/pop/{messageId}']);
    expect(first.attributes).toMatchObject({
      'eformidling.message_id': id,
      'eformidling.receive.attempt': 1,
      'eformidling.outcome': 'failed',
      'eformidling.message_type': 'avtalt',
      'eformidling.service': 'DPO',
    });
    expect(first.status).toEqual({ code: 2, message: 'archive is down' });
    expect(first.events.map((e) => e.name)).toEqual([
      'eformidling.peek',
      'eformidling.handler.start',
      'eformidling.handler.end',
      'exception',
    ]);
    expect(first.events[2]?.attributes).toEqual({ 'eformidling.outcome': 'failed' });

    expect(otel.tree(second)).toEqual([
      'eformidling.receive.message',
      '  GET /api/messages/in/pop/{messageId}',
      '  archive.store',
      '  DELETE /api/messages/in/{messageId}',
    ]);
    expect(second.attributes).toMatchObject({
      'eformidling.message_id': id,
      'eformidling.receive.attempt': 2,
      'eformidling.outcome': 'ok',
    });
    expect(second.attributes['eformidling.receive.lock_remaining_ms']).toBeGreaterThan(0);
    expect(second.attributes['eformidling.receive.asic_bytes']).toBeGreaterThan(0);
    expect(second.status.code).toBe(0);
    expect(second.spanContext().traceId).not.toBe(first.spanContext().traceId);
    // Both downloads counted (the file's first test: nothing else was received before).
    expect(await otel.metric('eformidling.bytes.received', { 'eformidling.message_type': 'avtalt' })).toBe(
      Number(first.attributes['eformidling.receive.asic_bytes']) + Number(second.attributes['eformidling.receive.asic_bytes']),
    );
  });

  it('a lock that ran out before the delete: outcome lock-expired, the span failed, lock_expiries counted', async () => {
    await sim.deliver();
    // The IP's NextMoveMessageInController answers a delete after the lock ran out with MessageNotLockedException.
    sim.ctx.sim.faults.failNext({
      method: 'DELETE',
      path: '/api/messages/in/{messageId}',
      status: 400,
      exception: 'MessageNotLockedException',
    });
    const expiries = await growth('eformidling.receive.lock_expiries', {}, async () => {
      await sim.receiver().receive(() => {}, { ...drain, maxMessages: 1 }).done;
    });
    expect(expiries).toBe(1);
    const [span] = messageSpans();
    expect(span?.attributes['eformidling.outcome']).toBe('lock-expired');
    expect(span?.status.code).toBe(2);
    expect(span?.attributes['error.type']).toBe('LockExpiredError');
  });

  it('a dead letter: outcome dead-letter and dead_letters counted', async () => {
    await sim.deliver();
    const dead = await growth('eformidling.receive.dead_letters', {}, async () => {
      await sim.receiver().receive(
        () => {
          throw new Error('bad content');
        },
        { ...drain, maxAttempts: 1, onPoison: 'deadLetter', deadLetterDir: `${sim.dir}/dead` },
      ).done;
    });
    expect(dead).toBe(1);
    const [span] = messageSpans();
    expect(span?.attributes['eformidling.outcome']).toBe('dead-letter');
    expect(otel.tree(span as NonNullable<typeof span>).at(-1)).toBe('  DELETE /api/messages/in/{messageId}');
  });

  it('receiveOne(): the span covers the download; ack() deletes inside it and counts the message', async () => {
    const [id] = await sim.deliver();
    const ip = sim.receiver();
    const parent = trace.getTracer('script').startSpan('script');
    const received = await growth('eformidling.messages.received', { 'eformidling.message_type': 'avtalt' }, async () => {
      const message = await ip.incoming.receiveOne({ serviceIdentifier: 'DPO' });
      await message?.ack();
    });
    parent.end();
    expect(received).toBe(1);
    const [span] = messageSpans();
    expect(span?.attributes).toMatchObject({ 'eformidling.message_id': id, 'eformidling.outcome': 'received' });
    expect(otel.tree(span as NonNullable<typeof span>)).toEqual([
      'eformidling.receive.message',
      '  GET /api/messages/in/pop/{messageId}',
      '  DELETE /api/messages/in/{messageId}',
    ]);
  });

  it('receiveOne() after the lock ran out: ack() rejects and counts a lock expiry', async () => {
    await sim.deliver();
    const ip = sim.receiver({});
    const expiries = await growth('eformidling.receive.lock_expiries', {}, async () => {
      const message = await ip.incoming.receiveOne({}, { lockTimeoutMs: LOCK_MS });
      sim.ctx.sim.clock.advance(LOCK_MS + 1);
      const error = await message?.ack().catch((e: unknown) => e);
      expect(isLockExpiredError(error)).toBe(true);
      await message?.dispose();
    });
    expect(expiries).toBe(1);
  });
});
