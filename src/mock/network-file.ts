import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { RequestValidationError } from '../errors.js';
import type { NetworkConfig } from './network.js';

/**
 * A simulated network as JSON (`eformidling-simulator --network <file.json>`): the same shape as
 * {@link NetworkConfig}, checked strictly so that a typo is an error rather than a silently missing service.
 * The format is documented in `docs/simulator.md`.
 * @module
 */

const SERVICE = z.enum(['DPO', 'DPV', 'DPI', 'DPF', 'DPE', 'DPH']);

const PostalAddressSchema = z.strictObject({
  name: z.string().min(1),
  street: z.string().min(1).describe('address lines separated by ";" (at most 4 are used)'),
  postalCode: z.string(),
  postalArea: z.string(),
  country: z.string(),
});

const ServiceRecordSchema = z.strictObject({
  service: SERVICE,
  process: z.string().regex(/^urn:\S+$/, 'must be a process URN, e.g. urn:no:difi:profile:arkivmelding:administrasjon:ver1.0'),
  documentTypes: z
    .array(z.string().regex(/^urn:\S+::\S+$/, 'must be a document type standard, e.g. urn:no:difi:arkivmelding:xsd::arkivmelding'))
    .min(1),
  securityLevel: z.number().int().min(1).max(4).optional(),
  postAddress: PostalAddressSchema.optional(),
  returnAddress: PostalAddressSchema.optional(),
  digitalPostAddress: z.strictObject({ supplier: z.string(), address: z.string() }).optional(),
});

const ParticipantSchema = z.strictObject({
  id: z.string().regex(/^(\d{9}|\d{11})$/, 'must be an organisation number (9 digits) or a personal identifier (11 digits)'),
  name: z.string().min(1),
  hasIntegrationPoint: z.boolean(),
  enabledServices: z.array(SERVICE).optional(),
  accepts: z.array(ServiceRecordSchema),
});

/** Schema of a network file (and of {@link NetworkConfig} values given as JSON). @category Simulator */
export const NetworkConfigSchema = z
  .strictObject({
    /** Ignored; lets an editor find a JSON schema. */
    $schema: z.string().optional(),
    participants: z.array(ParticipantSchema).min(1),
  })
  .superRefine((network, ctx) => {
    const seen = new Map<string, number>();
    network.participants.forEach((p, i) => {
      const first = seen.get(p.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['participants', i, 'id'], message: `${p.id} is already participants[${first}]` });
      }
      seen.set(p.id, i);
    });
    if (!network.participants.some((p) => p.hasIntegrationPoint)) {
      ctx.addIssue({ code: 'custom', path: ['participants'], message: 'at least one participant needs hasIntegrationPoint: true' });
    }
  });

function dotted(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/**
 * Checks a network given as plain JSON and returns it as a {@link NetworkConfig}.
 * @param json - the parsed JSON.
 * @param source - what to name in errors (a file name).
 * @throws RequestValidationError naming the first bad field (every issue is in `issues`).
 * @example
 * ```ts
 * const sim = createSimulator(parseNetworkConfig(JSON.parse(text)));
 * ```
 * @category Simulator
 */
export function parseNetworkConfig(json: unknown, source = 'network'): NetworkConfig {
  const result = NetworkConfigSchema.safeParse(json);
  if (result.success) {
    const { $schema: _ignored, ...network } = result.data;
    return network as NetworkConfig;
  }
  const issues = result.error.issues.map((issue) => ({ path: dotted([source, ...issue.path]), message: issue.message }));
  const first = issues[0] as { path: string; message: string };
  throw new RequestValidationError(first.path, first.message, issues);
}

/**
 * Reads and checks a network file.
 * @throws RequestValidationError for a file that cannot be read, is not JSON or does not match the format.
 * @category Simulator
 */
export async function loadNetworkFile(path: string): Promise<NetworkConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RequestValidationError('network', `cannot read ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RequestValidationError('network', `${path} is not JSON: ${(error as Error).message}`);
  }
  try {
    return parseNetworkConfig(json);
  } catch (error) {
    const { field, issues } = error as RequestValidationError; // parseNetworkConfig throws nothing else
    throw new RequestValidationError(field, `${issues[0]?.message} (in ${path})`, [...issues]);
  }
}
