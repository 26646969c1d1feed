import { readdir } from 'node:fs/promises';
import { isLockExpiredError, RequestValidationError } from 'eformidling';
import { describe, expect, it } from 'vitest';
import { buildAsic } from '../asic/fixtures.js';
import { sbdFor } from './fake-ip.js';
import { useFakeIp } from './harness.js';

const ctx = useFakeIp({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 }, tempPrefix: 'receive-one-' });

describe('incoming.receiveOne', () => {
  it('returns null on an empty queue', async () => {
    expect(await ctx.client.incoming.receiveOne()).toBeNull();
    expect(ctx.ip.log).toEqual(['PEEK']);
  });

  it('peeks and pops one message; ack() deletes it and removes the temporary copy', async () => {
    const bytes = await buildAsic([{ name: 'brev.pdf', content: 'brev', mimeType: 'application/pdf' }]);
    const id = ctx.ip.add(sbdFor({ type: 'avtalt', process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0' }), bytes);
    const message = await ctx.client.incoming.receiveOne(
      { process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0' },
      { spoolThresholdBytes: 1, tempDir: ctx.dir },
    );
    expect(message).not.toBeNull();
    if (!message) return;
    expect(message).toMatchObject({ messageId: id, type: 'avtalt', serviceIdentifier: 'DPO', attempt: 1 });
    expect((await message.asic?.mainDocument())?.name).toBe('brev.pdf');
    expect(await readdir(ctx.dir)).toHaveLength(1);
    await message.ack();
    expect(ctx.ip.has(id)).toBe(false);
    expect(await readdir(ctx.dir)).toEqual([]);
    expect(ctx.ip.log).toEqual([`PEEK?process=urn%3Ano%3Adifi%3Aprofile%3Aavtalt%3Aavtalt%3Aver1.0`, `POP ${id}`, `DELETE ${id}`]);
  });

  it('ack() after the lock expired throws LockExpiredError; dispose leaves the message', async () => {
    const id = ctx.ip.add(sbdFor(), await buildAsic([{ name: 'a.pdf', content: 'a' }]));
    {
      await using message = await ctx.client.incoming.receiveOne();
      ctx.ip.advance(ctx.ip.lockMs);
      const error = await message?.ack().catch((e: unknown) => e);
      expect(isLockExpiredError(error)).toBe(true);
    }
    expect(ctx.ip.has(id)).toBe(true);
  });

  it('refuses an unknown filter key before sending', async () => {
    await expect(ctx.client.incoming.receiveOne({ sender: 'x' } as never)).rejects.toBeInstanceOf(RequestValidationError);
    expect(ctx.ip.log).toEqual([]);
  });
});
