import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createSimulator, startSimulator } from 'eformidling/mock';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { useSimulator } from '../helpers/simulator.js';
import { arkivmeldingXml, DEPARTEMENT, KOMMUNE, raw, sbd, sendArkivmelding, uploadHeaders } from './fixtures.js';

type Raw = ReturnType<typeof raw>;
interface Step {
  status: number;
  body: string;
}

/** One scripted sequence; `deliver` moves the carrier of the simulator behind the face. */
async function script(out: Raw, inn: Raw, deliver: () => void): Promise<Step[]> {
  const steps: Step[] = [];
  const record = async (p: Promise<{ status: number; text: string }>) => {
    const r = await p;
    steps.push({ status: r.status, body: normalise(r.text) });
  };
  const id = '5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90';
  const conv = 'b4e9a1c2-0f6d-4c3b-8e27-91d5a6f3c0e1';
  await record(out('GET', `/api/capabilities/${KOMMUNE}`));
  await record(out('GET', '/api/capabilities/123456785'));
  await record(out('POST', '/api/messages/out', { json: sbd({ messageId: id, conversationId: conv }) }));
  await record(out('POST', '/api/messages/out', { json: sbd({ messageId: id, conversationId: conv }) }));
  await record(
    out('PUT', `/api/messages/out/${id}`, {
      body: arkivmeldingXml(['vedtak.pdf']).replace(/<systemID>[^<]+<\/systemID>/g, '<systemID>x</systemID>'),
      headers: uploadHeaders('arkivmelding.xml', 'application/xml'),
    }),
  );
  await record(out('PUT', `/api/messages/out/${id}`, { body: '%PDF', headers: uploadHeaders('vedtak.pdf', 'application/pdf', 'Vedtak') }));
  await record(out('PUT', `/api/messages/out/${id}`, { body: '%PDF', headers: uploadHeaders('vedtak.pdf') }));
  await record(out('GET', '/api/messages/out'));
  await record(out('POST', `/api/messages/out/${id}`));
  await record(inn('GET', '/api/messages/in/peek'));
  deliver();
  await record(inn('GET', '/api/messages/in/peek'));
  await record(inn('GET', `/api/messages/in/pop/${id}`));
  await record(inn('GET', '/api/messages/in'));
  await record(inn('DELETE', `/api/messages/in/${id}`));
  deliver();
  await record(out('GET', `/api/statuses?messageId=${id}`));
  await record(inn('GET', `/api/statuses/${id}`));
  await record(out('GET', `/api/conversations/messageId/${id}`));
  await record(out('GET', '/api/statuses/peek'));
  await record(out('DELETE', '/api/statuses/1'));
  await record(out('GET', '/api/nope'));
  await record(out('PATCH', '/api/messages/out'));
  await record(out('GET', '/api/messages/in/peek/'));
  await record(out('GET', '/manage/health'));
  return steps;
}

function normalise(text: string): string {
  return text.replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)/g, '<date>');
}

describe('both faces', () => {
  it('answer the same request sequence identically (status and normalised body)', async () => {
    const mswSim = createSimulator(undefined, { clock: { start: Date.UTC(2026, 7, 20, 9) } });
    const msw = setupServer(...mswSim.handlers);
    msw.listen({ onUnhandledFrame: 'bypass' });
    let viaMsw: Step[];
    try {
      viaMsw = await script(raw(mswSim.baseUrl(DEPARTEMENT)), raw(mswSim.baseUrl(KOMMUNE)), () => mswSim.deliverAll());
    } finally {
      msw.close();
      await mswSim.close();
    }
    const server = await startSimulator({ port: 0, autoDeliver: false, clock: { mode: 'manual', start: Date.UTC(2026, 7, 20, 9) } });
    let viaHttp: Step[];
    try {
      expect(server.baseUrl(DEPARTEMENT)).toBe(`${server.url}/${DEPARTEMENT}`);
      viaHttp = await script(raw(server.baseUrl(DEPARTEMENT)), raw(server.baseUrl(KOMMUNE)), () => server.simulator.deliverAll());
    } finally {
      await server.close();
    }
    expect(viaHttp.map((s) => s.status)).toEqual([
      200, 404, 200, 400, 200, 200, 400, 200, 200, 204, 200, 200, 200, 200, 200, 200, 200, 204, 404, 404, 405, 404, 200,
    ]);
    // Zip bodies differ by the signature's random name; compare everything else exactly.
    const strip = (steps: Step[]) => steps.map((s, i) => (i === 11 ? { status: s.status } : s));
    expect(strip(viaHttp)).toEqual(strip(viaMsw));
  });
});

describe('fault injection', () => {
  const ctx = useSimulator();

  it('the next N requests to a route answer a status with the IP error JSON and Retry-After, per organisation', async () => {
    ctx.sim.faults.failNext({ org: DEPARTEMENT, method: 'GET', path: '/api/statuses', status: 503, times: 2, retryAfter: '2' });
    const out = raw(ctx.sim.baseUrl(DEPARTEMENT));
    const other = await raw(ctx.sim.baseUrl(KOMMUNE))('GET', '/api/statuses');
    expect(other.status).toBe(200);
    expect((await out('GET', '/api/conversations')).status).toBe(200);
    const first = await out('GET', '/api/statuses');
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(first.json).toMatchObject({ status: 503, error: 'Service Unavailable', path: '/api/statuses' });
    expect((await out('GET', '/api/statuses')).status).toBe(503);
    expect((await out('GET', '/api/statuses')).status).toBe(200);
    expect(ctx.sim.faults.pending).toHaveLength(0);
  });

  it('resets the connection, or loses the response after the request took effect', async () => {
    const out = raw(ctx.sim.baseUrl(DEPARTEMENT));
    ctx.sim.faults.failNext({ path: '/api/capabilities/{id}', reset: true });
    await expect(out('GET', `/api/capabilities/${KOMMUNE}`)).rejects.toThrow();
    ctx.sim.faults.failNext({ method: 'POST', path: '/api/messages/out', lostResponse: true });
    const doc = sbd();
    await expect(out('POST', '/api/messages/out', { json: doc })).rejects.toThrow();
    expect(ctx.sim.queues(DEPARTEMENT).outgoing).toBe(1); // it took effect
  });

  it('answers malformed JSON, a slow body and latency', async () => {
    const out = raw(ctx.sim.baseUrl(DEPARTEMENT));
    ctx.sim.faults.failNext({ path: '/api/statuses', malformed: true });
    const bad = await out('GET', '/api/statuses');
    expect(bad.status).toBe(200);
    expect(() => JSON.parse(bad.text)).toThrow();
    ctx.sim.faults.failNext({ path: '/api/capabilities/*', slowBody: { delayMs: 1, chunkBytes: 64 }, delayMs: 5 });
    const slow = await out('GET', `/api/capabilities/${KOMMUNE}`);
    expect(slow.json.capabilities.length).toBeGreaterThan(3);
  });
});

describe('HTTP server face', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('requires basic auth like the IP (401 + WWW-Authenticate), except /manage/<one segment>', async () => {
    const server = await startSimulator({ basicAuth: { username: 'u', password: 'p' } });
    try {
      const anonymous = raw(server.baseUrl(DEPARTEMENT));
      const denied = await anonymous('GET', '/api/statuses');
      expect(denied.status).toBe(401);
      expect(denied.headers.get('www-authenticate')).toBe('Basic realm="Realm"');
      expect(denied.json).toMatchObject({ status: 401, error: 'Unauthorized', path: '/api/statuses' });
      expect((await anonymous('GET', '/manage/health')).status).toBe(200);
      expect((await anonymous('GET', '/manage/health/liveness')).status).toBe(401);
      const auth = { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` };
      expect((await anonymous('GET', '/api/statuses', { headers: auth })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('resets the socket and loses responses for real', async () => {
    const server = await startSimulator();
    try {
      const out = raw(server.baseUrl(DEPARTEMENT));
      server.simulator.faults.failNext({ path: '/api/statuses', reset: true });
      await expect(out('GET', '/api/statuses')).rejects.toThrow();
      server.simulator.faults.failNext({ method: 'POST', path: '/api/messages/out', lostResponse: true });
      await expect(out('POST', '/api/messages/out', { json: sbd() })).rejects.toThrow();
      expect(server.simulator.queues(DEPARTEMENT).outgoing).toBe(1);
      expect((await out('GET', '/manage/health')).json.components.nextMoveQueue.details).toEqual({ outgoing: 1, incoming: 0 });
    } finally {
      await server.close();
    }
  });

  it('streams a large upload to disk and a large pop back (64 MiB), with the right content', async () => {
    const server = await startSimulator({ autoDeliver: false });
    try {
      const size = 64 * 1024 * 1024;
      const chunk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 7) % 256;
      const hash = createHash('sha256');
      for (let i = 0; i < 64; i++) hash.update(chunk);
      const expected = hash.digest('hex');
      const out = raw(server.baseUrl(DEPARTEMENT));
      const id = await sendArkivmelding(out, { send: false });
      // Replace the small pdf with a big one under another name referenced by nobody: upload "stor.pdf".
      async function* body() {
        for (let i = 0; i < 64; i++) yield chunk;
      }
      const put = await fetch(`${server.baseUrl(DEPARTEMENT)}/api/messages/out/${id}?title=Stor`, {
        method: 'PUT',
        headers: { ...uploadHeaders('stor.pdf'), 'content-length': String(size) },
        body: Readable.toWeb(Readable.from(body())) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
      expect(put.status).toBe(200);
      const stored = server.simulator.model
        .ip(DEPARTEMENT)
        .outgoing.get(id)
        ?.files.find((f) => f.filename === 'stor.pdf');
      expect(stored?.content.kind).toBe('disk');
      expect((await out('POST', `/api/messages/out/${id}`)).status).toBe(200);
      server.simulator.deliverAll();
      const inn = raw(server.baseUrl(KOMMUNE));
      expect((await inn('GET', '/api/messages/in/peek')).status).toBe(200);
      const pop = await fetch(`${server.baseUrl(KOMMUNE)}/api/messages/in/pop/${id}`);
      expect(pop.status).toBe(200);
      const zipPath = join(dir, `${randomUUID()}.zip`);
      await pipeline(Readable.fromWeb(pop.body as import('node:stream/web').ReadableStream), createWriteStream(zipPath));
      const digest = await new Promise<string>((resolve, reject) => {
        yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
          if (err || !zip) return reject(err);
          zip.on('entry', (entry: yauzl.Entry) => {
            if (entry.fileName !== 'stor.pdf') return zip.readEntry();
            zip.openReadStream(entry, (e, stream) => {
              if (e || !stream) return reject(e);
              const h = createHash('sha256');
              stream.on('data', (c: Buffer) => h.update(c));
              stream.on('end', () => {
                zip.close();
                resolve(h.digest('hex'));
              });
            });
          });
          zip.on('end', () => reject(new Error('stor.pdf not in the zip')));
          zip.readEntry();
        });
      });
      expect(digest).toBe(expected);
    } finally {
      await server.close();
    }
  });
});
