#!/usr/bin/env node
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { EformidlingError } from '../errors.js';
import type { NetworkConfig } from './network.js';
import { loadNetworkFile } from './network-file.js';
import { NETWORK_PRESETS, type NetworkPreset, networkPreset } from './presets.js';
import { startSimulator } from './server.js';

/**
 * `eformidling-simulator [--port 9093] [--host 127.0.0.1] [--network file.json | --preset efm-mocks] …`: starts the
 * simulator over HTTP, prints its participants and base URLs, and runs until SIGINT/SIGTERM. For development and
 * tests only.
 * @internal
 * @module
 */

const USAGE = `Usage: eformidling-simulator [--port 9093] [--host 127.0.0.1] [--network file.json | --preset ${NETWORK_PRESETS.join('|')}]
                             [--username u --password p] [--lock-timeout-ms 300000] [--delivery-delay-ms 20]
                             [--status-queue DPO,DPV,DPI] [--no-console] [--console-remote]
An in-memory eFormidling integrasjonspunkt for development and tests only. See docs/simulator.md.
`;

function fail(message: string): never {
  process.stderr.write(`eformidling-simulator: ${message}\n`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '9093' },
      host: { type: 'string', default: '127.0.0.1' },
      network: { type: 'string' },
      preset: { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      'lock-timeout-ms': { type: 'string' },
      'delivery-delay-ms': { type: 'string' },
      'status-queue': { type: 'string' },
      'no-console': { type: 'boolean', default: false },
      'console-remote': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const text = (name: string) => values[name] as string | undefined;
const port = Number(text('port'));
if (!/^\d+$/.test(text('port') ?? '') || port > 65535) fail(`invalid --port ${text('port')}`);
if ((text('username') === undefined) !== (text('password') === undefined)) fail('give both --username and --password, or neither');
if (text('network') !== undefined && text('preset') !== undefined) fail('give --network or --preset, not both');
const preset = text('preset');
if (preset !== undefined && !(NETWORK_PRESETS as readonly string[]).includes(preset)) {
  fail(`unknown --preset ${preset} (known: ${NETWORK_PRESETS.join(', ')})`);
}
const number = (name: string): number | undefined => {
  const value = text(name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`invalid --${name} ${value}`);
  return Number(value);
};

let network: NetworkConfig;
try {
  const file = text('network');
  network = file !== undefined ? await loadNetworkFile(file) : networkPreset((preset ?? 'default') as NetworkPreset);
} catch (error) {
  if (error instanceof EformidlingError) fail(`bad network file: ${error.message}`);
  throw error;
}

const host = text('host') as string;
const username = text('username');
const password = text('password');
const lockTimeoutMs = number('lock-timeout-ms');
const deliveryDelayMs = number('delivery-delay-ms');
const statusQueue = text('status-queue');
const server = await startSimulator({
  port,
  host,
  network,
  ...(username !== undefined && password !== undefined ? { basicAuth: { username, password } } : {}),
  ...(lockTimeoutMs !== undefined ? { lockTimeoutMs } : {}),
  ...(deliveryDelayMs !== undefined ? { deliveryDelayMs } : {}),
  ...(statusQueue ? { statusQueueIncludes: statusQueue.split(',').map((s) => s.trim().toUpperCase()) as never } : {}),
  console: values['no-console'] !== true,
  consoleRemote: values['console-remote'] === true,
}).catch((error: unknown) => fail((error as Error).message));

const isLoopback = host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
const organisations = server.simulator.organisations;
const idWidth = Math.max(...organisations.map((o) => o.id.length));
const nameWidth = Math.max(20, ...organisations.map((o) => o.name.length));
const lines = [`eformidling simulator listening on ${server.url} (for development and tests only: no real transport, no real signatures)`];
if (!isLoopback) {
  lines.push(
    `WARNING: bound to ${host}, not loopback: anyone who can reach this port can read and send messages${username ? '' : ' (no --username/--password set)'}.`,
  );
}
lines.push('');
for (const org of organisations) {
  const services = [...new Set(org.accepts.map((a) => a.service))].join(', ') || '-';
  lines.push(`  ${org.id.padEnd(idWidth)}  ${org.name.padEnd(nameWidth)} ${org.baseUrl ?? '(no integration point)'}`);
  lines.push(`  ${' '.repeat(idWidth)}  accepts: ${services}`);
}
lines.push('', `The server root (${server.url}) serves ${organisations.find((o) => o.hasIntegrationPoint)?.id}.`);
if (server.consoleUrl) lines.push(`Console: ${server.consoleUrl} (open it in a browser to watch and steer the network)`);
else if (values['no-console'] !== true) lines.push('Console: off (not on a loopback address; --console-remote serves it anyway)');
lines.push('Ctrl-C stops.', '');
process.stdout.write(lines.join('\n'));

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  });
}
