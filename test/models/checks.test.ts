import { avtalt } from 'eformidling';
import { CapabilitiesSchema, StandardBusinessDocumentSchema } from 'eformidling/schemas';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { isPlainCapabilities, isPlainSbd } from '../../src/models/checks.js';

// The hand checks let hot responses skip zod. They must never accept what the schema refuses: replace every field
// of a valid sample, at any depth, with values of every JSON kind, and whenever the check still accepts, the schema
// must accept too.
const replacements: unknown[] = [undefined, null, 42, 'text', true, [], {}, [{}]];

function paths(value: unknown, prefix: string[] = []): string[][] {
  return typeof value === 'object' && value !== null
    ? Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])])
    : [];
}

function neverLooser(check: (v: unknown) => boolean, schema: z.ZodType, sample: unknown): number {
  let accepted = 0;
  for (const path of paths(sample)) {
    for (const replacement of replacements) {
      const value = structuredClone(sample) as Record<string, unknown>;
      let node = value;
      for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
      node[path[path.length - 1] as string] = replacement;
      if (check(value)) {
        accepted += 1;
        expect(schema.safeParse(value).success, `${path.join('.')} = ${JSON.stringify(replacement)}`).toBe(true);
      }
    }
  }
  return accepted;
}

const sbd = () => JSON.parse(JSON.stringify({ ...avtalt({ sender: '910075918', receiver: '910077473', identifier: 'x' }), extra: 1 }));
const capabilities = () => ({
  capabilities: [
    {
      process: 'urn:no:difi:profile:digitalpost:vedtak:ver1.0',
      serviceIdentifier: 'DPI',
      postAddress: { name: 'Kari Nordmann', street: 'Storgata 12', postalCode: '7010', postalArea: 'TRONDHEIM', country: 'Norge' },
      returnAddress: { name: 'Eksempel kommune', street: 'Postboks 100', postalCode: '7001', postalArea: 'TRONDHEIM', country: 'Norge' },
      documentTypes: [{ type: 'digital', standard: 'urn:no:difi:digitalpost:xsd:digital::digital' }, { standard: 'x::y' }],
      digitalPostAddress: { supplier: '984661185', address: 'kari.nordmann#4CX2' },
      future: true,
    },
  ],
});

describe('hand checks of hot responses', () => {
  it('accept the common shapes', () => {
    expect(isPlainSbd(sbd())).toBe(true);
    expect(isPlainCapabilities(capabilities())).toBe(true);
    expect(isPlainCapabilities({ capabilities: [] })).toBe(true);
  });

  it('leave manifests and contact information to zod', () => {
    const withManifest = sbd();
    withManifest.standardBusinessDocumentHeader.manifest = { numberOfItems: 1 };
    expect(isPlainSbd(withManifest)).toBe(false);
    expect(StandardBusinessDocumentSchema.safeParse(withManifest).success).toBe(true);
  });

  it('the SBD check is never looser than the schema, whatever field is replaced by whatever value', () => {
    expect(neverLooser(isPlainSbd, StandardBusinessDocumentSchema, sbd())).toBeGreaterThan(20);
  });

  it('the capabilities check is never looser than the schema, whatever field is replaced by whatever value', () => {
    expect(neverLooser(isPlainCapabilities, CapabilitiesSchema, capabilities())).toBeGreaterThan(10);
  });
});
