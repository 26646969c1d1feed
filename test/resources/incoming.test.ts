import { readdir } from 'node:fs/promises';
import { isLockExpiredError, normalizeIncomingFilter, RequestValidationError } from 'eformidling';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { buildAsic } from '../asic/fixtures.js';
import { sbdFor } from '../receive/fake-ip.js';
import { useFakeIp } from '../receive/harness.js';

const ctx = useFakeIp({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 }, tempPrefix: 'incoming-test-' });

describe('normalizeIncomingFilter', () => {
  it('strips the ICD prefix, upper-cases the service and trims', () => {
    expect(
      normalizeIncomingFilter({
        receiverIdentifier: '0192:910075918',
        senderIdentifier: '0192:910077473',
        serviceIdentifier: 'dpo',
        process: ' urn:no:difi:profile:arkivmelding:administrasjon:ver1.0 ',
        conversationId: undefined,
      }),
    ).toEqual({
      receiverIdentifier: '910075918',
      senderIdentifier: '910077473',
      serviceIdentifier: 'DPO',
      process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
    });
  });

  it('refuses unknown keys (the IP would silently ignore them) and empty values', () => {
    expect(() => normalizeIncomingFilter({ messageID: 'x' } as never)).toThrow(RequestValidationError);
    expect(() => normalizeIncomingFilter({ messageId: ' ' })).toThrow(/filter\.messageId/);
  });
});

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

describe('incoming pop and acknowledge', () => {
  it('pop returns a download handle, or null for a receipt', async () => {
    const bytes = await buildAsic([{ name: 'a.pdf', content: 'a' }]);
    const id = ctx.ip.add(sbdFor(), bytes);
    const receipt = ctx.ip.add(sbdFor({ type: 'arkivmelding_kvittering' }), null);
    await ctx.client.incoming.peek();
    await ctx.client.incoming.peek();
    const download = await ctx.client.incoming.pop(id);
    expect(Buffer.from((await download?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(bytes);
    expect(await ctx.client.incoming.pop(receipt)).toBeNull();
  });

  it('retries a pop whose body broke off, and gives up on the retry budget', async () => {
    const bytes = await buildAsic([{ name: 'a.pdf', content: 'a' }]);
    const id = ctx.ip.add(sbdFor(), bytes);
    await ctx.client.incoming.peek();
    let broken = 1;
    ctx.server.use(
      http.get(`${ctx.ip.base}/api/messages/in/pop/:id`, () => {
        if (broken-- <= 0) return undefined;
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new Uint8Array(bytes.subarray(0, 10)));
            controller.error(new Error('connection reset'));
          },
        });
        return new HttpResponse(body, { headers: { 'content-length': String(bytes.length) } });
      }),
    );
    const spooled = await ctx.client.incoming.fetchAsic(id, {});
    expect(spooled?.bytes).toEqual(bytes);
  });

  it('acknowledge maps 404 to gone and MessageNotLockedException to not-locked', async () => {
    const id = ctx.ip.add(sbdFor(), null);
    expect(await ctx.client.incoming.acknowledge(id)).toBe('not-locked');
    await ctx.client.incoming.peek();
    expect(await ctx.client.incoming.acknowledge(id)).toBe('deleted');
    expect(await ctx.client.incoming.acknowledge(id)).toBe('gone');
  });
});
