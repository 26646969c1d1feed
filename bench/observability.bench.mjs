// What observability costs when nobody listens: the SDK with @opentelemetry/api installed but no provider registered
// vs the same SDK where the API cannot be found (target >= 0.95x, i.e. no measurable cost). Both copies run in this
// process against the same child server in interleaved rounds: the second copy is dist/ copied into a temporary folder
// whose node_modules links every package but @opentelemetry.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compareRates, isMain, ratioRow, SHORT_ROUNDS, startChildServer } from './lib.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

/** dist/ and node_modules without @opentelemetry, in a temporary folder. */
function copyWithoutOtel() {
  const dir = mkdtempSync(join(tmpdir(), 'eformidling-no-otel-'));
  // Copied, not linked: Node resolves a module from its real path, which would find the API again.
  cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(root, 'package.json'), join(dir, 'package.json'));
  mkdirSync(join(dir, 'node_modules'));
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name === '@opentelemetry' || name === '.bin') continue;
    symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name));
  }
  return dir;
}

export default async function run() {
  const server = await startChildServer(fileURLToPath(new URL('capabilities-server.mjs', import.meta.url)));
  const dir = copyWithoutOtel();
  try {
    const withApi = await import('../dist/index.js');
    const withoutApi = await import(pathToFileURL(join(dir, 'dist', 'index.js')).href);
    const client = (sdk) => new sdk.IntegrasjonspunktClient({ baseUrl: server.base, userAgent: 'bench/1.0' });
    const loaded = client(withApi);
    const missing = client(withoutApi);
    // The one copy must really find the API and the other not, or the row compares nothing.
    const { otelApi: found } = await import('../dist/observability/otel.js');
    const { otelApi: notFound } = await import(pathToFileURL(join(dir, 'dist', 'observability', 'otel.js')).href);
    if (found() === null || notFound() !== null) throw new Error('the two copies do not differ in finding @opentelemetry/api');
    const rates = await compareRates({
      raw: async (n) => {
        for (let i = 0; i < n; i++) await missing.capabilities.get('910075918');
      },
      sdk: async (n) => {
        for (let i = 0; i < n; i++) await loaded.capabilities.get('910075918');
      },
      ...SHORT_ROUNDS,
      pairs: 800,
    });
    return [
      ratioRow({
        name: 'observability, no provider: capabilities.get with the API loaded vs without it',
        result: rates,
        unit: 'req/s',
        target: 0.95,
      }),
    ];
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) console.table(await run());
