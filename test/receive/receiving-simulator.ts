import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { avtalt, type IntegrasjonspunktClient, type ReceiveEvents, type ReceiveLoop, type ReceiveOptions } from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { afterEach, beforeEach } from 'vitest';
import { type SimulatorContext, useSimulator } from '../helpers/simulator.js';
import { useRequestLog } from './request-log.js';

/** The simulator's lock timeout in the receive tests. */
export const LOCK_MS = 60_000;

/** Options that drain the queue and stop. */
export const drain: ReceiveOptions = { stopWhenIdle: true, pollIntervalMs: 1, lockTimeoutMs: LOCK_MS };

/** What {@link useReceivingSimulator} gives a test file. */
export interface ReceivingSimulator {
  readonly ctx: SimulatorContext;
  /** The incoming-queue requests of the current test, in order (see request-log.ts). */
  readonly log: string[];
  /** A fresh temporary folder for the current test. */
  readonly dir: string;
  /** Sends `count` avtalt messages with one PDF from DEPARTEMENT to KOMMUNE and delivers them; returns their ids. */
  deliver(count?: number): Promise<string[]>;
  /** A client for KOMMUNE's IP, the receiving side. */
  receiver(options?: Parameters<SimulatorContext['client']>[1]): IntegrasjonspunktClient;
  /** Messages still in KOMMUNE's incoming queue. */
  queued(): number;
  /** Requests of the log starting with `prefix` (`PEEK`, `POP`, `DELETE`). */
  count(prefix: string): number;
}

/**
 * A simulator (lock timeout {@link LOCK_MS}) in which DEPARTEMENT sends to KOMMUNE, with a request log and a
 * temporary folder per test. Call at the top level of a test file.
 */
export function useReceivingSimulator(): ReceivingSimulator {
  const ctx = useSimulator({ lockTimeoutMs: LOCK_MS });
  const log = useRequestLog(ctx.server);
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'receive-sim-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    ctx,
    log,
    get dir() {
      return dir;
    },
    async deliver(count = 1) {
      const sender = ctx.client(DEPARTEMENT);
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const sbd = avtalt({ sender: DEPARTEMENT, receiver: KOMMUNE, identifier: 'test', hoveddokument: `brev-${i}.pdf` });
        const sent = await sender.send({
          sbd,
          files: [{ filename: `brev-${i}.pdf`, content: `%PDF-1.7 brev ${i}`, mimeType: 'application/pdf' }],
        });
        ids.push(sent.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string);
      }
      await ctx.sim.settle();
      return ids;
    },
    receiver(options = {}) {
      return ctx.client(KOMMUNE, options);
    },
    queued() {
      return ctx.sim.queues(KOMMUNE).incoming;
    },
    count(prefix) {
      return log.filter((l) => l.startsWith(prefix)).length;
    },
  };
}

/** The arguments of the next emission of an event. */
export function nextEvent<K extends keyof ReceiveEvents>(loop: ReceiveLoop, name: K): Promise<ReceiveEvents[K]> {
  return new Promise((resolve) => loop.once(name, ((...args: ReceiveEvents[K]) => resolve(args)) as never));
}
