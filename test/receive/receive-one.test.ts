import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { avtalt, isLockExpiredError, RequestValidationError } from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { useRequestLog } from './request-log.js';

const LOCK_MS = 60_000;
const ctx = useSimulator({ lockTimeoutMs: LOCK_MS });
const log = useRequestLog(ctx.server);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'receive-one-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Sends one avtalt message with `brev.pdf` from DEPARTEMENT to KOMMUNE, delivers it, and empties the request log. */
async function deliver(): Promise<string> {
  const sbd = avtalt({ sender: DEPARTEMENT, receiver: KOMMUNE, identifier: 'test', hoveddokument: 'brev.pdf' });
  const sent = await ctx
    .client(DEPARTEMENT)
    .send({ sbd, files: [{ filename: 'brev.pdf', content: '%PDF-1.7 brev', mimeType: 'application/pdf' }] });
  await ctx.sim.settle();
  log.length = 0;
  return sent.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
}

describe('incoming.receiveOne', () => {
  it('returns null on an empty queue', async () => {
    expect(await ctx.client(KOMMUNE).incoming.receiveOne()).toBeNull();
    expect(log).toEqual(['PEEK']);
  });

  it('peeks and pops one message; ack() deletes it and removes the temporary copy', async () => {
    const id = await deliver();
    const message = await ctx
      .client(KOMMUNE)
      .incoming.receiveOne({ process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0' }, { spoolThresholdBytes: 1, tempDir: dir });
    expect(message).not.toBeNull();
    if (!message) return;
    expect(message).toMatchObject({ messageId: id, type: 'avtalt', serviceIdentifier: 'DPO', attempt: 1 });
    expect((await message.asic?.mainDocument())?.name).toBe('brev.pdf');
    expect(await readdir(dir)).toHaveLength(1);
    await message.ack();
    expect(ctx.sim.queues(KOMMUNE).incoming).toBe(0);
    expect(await readdir(dir)).toEqual([]);
    expect(log).toEqual([`PEEK?process=urn%3Ano%3Adifi%3Aprofile%3Aavtalt%3Aavtalt%3Aver1.0`, `POP ${id}`, `DELETE ${id}`]);
  });

  it('ack() after the lock expired throws LockExpiredError; dispose leaves the message', async () => {
    await deliver();
    {
      await using message = await ctx.client(KOMMUNE).incoming.receiveOne();
      ctx.sim.clock.advance(LOCK_MS + 1);
      const error = await message?.ack().catch((e: unknown) => e);
      expect(isLockExpiredError(error)).toBe(true);
    }
    expect(ctx.sim.queues(KOMMUNE).incoming).toBe(1);
  });

  it('refuses an unknown filter key before sending', async () => {
    await expect(ctx.client(KOMMUNE).incoming.receiveOne({ sender: 'x' } as never)).rejects.toBeInstanceOf(RequestValidationError);
    expect(log).toEqual([]);
  });
});
