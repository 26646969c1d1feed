import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, ROOT } from '../cli/helpers.js';
import { type Consumer, createConsumer, readPackageJson } from './consumer.js';

/** The built package's declaration files, by path relative to dist/. */
async function declarationFiles(dir = join(ROOT, 'dist')): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.d.ts')) found.push(relative(join(ROOT, 'dist'), join(entry.parentPath, entry.name)));
  }
  return found.sort();
}

/** Bare module names a declaration file imports (comments, where the TSDoc examples live, are skipped). */
function importsOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const names = new Set<string>();
  for (const match of code.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"./][^'"]*)['"]/g)) {
    const spec = match[1] as string;
    if (spec.startsWith('node:')) continue;
    names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
  }
  return [...names];
}

describe('the published declarations', () => {
  beforeAll(() => buildOnce(), 240_000);

  it('import only what the package ships: a dependency with types, or an optional peer of its own entry point', async () => {
    const pkg = await readPackageJson();
    const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
    // The optional peers, and the only area whose declarations may need each: an entry point, or for the
    // OpenTelemetry API the internal observability/ folder, which no entry point's declarations reach (checked below).
    const peers: Record<string, string> = { msw: 'mock/', 'rabbitmq-client': 'connector/', '@opentelemetry/api': 'observability/' };
    const problems: string[] = [];
    for (const file of await declarationFiles()) {
      for (const name of importsOf(await readFile(join(ROOT, 'dist', file), 'utf8'))) {
        const peerArea = peers[name];
        if (peerArea !== undefined) {
          if (!file.startsWith(peerArea)) problems.push(`${file}: the optional peer ${name} outside ${peerArea}`);
          continue;
        }
        if (!dependencies.has(name)) {
          problems.push(`${file}: ${name} is not a dependency`);
          continue;
        }
        const own = JSON.parse(await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as Record<string, unknown>;
        const typed = own.types !== undefined || own.typings !== undefined || JSON.stringify(own.exports ?? {}).includes('"types"');
        const typesPackage = `@types/${name.replace(/^@([^/]+)\//, '$1__')}`;
        if (!typed && !dependencies.has(typesPackage))
          problems.push(`${file}: ${name} has no types and ${typesPackage} is not a dependency`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('reach no OpenTelemetry type from an entry point (the API stays an optional peer for type-checking consumers)', async () => {
    const seen = new Set<string>();
    const visit = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = (await readFile(join(ROOT, 'dist', file), 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '');
      for (const match of code.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
        await visit(join(dirname(file), (match[1] as string).replace(/\.js$/, '.d.ts')));
      }
    };
    for (const entry of ['index.d.ts', 'mock/index.d.ts', 'connector/index.d.ts', 'schemas.d.ts']) await visit(entry);
    expect(seen.size).toBeGreaterThan(20);
    expect([...seen].filter((file) => file.startsWith('observability/'))).toEqual([]);
  });
});

const SOURCES = {
  client: `import { arkivmelding, arkivmeldingXml, IntegrasjonspunktClient, messageIdOf, openAsic } from 'eformidling';

const ip = new IntegrasjonspunktClient({ baseUrl: 'http://127.0.0.1:9093' });
const xml: string = arkivmeldingXml({ tittel: 'Vedtak', files: ['vedtak.pdf'] });
const sbd = arkivmelding({ receiver: '910075918', hoveddokument: 'vedtak.pdf' });
const id: string | undefined = messageIdOf(sbd);
console.log(ip, xml, id, typeof openAsic);
`,
  simulator: `import { KOMMUNE, startSimulator } from 'eformidling/mock';

const server = await startSimulator({ port: 0 });
const url: string = server.baseUrl(KOMMUNE);
console.log(url);
await server.close();
`,
  rabbitmq: `import { IntegrasjonspunktClient } from 'eformidling';
import { consumeNotifications, createNotificationBridge, fileStateStore } from 'eformidling/rabbitmq';

const ip = new IntegrasjonspunktClient({ baseUrl: 'http://127.0.0.1:9093' });
const bridge = createNotificationBridge({ ip, amqpUrl: 'amqp://127.0.0.1', store: fileStateStore('state.json') });
console.log(bridge, typeof consumeNotifications);
`,
};

describe('a TypeScript consumer with skipLibCheck: false and moduleResolution: nodenext', () => {
  // Two consumer projects: one with no optional peer at all, one with rabbitmq-client (the peer eformidling/rabbitmq
  // documents as required). The three checks run side by side; each test waits for its own.
  const consumers: Consumer[] = [];
  let results: Record<keyof typeof SOURCES, Promise<{ code: number; output: string }>>;

  beforeAll(async () => {
    buildOnce();
    const bare = await createConsumer();
    consumers.push(bare);
    const withRabbit = await createConsumer();
    consumers.push(withRabbit);
    await withRabbit.link('rabbitmq-client');
    results = {
      client: bare.typecheck('client', SOURCES.client),
      simulator: bare.typecheck('simulator', SOURCES.simulator),
      rabbitmq: withRabbit.typecheck('rabbitmq', SOURCES.rabbitmq),
    };
  }, 240_000);
  afterAll(async () => {
    if (results) await Promise.all(Object.values(results));
    await Promise.all(consumers.map((c) => c.remove()));
  }, 180_000);

  it("type-checks an import of 'eformidling' without msw or rabbitmq-client installed", async () => {
    expect(await results.client).toEqual({ code: 0, output: '' });
  }, 180_000);

  it("type-checks startSimulator from 'eformidling/mock' without msw installed", async () => {
    expect(await results.simulator).toEqual({ code: 0, output: '' });
  }, 180_000);

  it("type-checks 'eformidling/rabbitmq' with its documented peer rabbitmq-client, and without msw", async () => {
    expect(await results.rabbitmq).toEqual({ code: 0, output: '' });
  }, 180_000);
});
