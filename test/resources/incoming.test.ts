import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntegrasjonspunktClient, isLockExpiredError, normalizeIncomingFilter, RequestValidationError } from 'eformidling';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildAsic } from '../asic/fixtures.js';
import { FakeIp, sbdFor } from '../receive/fake-ip.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterAll(() => server.close());

let ip: FakeIp;
let client: IntegrasjonspunktClient;
let dir: string;
beforeEach(async () => {
  ip = new FakeIp();
  server.use(...ip.handlers());
  client = new IntegrasjonspunktClient({ baseUrl: ip.base, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
  dir = await mkdtemp(join(tmpdir(), 'incoming-test-'));
});
afterEach(async () => {
  server.resetHandlers();
  await rm(dir, { recursive: true, force: true });
});

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
    expect(await client.incoming.receiveOne()).toBeNull();
    expect(ip.log).toEqual(['PEEK']);
  });

  it('peeks and pops one message; ack() deletes it and removes the temporary copy', async () => {
    const bytes = await buildAsic([{ name: 'brev.pdf', content: 'brev', mimeType: 'application/pdf' }]);
    const id = ip.add(sbdFor({ type: 'avtalt', process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0' }), bytes);
    const message = await client.incoming.receiveOne(
      { process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0' },
      { spoolThresholdBytes: 1, tempDir: dir },
    );
    expect(message).not.toBeNull();
    if (!message) return;
    expect(message).toMatchObject({ messageId: id, type: 'avtalt', serviceIdentifier: 'DPO', attempt: 1 });
    expect((await message.asic?.mainDocument())?.name).toBe('brev.pdf');
    expect(await readdir(dir)).toHaveLength(1);
    await message.ack();
    expect(ip.has(id)).toBe(false);
    expect(await readdir(dir)).toEqual([]);
    expect(ip.log).toEqual([`PEEK?process=urn%3Ano%3Adifi%3Aprofile%3Aavtalt%3Aavtalt%3Aver1.0`, `POP ${id}`, `DELETE ${id}`]);
  });

  it('ack() after the lock expired throws LockExpiredError; dispose leaves the message', async () => {
    const id = ip.add(sbdFor(), await buildAsic([{ name: 'a.pdf', content: 'a' }]));
    {
      await using message = await client.incoming.receiveOne();
      ip.advance(ip.lockMs);
      const error = await message?.ack().catch((e: unknown) => e);
      expect(isLockExpiredError(error)).toBe(true);
    }
    expect(ip.has(id)).toBe(true);
  });

  it('refuses an unknown filter key before sending', async () => {
    await expect(client.incoming.receiveOne({ sender: 'x' } as never)).rejects.toBeInstanceOf(RequestValidationError);
    expect(ip.log).toEqual([]);
  });
});

describe('incoming pop and acknowledge', () => {
  it('pop returns a download handle, or null for a receipt', async () => {
    const bytes = await buildAsic([{ name: 'a.pdf', content: 'a' }]);
    const id = ip.add(sbdFor(), bytes);
    const receipt = ip.add(sbdFor({ type: 'arkivmelding_kvittering' }), null);
    await client.incoming.peek();
    await client.incoming.peek();
    const download = await client.incoming.pop(id);
    expect(Buffer.from((await download?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(bytes);
    expect(await client.incoming.pop(receipt)).toBeNull();
  });

  it('retries a pop whose body broke off, and gives up on the retry budget', async () => {
    const bytes = await buildAsic([{ name: 'a.pdf', content: 'a' }]);
    const id = ip.add(sbdFor(), bytes);
    await client.incoming.peek();
    let broken = 1;
    server.use(
      http.get(`${ip.base}/api/messages/in/pop/:id`, () => {
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
    const spooled = await client.incoming.fetchAsic(id, {});
    expect(spooled?.bytes).toEqual(bytes);
  });

  it('acknowledge maps 404 to gone and MessageNotLockedException to not-locked', async () => {
    const id = ip.add(sbdFor(), null);
    expect(await client.incoming.acknowledge(id)).toBe('not-locked');
    await client.incoming.peek();
    expect(await client.incoming.acknowledge(id)).toBe('deleted');
    expect(await client.incoming.acknowledge(id)).toBe('gone');
  });
});
