import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { consoleServed, isLoopback, SimulatorConsole } from './console/index.js';
import type { SimulatorOptions } from './model/index.js';
import type { NetworkConfig } from './network.js';
import { defaultNetwork } from './network.js';
import { Simulator } from './simulator.js';

/**
 * The HTTP face: a real `node:http(s)` server on loopback serving the same model as the msw handlers, and the
 * simulator console at `/console/` (`console/`, docs/console-api.md). Bodies are streamed both ways (a 1 GiB
 * upload goes to a temp file as it arrives; a pop streams the zip).
 * @module
 */

/** Options for {@link startSimulator}. @category Simulator */
export interface StartSimulatorOptions extends SimulatorOptions {
  /** Port; 0 picks a free one. @defaultValue 0 */
  port?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
  /** @defaultValue {@link defaultNetwork} */
  network?: NetworkConfig;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * Serve the simulator console (a browser page at `/console/` and its JSON API, docs/console-api.md) on this
   * server. It is served only when the server is bound to loopback, unless `consoleRemote` is set; when the
   * simulator requires Basic auth, so does the console.
   * @defaultValue true
   */
  console?: boolean;
  /** Serve the console also when bound to an address other than loopback. @defaultValue false */
  consoleRemote?: boolean;
  /** The folder of the console page's static files. @defaultValue the built page shipped with the package */
  consoleDir?: string | URL;
}

/** A running simulator server. @category Simulator */
export interface SimulatorServer {
  /** The model behind the server (clock, faults, deliverAll, …). */
  readonly simulator: Simulator;
  /** `http(s)://host:port` of the server. */
  readonly url: string;
  /** The console page (`<url>/console/`), or undefined when the console is off or not served on this address. */
  readonly consoleUrl: string | undefined;
  readonly port: number;
  /**
   * Base URL of an organisation's IP: `http://127.0.0.1:<port>/<orgnr>`. The server root (no prefix) serves the
   * first organisation of the network.
   */
  baseUrl(orgnr: string): string;
  /** Stops the server (open connections are closed) and the simulator. */
  close(): Promise<void>;
}

/**
 * Starts the simulator as an HTTP server on loopback. Delivery runs in the background (`autoDeliver` on) and the
 * clock follows real time, unless the options say otherwise.
 * @example
 * ```ts
 * const server = await startSimulator({ port: 0 });
 * const ip = new IntegrasjonspunktClient({ baseUrl: server.baseUrl('910077473') });
 * console.log(`watch it at ${server.consoleUrl}`); // the console: a browser page on the same port
 * // …
 * await server.close();
 * ```
 * @category Simulator
 */
export async function startSimulator(options: StartSimulatorOptions = {}): Promise<SimulatorServer> {
  const {
    port = 0,
    host = '127.0.0.1',
    network = defaultNetwork(),
    tls,
    console: withConsole = true,
    consoleRemote = false,
    consoleDir,
    ...rest
  } = options;
  let origin = '';
  const simulator = new Simulator(
    network,
    { autoDeliver: true, ...rest, clock: rest.clock ?? { mode: 'real' } },
    (orgnr) => `${origin}/${orgnr}`,
  );
  const sockets = new Set<Socket>();
  let simulatorConsole: SimulatorConsole | undefined;
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    void serve(simulator, simulatorConsole, origin, req, res);
  };
  const server: Server = tls ? createHttpsServer({ key: tls.key, cert: tls.cert }, listener) : createHttpServer(listener);
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  origin = `${tls ? 'https' : 'http'}://${hostPart}:${address.port}`;
  if (consoleServed(address.address, { console: withConsole, consoleRemote })) {
    simulatorConsole = new SimulatorConsole(simulator, { loopbackBound: isLoopback(address.address), dir: consoleDir });
  }
  let closed: Promise<void> | undefined;
  return {
    simulator,
    url: origin,
    consoleUrl: simulatorConsole ? `${origin}/console/` : undefined,
    port: address.port,
    baseUrl: (orgnr) => simulator.baseUrl(orgnr),
    close() {
      closed ??= (async () => {
        simulatorConsole?.close();
        const done = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        for (const socket of sockets) socket.destroy();
        await done;
        await simulator.close();
      })();
      return closed;
    },
  };
}

async function serve(
  simulator: Simulator,
  simulatorConsole: SimulatorConsole | undefined,
  origin: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const method = req.method as string; // always set on a server's request
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(`${origin}${req.url as string}`, {
      method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
      duplex: 'half',
    } as RequestInit);
    const forConsole = simulatorConsole !== undefined && SimulatorConsole.owns(new URL(request.url).pathname);
    const response = forConsole ? await simulatorConsole.handle(request) : await simulator.handle(request);
    if (response.type === 'error') {
      req.socket.destroy();
      return;
    }
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      out[name] = value;
    });
    // An answer before the whole request body was read (an early error): close the connection after it.
    if (hasBody && !req.complete) out.connection = 'close';
    res.writeHead(response.status, out);
    if (!response.body || method === 'HEAD') {
      res.end();
      return;
    }
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), res);
  } catch {
    if (!res.headersSent) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{ "status" : 500, "error" : "Internal Server Error" }');
    } else {
      res.destroy();
    }
  }
}
