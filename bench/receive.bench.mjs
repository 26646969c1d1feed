// Receiving: (1) throughput of 1 KB messages through the SDK's receive loop vs a raw-fetch peek/pop/delete loop
// against the same local server (target >= 0.95x); (2) a 1 GiB ASiC-E downloaded and extracted to disk by the SDK
// vs a raw streamed download to disk: peak RSS growth, each in its own child process (target: SDK <= raw + 16 MiB);
// (3) the same 1 GiB downloaded to disk by `incoming.pop()` + `saveTo()` vs the raw streaming pipe: throughput
// (target >= 0.9x).
// The server runs in a child process too, so it does not share the client's event loop.
//
// Modes: `node bench/receive.bench.mjs` runs everything; `--server` and `--child <sdk|raw>` are used internally.
import { fork } from 'node:child_process';
import { randomFillSync, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import yazl from 'yazl';
import { abba, compareRates, isMain, peakRssGrowth, ratioRow, round } from './lib.mjs';

const SELF = fileURLToPath(import.meta.url);
const BIG = 1024 ** 3;

function sbdJson(id) {
  return JSON.stringify({
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { value: '0192:910077473', authority: 'iso6523-actorid-upis' } }],
      receiver: [{ identifier: { value: '0192:910075918', authority: 'iso6523-actorid-upis' } }],
      documentIdentification: {
        standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
        typeVersion: '2.0',
        instanceIdentifier: id,
        type: 'arkivmelding',
        creationDateAndTime: '2026-08-20T08:55:41.207+02:00',
      },
      businessScope: {
        scope: [
          {
            type: 'ConversationId',
            instanceIdentifier: '3f8d2b6a-91c4-4e7d-b05a-6c1e9f2d7a48',
            identifier: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
            scopeInformation: [{ expectedResponseDateTime: '2026-08-21T08:55:41.207+02:00' }],
          },
        ],
      },
    },
    arkivmelding: { hoveddokument: 'melding.pdf', sikkerhetsnivaa: 3 },
  });
}

async function zipBytes(files) {
  const zip = new yazl.ZipFile();
  for (const [name, content] of files) zip.addBuffer(Buffer.from(content), name, { compress: false });
  zip.end();
  const chunks = [];
  for await (const c of zip.outputStream) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Writes a 1 GiB ASiC-E (one stored document of random bytes) to `file`. */
async function writeBigAsic(file) {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from('application/vnd.etsi.asic-e+zip'), 'mimetype', { compress: false });
  zip.addBuffer(Buffer.from('<manifest><hoveddokument href="stor.bin" mime="application/octet-stream"/></manifest>'), 'manifest.xml');
  const block = randomFillSync(Buffer.alloc(1024 * 1024));
  const data = Readable.from(
    (function* () {
      for (let i = 0; i < BIG / block.length; i++) yield block;
    })(),
  );
  zip.addReadStream(data, 'stor.bin', { compress: false, size: BIG });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(file));
}

// ---------------------------------------------------------------------------------------------------------------
// Server (child process): an endless incoming queue. Every peek locks a new message; pop answers the small ASiC,
// or the big file when BIG_ASIC is set; delete answers the SBD.
async function serve() {
  const small = await zipBytes([
    ['mimetype', 'application/vnd.etsi.asic-e+zip'],
    ['manifest.xml', '<manifest><hoveddokument href="melding.pdf" mime="application/pdf"/></manifest>'],
    ['melding.pdf', 'x'.repeat(1024)],
  ]);
  const bigFile = process.env.BIG_ASIC;
  const bigSize = bigFile ? (await stat(bigFile)).size : 0;
  let n = 0;
  const locked = new Set();
  const server = createServer((req, res) => {
    req.resume();
    const url = req.url ?? '';
    if (req.method === 'GET' && url.startsWith('/api/messages/in/peek')) {
      const id = `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
      locked.add(id);
      const body = sbdJson(id);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    if (req.method === 'GET' && url.startsWith('/api/messages/in/pop/')) {
      if (bigFile) {
        res.writeHead(200, { 'content-type': 'application/vnd.etsi.asic-e+zip', 'content-length': bigSize });
        createReadStream(bigFile).pipe(res);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/vnd.etsi.asic-e+zip', 'content-length': small.length }).end(small);
      return;
    }
    if (req.method === 'DELETE' && url.startsWith('/api/messages/in/')) {
      const id = decodeURIComponent(url.slice('/api/messages/in/'.length));
      locked.delete(id);
      const body = sbdJson(id);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      return;
    }
    res.writeHead(404).end();
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
  process.on('disconnect', () => process.exit(0));
}

function startServer(env = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, ['--server'], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve({ base: `http://127.0.0.1:${m.port}`, stop: () => child.kill() }));
    child.once('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Memory children: one download (+ extraction for the SDK) each, measuring peak RSS growth.
async function child(kind) {
  const base = process.env.BASE;
  const out = process.env.OUT;
  const { IntegrasjonspunktClient } = await import('../dist/index.js');
  // Warm up the code paths (module loading, first fetch) before the baseline RSS is taken.
  const warm = await fetch(`${base}/api/messages/in/peek`);
  await warm.arrayBuffer();
  const ip = new IntegrasjonspunktClient({ baseUrl: base, timeoutMs: 120_000 });
  const { growthMiB, result } = await peakRssGrowth(async () => {
    if (kind === 'raw') {
      const res = await fetch(`${base}/api/messages/in/pop/${randomUUID()}`);
      await pipeline(Readable.fromWeb(res.body), createWriteStream(join(out, 'asic.zip')));
      return (await stat(join(out, 'asic.zip'))).size;
    }
    let size = 0;
    await ip.receive(
      async (m) => {
        const files = await m.asic.saveTo(out);
        size = files.reduce((sum, f) => sum + f.entry.size, 0);
      },
      { maxMessages: 1, tempDir: out },
    ).done;
    return size;
  });
  process.send?.({ growthMiB, bytes: result });
}

function runChild(kind, env) {
  return new Promise((resolve, reject) => {
    const c = fork(SELF, ['--child', kind], {
      env: { ...process.env, ...env },
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let answer;
    c.on('message', (m) => {
      answer = m;
    });
    c.once('error', reject);
    c.once('exit', (code) => (answer ? resolve(answer) : reject(new Error(`${kind} child exited with ${code}`))));
  });
}

/**
 * (3) 1 GiB download to disk: `ip.incoming.pop(id)` + `saveTo(path)` vs the raw streaming pipe
 * `pipeline(Readable.fromWeb(res.body), createWriteStream(path))`, in ABBA order in this process, median pair ratio.
 */
async function downloadToDisk(base, work, pairs = 2) {
  const { IntegrasjonspunktClient } = await import('../dist/index.js');
  const ip = new IntegrasjonspunktClient({ baseUrl: base, timeoutMs: 120_000 });
  const target = join(work, 'download.zip');
  const timed = (kind, fn) => async () => {
    await rm(target, { force: true });
    const t0 = performance.now();
    await fn();
    const seconds = (performance.now() - t0) / 1000;
    if ((await stat(target)).size < BIG) throw new Error(`${kind}: short download`);
    return BIG / 1024 / 1024 / seconds;
  };
  const result = await abba({
    pairs,
    raw: timed('raw', async () => {
      const res = await fetch(`${base}/api/messages/in/pop/${randomUUID()}`);
      await pipeline(Readable.fromWeb(res.body), createWriteStream(target));
    }),
    sdk: timed('sdk', async () => {
      const download = await ip.incoming.pop(randomUUID());
      await download.saveTo(target);
    }),
  });
  await rm(target, { force: true });
  return ratioRow({
    name: '1 GiB download to disk (pop + saveTo vs raw fetch piped to a file), throughput',
    result,
    unit: 'MiB/s',
    target: 0.9,
  });
}

// ---------------------------------------------------------------------------------------------------------------
export default async function run() {
  const { IntegrasjonspunktClient } = await import('../dist/index.js');
  const rows = [];

  // (1) Throughput, 1 KB messages, sequential (concurrency 1 on both sides).
  const server = await startServer();
  try {
    const base = server.base;
    const ip = new IntegrasjonspunktClient({ baseUrl: base });
    const rates = await compareRates({
      perRound: 50,
      pairs: 30,
      warmup: 400,
      raw: async (n) => {
        for (let i = 0; i < n; i++) {
          const peek = await fetch(`${base}/api/messages/in/peek`);
          if (peek.status !== 200) throw new Error(`peek ${peek.status}`);
          const sbd = await peek.json();
          const id = sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier;
          const pop = await fetch(`${base}/api/messages/in/pop/${encodeURIComponent(id)}`);
          const bytes = await pop.arrayBuffer();
          if (bytes.byteLength < 1024) throw new Error('short ASiC');
          const del = await fetch(`${base}/api/messages/in/${encodeURIComponent(id)}`, { method: 'DELETE' });
          if (!del.ok) throw new Error(`delete ${del.status}`);
          await del.arrayBuffer();
        }
      },
      sdk: async (n) => {
        const report = await ip.receive(
          (m) => {
            if (m.asic.size < 1024) throw new Error('short ASiC');
          },
          { maxMessages: n },
        ).done;
        if (report.deleted !== n) throw new Error(`deleted ${report.deleted} of ${n}`);
      },
    });
    rows.push(ratioRow({ name: 'receive loop, 1 KB messages (peek+pop+delete)', result: rates, unit: 'msg/s', target: 0.95 }));
  } finally {
    server.stop();
  }

  if (process.env.RECEIVE_BENCH_SKIP_MEMORY) return rows;
  // (2) 1 GiB ASiC: peak RSS growth, SDK download + extraction vs raw download.
  const work = await mkdtemp(join(tmpdir(), 'receive-bench-'));
  try {
    const bigFile = join(work, 'big-asic.zip');
    await writeBigAsic(bigFile);
    const big = await startServer({ BIG_ASIC: bigFile });
    try {
      const measure = async (kind) => {
        const out = await mkdtemp(join(work, `${kind}-`));
        try {
          return await runChild(kind, { BASE: big.base, OUT: out });
        } finally {
          await rm(out, { recursive: true, force: true });
        }
      };
      const raw = await measure('raw');
      const sdk = await measure('sdk');
      // The SDK extracted stor.bin + mimetype + manifest.xml; raw saved the container.
      if (sdk.bytes < BIG || raw.bytes < BIG) {
        throw new Error(`unexpected sizes: sdk ${sdk.bytes}, raw ${raw.bytes}`);
      }
      rows.push({
        name: '1 GiB ASiC download + extract: peak RSS growth (limit raw + 16 MiB)',
        value: round(sdk.growthMiB),
        unit: 'MiB',
        baseline: round(raw.growthMiB),
        ratio: round(sdk.growthMiB - raw.growthMiB, 2),
        target: '+16',
        pass: sdk.growthMiB <= raw.growthMiB + 16,
      });
      rows.push(await downloadToDisk(big.base, work));
    } finally {
      big.stop();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return rows;
}

if (process.argv[2] === '--server') await serve();
else if (process.argv[2] === '--child') await child(process.argv[3]);
else if (isMain(import.meta.url)) console.table(await run());
