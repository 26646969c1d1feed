import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStateStore, JsonFileBridgeStateStore, MemoryBridgeStateStore, memoryStateStore } from 'eformidling/rabbitmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BridgeUsageError, parseBridgeConfig } from '../../src/connector/config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'efm-bridge-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('eformidling-bridge configuration', () => {
  const env = { IP_URL: 'https://ip.kommune.no:9093', AMQP_URL: 'amqp://u:p@127.0.0.1:5672/' };

  it('reads the environment, with flags taking precedence', async () => {
    const ca = join(dir, 'ca.pem');
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const config = parseBridgeConfig(['--exchange', 'efm.events', '--events', 'statuses', '--poll-interval-ms', '250'], {
      ...env,
      IP_USERNAME: 'fagsystem',
      IP_PASSWORD: 'hemmelig',
      IP_CA: ca,
      AMQP_EXCHANGE: 'ignored',
      AMQP_EXCHANGE_MODE: 'passive',
      BRIDGE_STATE_FILE: join(dir, 'state.json'),
      BRIDGE_START_FROM: 'beginning',
    });
    expect(config.client).toMatchObject({
      baseUrl: 'https://ip.kommune.no:9093',
      auth: { type: 'basic', username: 'fagsystem', password: 'hemmelig' },
      tls: { ca: expect.stringContaining('BEGIN CERTIFICATE') },
    });
    expect(config.bridge).toMatchObject({
      amqpUrl: env.AMQP_URL,
      exchange: 'efm.events',
      exchangeMode: 'passive',
      events: { statuses: true, incoming: false },
      pollIntervalMs: 250,
      startFrom: 'beginning',
      unroutable: 'skip',
    });
    expect(config.stateFile).toBe(join(dir, 'state.json'));
  });

  it('rejects missing or malformed settings with a usage error', () => {
    expect(() => parseBridgeConfig([], { AMQP_URL: env.AMQP_URL })).toThrow(/IP_URL/);
    expect(() => parseBridgeConfig([], { IP_URL: env.IP_URL })).toThrow(/AMQP_URL/);
    expect(() => parseBridgeConfig(['--amqp-url', 'http://x'], { IP_URL: env.IP_URL })).toThrow(/amqp:\/\//);
    expect(() => parseBridgeConfig([], { ...env, IP_USERNAME: 'only-user' })).toThrow(/both/);
    expect(() => parseBridgeConfig(['--exchange-mode', 'maybe'], env)).toThrow(/declare or passive/);
    expect(() => parseBridgeConfig(['--events', 'statuses,webhooks'], env)).toThrow(/webhooks/);
    expect(() => parseBridgeConfig(['--poll-interval-ms', 'soon'], env)).toThrow(/poll-interval/);
    expect(() => parseBridgeConfig(['--start-from', 'yesterday'], env)).toThrow(/start-from/);
    expect(() => parseBridgeConfig(['--ip-ca', join(dir, 'missing.pem')], env)).toThrow(/ip-ca/);
    expect(() => parseBridgeConfig(['--no-such-flag'], env)).toThrow(BridgeUsageError);
  });

  it('defaults everything optional: state file, no auth or TLS, both event kinds, contract routing keys, skip unroutable', () => {
    const config = parseBridgeConfig([], env);
    expect(config.stateFile).toBe('./eformidling-bridge.state.json');
    expect(config.client).toEqual({ baseUrl: env.IP_URL, userAgent: 'eformidling-bridge' });
    expect(config.bridge).toMatchObject({
      exchangeMode: 'declare',
      routingKeys: undefined,
      events: { statuses: true, incoming: true },
      unroutable: 'skip',
    });
    const custom = parseBridgeConfig(['--routing-key-prefix', 'uio.efm', '--unroutable', 'retry'], env);
    expect(custom.bridge).toMatchObject({ routingKeys: { prefix: 'uio.efm' }, unroutable: 'retry' });
    expect(() => parseBridgeConfig(['--unroutable', 'drop'], env)).toThrow(/skip or retry/);
  });

  it('answers --help without requiring settings', () => {
    expect(parseBridgeConfig(['--help'], {}).help).toBe(true);
  });
});

describe('bridge state stores', () => {
  it('keeps state in a file across store instances and writes it atomically', async () => {
    const file = join(dir, 'nested', 'state.json');
    const store = new JsonFileBridgeStateStore(file);
    expect(await store.load()).toBeUndefined();
    await store.save({ version: 1, incoming: ['a', 'b'] });
    expect(await new JsonFileBridgeStateStore(file).load()).toEqual({ version: 1, incoming: ['a', 'b'] });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, incoming: ['a', 'b'] });
  });

  it('refuses a file that is not a bridge state', async () => {
    const file = join(dir, 'other.json');
    await writeFile(file, '{"hello":1}');
    await expect(new JsonFileBridgeStateStore(file).load()).rejects.toThrow(/not a bridge state/);
  });

  it('keeps state in memory as a copy', async () => {
    const store = new MemoryBridgeStateStore();
    const state = { version: 1 as const, incoming: ['x'] };
    await store.save(state);
    state.incoming.push('y');
    expect(await store.load()).toEqual({ version: 1, incoming: ['x'] });
    expect(store.current).toEqual({ version: 1, incoming: ['x'] });
    const initial = { version: 1 as const, incoming: ['a'] };
    const seeded = new MemoryBridgeStateStore(initial);
    initial.incoming.push('b');
    expect(await seeded.load()).toEqual({ version: 1, incoming: ['a'] });
  });
});

describe('bridge state store failures', () => {
  it('reports unreadable state and failed writes without leaving a temporary file', async () => {
    await expect(new JsonFileBridgeStateStore(dir).load()).rejects.toMatchObject({ code: 'EISDIR' });
    const blocked = join(dir, 'state.json');
    await writeFile(join(dir, 'file'), 'x');
    await expect(new JsonFileBridgeStateStore(join(dir, 'file', 'state.json')).save({ version: 1 })).rejects.toBeDefined();
    const { mkdir, readdir } = await import('node:fs/promises');
    await mkdir(blocked); // a directory where the file should go: rename fails
    await expect(new JsonFileBridgeStateStore(blocked).save({ version: 1 })).rejects.toBeDefined();
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});

describe('amqp helpers', () => {
  it('aborts a wait without losing the late result, and bounds a close', async () => {
    const { abortable, closeWithin, describe: describeError, isFatalAmqpError } = await import('../../src/connector/amqp.js');
    const controller = new AbortController();
    let settle!: (v: number) => void;
    const pending = abortable(new Promise<number>((r) => (settle = r)), controller.signal);
    controller.abort(new Error('stopped'));
    await expect(pending).rejects.toThrow('stopped');
    settle(1);
    await expect(abortable(Promise.resolve(1), controller.signal)).rejects.toThrow('stopped');
    await expect(abortable(Promise.reject(new Error('boom')), new AbortController().signal)).rejects.toThrow('boom');
    await expect(abortable(Promise.resolve(2), new AbortController().signal)).resolves.toBe(2);
    expect(await closeWithin(new Promise(() => {}), 1)).toBe(false);
    expect(await closeWithin(Promise.reject(new Error('x')), 1000)).toBe(true);
    expect(describeError('plain')).toBe('plain');
    expect(describeError(Object.assign(new Error('no route'), { code: 'NO_ROUTE' }))).toBe('NO_ROUTE: no route');
    expect(isFatalAmqpError({ code: 'NOT_FOUND' })).toBe(true);
    expect(isFatalAmqpError(new Error('x'))).toBe(false);
  });

  it('keeps the factory names as deprecated aliases that make the same stores', async () => {
    expect(memoryStateStore({ version: 1, incoming: ['a'] })).toBeInstanceOf(MemoryBridgeStateStore);
    expect(memoryStateStore({ version: 1, incoming: ['a'] }).current).toEqual({ version: 1, incoming: ['a'] });
    const file = join(dir, 'alias', 'state.json');
    const store = fileStateStore(file);
    expect(store).toBeInstanceOf(JsonFileBridgeStateStore);
    await store.save({ version: 1, incoming: ['c'] });
    expect(await new JsonFileBridgeStateStore(file).load()).toEqual({ version: 1, incoming: ['c'] });
  });
});
