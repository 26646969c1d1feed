/**
 * The layer rule of the SDK, checked on the import graph of src/: each layer imports only downwards.
 *
 *   models/, internal/, observability/, messages/, errors(.ts|/), uploads.ts, pagination.ts, version.ts   (the base: below everything)
 *   transport/   one engine: request, retry, timeout, auth, errors
 *   resources/   one class per endpoint group: build the request, parse the answer
 *   send/, tracking/, receive/, webhooks/   workflows: use resources only
 *   client.ts    the facade
 *   index.ts, schemas.ts, mock/, cli/, connector/   on top (entry points and tools): may use anything
 *   asic/        a leaf library (used by receive/)
 *
 * Decisions recorded here:
 * - A workflow may import a transport *option type* (`RequestOptions`, `Logger`, …: the shapes it passes through in its
 *   own options) with `import type`, never a transport value nor the `Transport` engine itself.
 * - A workflow may name the client's type (`import type { IntegrasjonspunktClient }`, to take a narrow
 *   `Pick<IntegrasjonspunktClient, 'statuses' | …>`), never import client.ts's values.
 * - Workflows do not import each other, except the edges in {@link WORKFLOW_EDGES}.
 */
import { describe, expect, it } from 'vitest';
import { type Edge, edgesOf, lineCount, sourceFiles } from './import-graph.js';

type Layer = 'base' | 'transport' | 'resources' | 'workflow' | 'client' | 'asic' | 'top';

const BASE = /^(models\/|internal\/|observability\/|messages\/|errors\.ts$|errors\/|uploads\.ts$|pagination\.ts$|version\.ts$)/;
const WORKFLOWS = ['send', 'tracking', 'receive', 'webhooks'] as const;

/** Transport types a workflow may name in its own options (type-only imports). */
const TRANSPORT_OPTION_TYPES = new Set([
  'RequestOptions',
  'Logger',
  'RetryOptions',
  'AuthOption',
  'FetchLike',
  'TlsOptions',
  'UserAgentOption',
  'RetryRunner',
]);

/**
 * Documented imports between workflows, as `from -> to`:
 * - tracking -> webhooks: the tracker's webhook handler reads the IP's pushed events with the webhooks parser.
 */
const WORKFLOW_EDGES = new Set(['tracking -> webhooks']);

function layerOf(file: string): Layer {
  if (BASE.test(file)) return 'base';
  const top = file.split('/')[0] as string;
  if (top === 'transport') return 'transport';
  if (top === 'resources') return 'resources';
  if ((WORKFLOWS as readonly string[]).includes(top)) return 'workflow';
  if (file === 'client.ts') return 'client';
  if (top === 'asic') return 'asic';
  if (file === 'index.ts' || file === 'schemas.ts' || top === 'mock' || top === 'cli' || top === 'connector') return 'top';
  throw new Error(`src/${file} belongs to no layer: add it to a layer in test/architecture/layers.test.ts`);
}

/** Why an import breaks the layer rule, or undefined when it keeps it. */
function violation(edge: Edge): string | undefined {
  const from = layerOf(edge.from);
  const to = layerOf(edge.to);
  const area = (file: string) => file.split('/')[0] as string;
  switch (from) {
    case 'top':
    case 'client':
      return to === 'top' && from !== 'top' ? 'the facade imports from a layer on top of it' : undefined;
    case 'base':
      return to === 'base' ? undefined : `the base imports from ${to}`;
    case 'asic':
      return to === 'asic' || /^(errors\.ts|errors\/|uploads\.ts|internal\/)/.test(edge.to)
        ? undefined
        : 'asic/ is a leaf: only errors, uploads, internal/';
    case 'transport':
      return to === 'transport' || to === 'base' ? undefined : `transport imports from ${to}`;
    case 'resources':
      return to === 'resources' || to === 'transport' || to === 'base' ? undefined : `a resource imports from ${to}`;
    case 'workflow': {
      if (to === 'base' || to === 'resources') return undefined;
      if (to === 'asic') return area(edge.from) === 'receive' ? undefined : 'only receive/ uses asic/';
      if (to === 'transport') {
        if (!edge.typeOnly) return 'a workflow imports transport values (use resources)';
        const engine = edge.names.filter((n) => !TRANSPORT_OPTION_TYPES.has(n));
        return engine.length === 0 ? undefined : `a workflow names transport internals: ${engine.join(', ')}`;
      }
      if (to === 'client') return edge.typeOnly ? undefined : 'a workflow imports values from the client facade';
      if (to === 'workflow') {
        if (area(edge.from) === area(edge.to)) return undefined;
        return WORKFLOW_EDGES.has(`${area(edge.from)} -> ${area(edge.to)}`) ? undefined : 'workflows do not import each other';
      }
      return `a workflow imports from ${to}`;
    }
  }
}

const FILES = sourceFiles();
const EDGES = FILES.flatMap(edgesOf);

function violationsFrom(layer: Layer): string[] {
  return EDGES.filter((e) => layerOf(e.from) === layer).flatMap((e) => {
    const why = violation(e);
    return why === undefined ? [] : [`src/${e.from}:${e.line} imports src/${e.to} {${e.names.join(', ')}}: ${why}`];
  });
}

describe('the import graph of src/', () => {
  it('is read from every file, with type-only imports told apart', () => {
    expect(FILES.length).toBeGreaterThan(50);
    const clientToTransport = EDGES.filter((e) => e.from === 'client.ts' && e.to.startsWith('transport/'));
    expect(clientToTransport.some((e) => !e.typeOnly && e.names.includes('Transport'))).toBe(true);
    expect(clientToTransport.some((e) => e.typeOnly && e.names.includes('Logger'))).toBe(true);
    for (const file of FILES) expect(() => layerOf(file)).not.toThrow();
  });

  it('every import lands on a file that exists', () => {
    const known = new Set(FILES);
    expect(EDGES.filter((e) => !known.has(e.to)).map((e) => `src/${e.from}:${e.line} -> src/${e.to}`)).toEqual([]);
  });
});

describe('the layer rule', () => {
  it('the base (models, internal, messages, errors, uploads, pagination) imports only the base', () => {
    expect(violationsFrom('base')).toEqual([]);
  });

  it('transport/ imports nothing from resources, workflows or the client', () => {
    expect(violationsFrom('transport')).toEqual([]);
  });

  it('resources/ import only transport/ and the base, never a workflow', () => {
    expect(violationsFrom('resources')).toEqual([]);
  });

  it('workflows (send, tracking, receive, webhooks) use resources: no transport values, no client values, not each other', () => {
    expect(violationsFrom('workflow')).toEqual([]);
  });

  it('asic/ is a leaf library: it imports only errors, uploads and internal/', () => {
    expect(violationsFrom('asic')).toEqual([]);
  });

  it('nothing below the top imports mock/, cli/, connector/ or the entry point', () => {
    expect(violationsFrom('client')).toEqual([]);
  });
});

describe('file size', () => {
  it('no source file in src/ is over 400 lines', () => {
    const long = FILES.map((f) => ({ f, n: lineCount(f) }))
      .filter(({ n }) => n > 400)
      .map(({ f, n }) => `src/${f}: ${n} lines`);
    expect(long).toEqual([]);
  });
});
