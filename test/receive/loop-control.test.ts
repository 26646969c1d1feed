import { RequestValidationError, UnauthorizedError } from 'eformidling';
import { KOMMUNE } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { drain, nextEvent, useReceivingSimulator } from './receiving-simulator.js';

const sim = useReceivingSimulator();

// Controlling a running loop (wake, stop, abort, lock warnings) and the errors that end it, on the simulator.
describe('receive loop control on the simulator', () => {
  it('wake() polls at once instead of waiting out the back-off', async () => {
    const loop = sim.receiver().receive(() => {}, { pollIntervalMs: 3_600_000, maxMessages: 1 });
    await nextEvent(loop, 'idle');
    expect(sim.count('PEEK')).toBe(1);
    await sim.deliver();
    loop.wake();
    const report = await loop.done;
    expect(report).toMatchObject({ polls: 2, deleted: 1, stoppedBy: 'maxMessages' });
  });

  it('stop() lets an in-flight handler finish and delete, and polls no more', async () => {
    const [id] = await sim.deliver(2);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const loop = sim.receiver().receive(async () => {
      await gate;
    });
    await nextEvent(loop, 'message');
    let stopped = false;
    const stopping = loop.stop().then((r) => {
      stopped = true;
      return r;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    expect(loop.inFlight).toBe(1);
    release();
    const report = await stopping;
    expect(report).toMatchObject({ handled: 1, deleted: 1, stoppedBy: 'stop' });
    expect(sim.log).toContain(`DELETE ${id}`);
    expect(sim.queued()).toBe(1);
    expect(sim.count('PEEK')).toBe(1);
    expect(await loop.stop()).toMatchObject({ deleted: 1 });
  });

  it('an AbortSignal stops at once: the handler sees it, nothing is deleted, done resolves', async () => {
    await sim.deliver();
    const controller = new AbortController();
    let sawAbort = false;
    const loop = sim.receiver().receive(
      async (m) => {
        controller.abort();
        sawAbort = m.signal.aborted;
      },
      { signal: controller.signal },
    );
    const report = await loop.done;
    expect(sawAbort).toBe(true);
    expect(report.stoppedBy).toBe('abort');
    expect(sim.queued()).toBe(1);
    expect(sim.count('DELETE')).toBe(0);
  });

  it('an already aborted signal sends nothing', async () => {
    const report = await sim.receiver().receive(() => {}, { signal: AbortSignal.abort() }).done;
    expect(report.polls).toBe(0);
    expect(sim.log).toEqual([]);
  });

  it('warns when a handler runs close to its lock deadline', async () => {
    await sim.deliver();
    const loop = sim.receiver().receive(
      async (m) => {
        const [warning] = await nextEvent(loop, 'warning');
        expect(warning).toMatchObject({ kind: 'lockDeadline', messageId: m.messageId, lockDeadline: m.lockDeadline });
      },
      { ...drain, lockTimeoutMs: 60, lockWarningMs: 50 },
    );
    expect(await loop.done).toMatchObject({ handled: 1, deleted: 1 });
  });

  it('rejects done on 401 instead of spinning', async () => {
    sim.ctx.sim.faults.failNext({ org: KOMMUNE, method: 'GET', path: '/api/messages/in/peek', status: 401 });
    const loop = sim.receiver().receive(() => {});
    const errors: unknown[] = [];
    loop.on('error', (e) => errors.push(e));
    await expect(loop.done).rejects.toBeInstanceOf(UnauthorizedError);
    expect(errors).toHaveLength(1);
    expect(loop.report.stoppedBy).toBe('fatal');
    expect(await loop.stop()).toMatchObject({ stoppedBy: 'fatal' });
  });

  it('rejects done on an unknown filter key without sending anything', async () => {
    const loop = sim.receiver().receive(() => {}, { filter: { messageID: 'x' } as never });
    await expect(loop.done).rejects.toBeInstanceOf(RequestValidationError);
    expect(sim.log).toEqual([]);
  });

  it('keeps polling through a transient peek failure', async () => {
    await sim.deliver();
    sim.ctx.sim.faults.failNext({ org: KOMMUNE, method: 'GET', path: '/api/messages/in/peek', status: 503 });
    const loop = sim.receiver({ retry: false }).receive(() => {}, drain);
    const errors: unknown[] = [];
    loop.on('error', (e) => errors.push(e));
    const report = await loop.done;
    expect(errors).toHaveLength(1);
    expect(report).toMatchObject({ deleted: 1 });
    expect(report.failures[0]).toMatchObject({ stage: 'peek' });
    expect(sim.queued()).toBe(0);
  });

  it('validates its options', () => {
    expect(() => sim.receiver().receive(() => {}, { concurrency: 0 })).toThrow(RequestValidationError);
    expect(() => sim.receiver().receive(() => {}, { onPoison: 'deadLetter' })).toThrow(/deadLetterDir/);
    expect(() => sim.receiver().receive(undefined as never)).toThrow(RequestValidationError);
  });
});
