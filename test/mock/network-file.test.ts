import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestValidationError } from 'eformidling';
import { createSimulator, efmMocksNetwork, loadNetworkFile, networkPreset, parseNetworkConfig } from 'eformidling/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** `eformidling-simulator --network <file.json>`: the format, its errors, and the presets. */

const valid = {
  participants: [
    {
      id: '910075918',
      name: 'Kommune',
      hasIntegrationPoint: true,
      enabledServices: ['DPO', 'DPF'],
      accepts: [
        {
          service: 'DPF',
          process: 'urn:no:difi:profile:arkivmelding:planByggOgGeodata:ver1.0',
          documentTypes: ['urn:no:difi:arkivmelding:xsd::arkivmelding'],
        },
      ],
    },
    {
      id: '09118532322',
      name: 'Kari',
      hasIntegrationPoint: false,
      accepts: [
        {
          service: 'DPI',
          process: 'urn:no:difi:profile:digitalpost:info:ver1.0',
          documentTypes: ['urn:no:difi:digitalpost:xsd:fysisk::print'],
          securityLevel: 3,
          postAddress: { name: 'Kari', street: 'Gate 1;Oppgang B', postalCode: '0150', postalArea: 'OSLO', country: 'Norge' },
        },
      ],
    },
  ],
};

function issueOf(fn: () => unknown): RequestValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof RequestValidationError) return error;
    throw error;
  }
  throw new Error('expected a RequestValidationError');
}

describe('network files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-network-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a valid file becomes the network: capabilities answer from it', async () => {
    const file = join(dir, 'ok.json');
    await writeFile(file, JSON.stringify({ $schema: 'ignored', ...valid }));
    const sim = createSimulator(await loadNetworkFile(file));
    try {
      expect(sim.organisations.map((o) => [o.id, o.hasIntegrationPoint])).toEqual([
        ['910075918', true],
        ['09118532322', false],
      ]);
      const res = await sim.handle(new Request(`${sim.baseUrl('910075918')}/api/capabilities/09118532322`));
      expect((await res.json()).capabilities[0]).toMatchObject({ serviceIdentifier: 'DPI', postAddress: { street: 'Gate 1;Oppgang B' } });
    } finally {
      await sim.close();
    }
  });

  it.each([
    [
      'an unknown service',
      (n: typeof valid) => Object.assign(n.participants[0]?.accepts[0] ?? {}, { service: 'DPX' }),
      'network.participants[0].accepts[0].service',
    ],
    ['a bad id', (n: typeof valid) => Object.assign(n.participants[1] ?? {}, { id: '0911853232' }), 'network.participants[1].id'],
    [
      'a typo in a field name',
      (n: typeof valid) => Object.assign(n.participants[0] ?? {}, { hasIntegrationpoint: true }),
      'network.participants[0]',
    ],
    [
      'a process that is not a URN',
      (n: typeof valid) => Object.assign(n.participants[0]?.accepts[0] ?? {}, { process: 'planBygg' }),
      'network.participants[0].accepts[0].process',
    ],
    ['a duplicate id', (n: typeof valid) => Object.assign(n.participants[1] ?? {}, { id: '910075918' }), 'network.participants[1].id'],
    [
      'no participant with an IP',
      (n: typeof valid) => Object.assign(n.participants[0] ?? {}, { hasIntegrationPoint: false }),
      'network.participants',
    ],
  ])('%s is a RequestValidationError naming the field', (_name, edit, field) => {
    const network = structuredClone(valid);
    edit(network);
    expect(issueOf(() => parseNetworkConfig(network)).field).toBe(field);
  });

  it('an unreadable or non-JSON file is a clear error', async () => {
    await expect(loadNetworkFile(join(dir, 'missing.json'))).rejects.toThrow(/network: cannot read .*missing\.json/);
    const file = join(dir, 'bad.json');
    await writeFile(file, '{ participants: ');
    await expect(loadNetworkFile(file)).rejects.toThrow(/bad\.json is not JSON/);
    await writeFile(file, JSON.stringify({ participants: [] }));
    await expect(loadNetworkFile(file)).rejects.toThrow(/^network\.participants: .* \(in .*bad\.json\)$/);
  });

  it('the presets are valid network files themselves; efm-mocks has its published receivers', () => {
    expect(() => parseNetworkConfig(networkPreset('default'))).not.toThrow();
    const network = parseNetworkConfig(efmMocksNetwork());
    const services = (id: string) => [...new Set(network.participants.find((p) => p.id === id)?.accepts.map((a) => a.service))].sort();
    expect(network.participants[0]).toMatchObject({ id: '810074582', enabledServices: ['DPO', 'DPV', 'DPI', 'DPF', 'DPE'] });
    expect(services('910075918')).toEqual(['DPE', 'DPF', 'DPO', 'DPV']);
    expect(services('06068700602')).toEqual(['DPI']);
    expect(services('10068700602')).toEqual(['DPV']);
    expect(services('910076787')).toEqual(['DPE']);
    expect(services('984661185')).toEqual(['DPO']);
  });
});
