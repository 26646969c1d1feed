import { readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionError, IntegrasjonspunktClient, TimeoutError } from 'eformidling';
import { HttpResponse, http, passthrough } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { downloadAsic } from '../../src/receive/download.js';
import { buildAsic } from '../asic/fixtures.js';
import { sbdFor } from './fake-ip.js';
import { receiveContextFor, useFakeIp } from './harness.js';

// The download under the receive workflow: pop spooled to memory or disk, with its size limit, a stall and a body
// that broke off. These answers are hand-made (msw handlers and a raw socket): the simulator streams well-formed
// containers only.
const ctx = useFakeIp({ retry: false, tempPrefix: 'receive-download-' });
let asic: Buffer;
beforeEach(async () => {
  asic = await buildAsic([{ name: 'a.pdf', content: 'a', mimeType: 'application/pdf' }]);
});

describe('downloading the ASiC-E (pop)', () => {
  it('refuses a container over the size limit, by header and while streaming, leaving no temp files', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    await ctx.client.incoming.peek();
    await expect(downloadAsic(receiveContextFor(ctx.client), id, { asicLimits: { maxContainerBytes: 10 } })).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    ctx.server.use(
      http.get(`${ctx.ip.base}/api/messages/in/pop/:id`, () => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(1000));
            controller.close();
          },
        });
        return new HttpResponse(body, { headers: { 'content-type': 'application/vnd.etsi.asic-e+zip' } });
      }),
    );
    await expect(
      downloadAsic(receiveContextFor(ctx.client), id, { asicLimits: { maxContainerBytes: 5000 }, tempDir: ctx.dir }),
    ).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    expect(await readdir(ctx.dir)).toEqual([]);
  });

  it('times out a download that stalls', async () => {
    // A real socket (msw's interceptor cannot model a body that never ends).
    const stalled = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/vnd.etsi.asic-e+zip' });
      res.write(Buffer.alloc(100));
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = stalled.address() as AddressInfo;
      ctx.server.use(http.all(`http://127.0.0.1:${port}/*`, () => passthrough()));
      const direct = new IntegrasjonspunktClient({ baseUrl: `http://127.0.0.1:${port}`, retry: false });
      await expect(downloadAsic(receiveContextFor(direct), 'm1', { tempDir: ctx.dir, timeoutMs: 60 })).rejects.toBeInstanceOf(TimeoutError);
      expect(await readdir(ctx.dir)).toEqual([]);
    } finally {
      stalled.closeAllConnections();
      stalled.close();
    }
  });

  it('times out a small download (read into memory) that stalls, instead of handing over a truncated container', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    await ctx.client.incoming.peek();
    ctx.server.use(
      http.get(`${ctx.ip.base}/api/messages/in/pop/:id`, () => {
        // Announces 1000 bytes, sends 100, then nothing more.
        const body = new ReadableStream<Uint8Array>({ start: (controller) => controller.enqueue(new Uint8Array(100)) });
        return new HttpResponse(body, { headers: { 'content-type': 'application/vnd.etsi.asic-e+zip', 'content-length': '1000' } });
      }),
    );
    await expect(downloadAsic(receiveContextFor(ctx.client), id, { timeoutMs: 60 })).rejects.toBeInstanceOf(TimeoutError);
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
    // The client retries the pop request itself (a broken body can take its keep-alive connection with it).
    const client = new IntegrasjonspunktClient({ baseUrl: ctx.ip.base, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
    const spooled = await downloadAsic(receiveContextFor(client, { retries: 2 }), id, {});
    expect(spooled?.bytes).toEqual(bytes);

    broken = 10;
    await expect(downloadAsic(receiveContextFor(client, { retries: 2 }), id, {})).rejects.toBeInstanceOf(ConnectionError);
    expect(10 - broken).toBe(3); // the first answer and two more: the retry budget
  });

  it('does not pop again after a size-limit failure', async () => {
    const id = ctx.ip.add(sbdFor(), asic);
    await ctx.client.incoming.peek();
    await expect(
      downloadAsic(receiveContextFor(ctx.client, { retries: 2 }), id, { asicLimits: { maxContainerBytes: 10 } }),
    ).rejects.toMatchObject({
      code: 'TOO_LARGE',
    });
    expect(ctx.ip.count('POP')).toBe(1);
  });
});
