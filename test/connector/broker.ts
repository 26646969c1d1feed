/**
 * A private RabbitMQ broker for the connector tests (Debian's `rabbitmq-server`).
 *
 * Everything is local to one temporary directory and free ports on 127.0.0.1: its own node name, data (mnesia) and
 * log directories, config file, enabled-plugins file (none: no management plugin), Erlang cookie (HOME), its own epmd
 * on a private port bound to loopback (started by us as a child so we can stop it), and the distribution port on
 * loopback. It never touches a system broker (default ports 5672/25672/4369, node `rabbit@host`).
 *
 * Use from tests: `const broker = await startBroker(); ... await broker.restart(); ... await broker.close();`
 * By hand: `node_modules/.bin/node test/connector/broker.ts` prints the AMQP URL and runs until Ctrl-C.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs the unwrapped server script (the /usr/sbin wrapper would switch to the rabbitmq user). */
const SERVER_SCRIPT_CANDIDATES = ['/usr/lib/rabbitmq/bin/rabbitmq-server'];

export interface BrokerOptions {
  /** How long to wait for the broker to accept AMQP connections. @defaultValue 120 000 (2-core CI machines) */
  startTimeoutMs?: number;
  /** How long to wait for a graceful stop before killing it. @defaultValue 30 000 */
  stopTimeoutMs?: number;
}

export interface TestBroker {
  /** `amqp://guest:guest@127.0.0.1:<port>/` */
  readonly url: string;
  readonly port: number;
  readonly nodeName: string;
  readonly dir: string;
  /** True while the broker process runs. */
  readonly running: boolean;
  /** Stops the broker (data kept), e.g. to simulate an outage. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory and waits until it accepts AMQP. */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops the broker and its epmd and removes the directory. Safe to call twice. */
  close(): Promise<void>;
}

/** Finds the server script, or throws an error saying how to install it. */
export function findRabbitmqServer(): string {
  const found = SERVER_SCRIPT_CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      'rabbitmq-server is not installed (looked for /usr/lib/rabbitmq/bin/rabbitmq-server). ' +
        'The connector tests need a real broker: run `apt-get update && apt-get install -y rabbitmq-server` (Debian).',
    );
  }
  return found;
}

function findEpmd(): string {
  for (const p of ['/usr/bin/epmd', '/usr/lib/erlang/bin/epmd']) if (existsSync(p)) return p;
  try {
    return execFileSync('sh', ['-c', 'ls /usr/lib/erlang/erts-*/bin/epmd | head -n1'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('epmd (Erlang) not found; install rabbitmq-server with apt-get, which brings erlang-base');
  }
}

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves true when something on 127.0.0.1:port answers the AMQP 0-9-1 header with a Connection.Start frame. */
export function probeAmqp(port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
    socket.once('data', (chunk: Buffer) => finish(chunk[0] === 1)); // frame type 1 = method (connection.start)
    socket.connect(port, '127.0.0.1', () => socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1')));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Kills a child's whole process group (the broker script, erl and beam), by its id. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

const live = new Set<TestBroker>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort if a test process dies without close(): never leave a broker behind.
  process.once('exit', () => {
    for (const broker of live) (broker as unknown as { killNow(): void }).killNow();
  });
}

/** Starts a private broker and waits until it accepts AMQP connections. */
export async function startBroker(options: BrokerOptions = {}): Promise<TestBroker> {
  const serverScript = findRabbitmqServer();
  const epmdBin = findEpmd();
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  const dir = await mkdtemp(join(tmpdir(), 'efm-rabbit-'));
  const [port, distPort, epmdPort] = [await freePort(), await freePort(), await freePort()];
  const nodeName = `efm_test_${port}@localhost`;
  const logs = join(dir, 'log');
  await mkdir(join(dir, 'mnesia'), { recursive: true });
  await mkdir(logs, { recursive: true });
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  await writeFile(join(dir, 'rabbitmq-env.conf'), '');
  await writeFile(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.1 = 127.0.0.1:${port}`,
      'loopback_users.guest = true',
      'log.console = false',
      'log.file.level = info',
      // A test machine's disk may be fuller than the default alarm expects; 50 MB keeps publishing possible.
      'disk_free_limit.absolute = 50MB',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: dir, // the Erlang cookie is created here, never in the real home
    RABBITMQ_NODENAME: nodeName,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: logs,
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'rabbit.pid'),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };

  const epmd = spawn(epmdBin, ['-port', String(epmdPort), '-address', '127.0.0.1'], { env, stdio: 'ignore', detached: true });
  let server: ChildProcess | undefined;
  let output = '';
  let closed = false;

  const logTail = async () => {
    let file = '';
    try {
      file = await readFile(join(logs, `${nodeName}.log`), 'utf8');
    } catch {
      // no log yet
    }
    return `${output}\n${file}`.trim().split('\n').slice(-25).join('\n');
  };

  const start = async () => {
    if (server && server.exitCode === null && server.signalCode === null) return;
    output = '';
    const child = spawn(serverScript, [], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    server = child;
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const deadline = Date.now() + startTimeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`rabbitmq-server exited during start-up (code ${child.exitCode}):\n${await logTail()}`);
      }
      if (await probeAmqp(port)) return;
      await sleep(250);
    }
    killGroup(child, 'SIGKILL');
    throw new Error(`rabbitmq-server did not accept AMQP on 127.0.0.1:${port} within ${startTimeoutMs} ms:\n${await logTail()}`);
  };

  const stop = async () => {
    const child = server;
    if (!child) return;
    killGroup(child, 'SIGTERM');
    if (!(await waitForExit(child, stopTimeoutMs))) {
      killGroup(child, 'SIGKILL');
      await waitForExit(child, 5_000);
    }
    // The Erlang VM may outlive the wrapper script by a moment; wait until the port is really closed.
    for (let i = 0; i < 100 && (await probeAmqp(port, 500)); i++) await sleep(100);
  };

  const broker: TestBroker & { killNow(): void } = {
    url: `amqp://guest:guest@127.0.0.1:${port}/`,
    port,
    nodeName,
    dir,
    get running() {
      return server !== undefined && server.exitCode === null && server.signalCode === null;
    },
    start,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async close() {
      if (closed) return;
      closed = true;
      live.delete(broker);
      await stop();
      killGroup(epmd, 'SIGTERM');
      await waitForExit(epmd, 5_000);
      await rm(dir, { recursive: true, force: true });
    },
    killNow() {
      if (server) killGroup(server, 'SIGKILL');
      killGroup(epmd, 'SIGKILL');
    },
  };
  live.add(broker);
  installExitHook();
  try {
    await start();
  } catch (error) {
    await broker.close();
    throw error;
  }
  return broker;
}

// By hand: `node_modules/.bin/node test/connector/broker.ts` runs a private broker until Ctrl-C.
if (import.meta.url === `file://${process.argv[1]}`) {
  const broker = await startBroker();
  console.log(`RabbitMQ ${broker.nodeName} ready: AMQP_URL=${broker.url} (data in ${broker.dir}); Ctrl-C to stop`);
  const shutdown = async () => {
    await broker.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
