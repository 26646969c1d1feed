#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startSimulator } from './server.js';

/**
 * `eformidling-simulator --port 9093 [--host 127.0.0.1] [--username u --password p] [--lock-timeout-ms n]`:
 * starts the simulator over HTTP, prints its organisations and base URLs, and runs until SIGINT/SIGTERM.
 * @internal
 * @module
 */

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9093' },
    host: { type: 'string', default: '127.0.0.1' },
    username: { type: 'string' },
    password: { type: 'string' },
    'lock-timeout-ms': { type: 'string' },
    'delivery-delay-ms': { type: 'string' },
    'status-queue': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'Usage: eformidling-simulator [--port 9093] [--host 127.0.0.1] [--username u --password p]\n' +
      '                             [--lock-timeout-ms 300000] [--delivery-delay-ms 20] [--status-queue DPO,DPV,DPI]\n',
  );
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`eformidling-simulator: invalid --port ${values.port}\n`);
  process.exit(2);
}
if ((values.username === undefined) !== (values.password === undefined)) {
  process.stderr.write('eformidling-simulator: give both --username and --password, or neither\n');
  process.exit(2);
}

const server = await startSimulator({
  port,
  host: values.host,
  ...(values.username !== undefined && values.password !== undefined
    ? { basicAuth: { username: values.username, password: values.password } }
    : {}),
  ...(values['lock-timeout-ms'] ? { lockTimeoutMs: Number(values['lock-timeout-ms']) } : {}),
  ...(values['delivery-delay-ms'] ? { deliveryDelayMs: Number(values['delivery-delay-ms']) } : {}),
  ...(values['status-queue'] ? { statusQueueIncludes: values['status-queue'].split(',').map((s) => s.trim().toUpperCase()) as never } : {}),
});

const lines = [`eformidling simulator listening on ${server.url}`, ''];
for (const org of server.simulator.organisations) {
  const services = [...new Set(org.accepts.map((a) => a.service))].join(', ') || '-';
  lines.push(`  ${org.id}  ${org.name.padEnd(20)} ${org.baseUrl ?? '(no integration point)'}`);
  lines.push(`  ${' '.repeat(9)}  accepts: ${services}`);
}
lines.push(
  '',
  `The server root (${server.url}) serves ${server.simulator.organisations.find((o) => o.hasIntegrationPoint)?.id}. Ctrl-C stops.`,
  '',
);
process.stdout.write(lines.join('\n'));

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void server.close().then(() => process.exit(0));
  });
}
