/**
 * "Connect to IP_URL, or start a simulator": the one piece of set-up every example shares.
 *
 * Without `IP_URL` the examples start the SDK's simulator on a free loopback port (a small eFormidling network in
 * memory: Testdepartementet 910077473 sends, Eksempel kommune 910075918 receives) and play both organisations.
 *
 * With `IP_URL` they talk to that integrasjonspunkt:
 *   IP_URL        e.g. https://localhost:9093
 *   IP_USERNAME   HTTP Basic user, with IP_PASSWORD (the IP v4 default)
 *   IP_CA         path of a PEM file with the CA that signed the IP's certificate
 *   IP_RECEIVER   the organisation number the examples send to (needed by the examples that send)
 *   IP_ORGNR      your own organisation number (optional: the IP fills in the sender)
 * Against a real IP one client plays both parts; send to your own organisation (IP_RECEIVER = IP_ORGNR) to see the
 * receiving half work too, otherwise the partner's system does the receiving.
 */
import { readFileSync } from 'node:fs';
import { IntegrasjonspunktClient, type IntegrasjonspunktClientOptions, type ReceiveLoop } from 'eformidling';
import { DEPARTEMENT, KOMMUNE, type SimulatorServer, type StartSimulatorOptions, startSimulator } from 'eformidling/mock';

/** Options every example's `main()` accepts. */
export interface ConnectOptions {
  /** Where IP_URL and friends are read from. @defaultValue `process.env` (tests pass `{}` to force the simulator) */
  env?: Record<string, string | undefined>;
  /** Settings for the simulator (ignored against a real IP). */
  simulator?: Omit<StartSimulatorOptions, 'port' | 'host'>;
  /** More options for every client, e.g. a `logger`. */
  client?: Omit<IntegrasjonspunktClientOptions, 'baseUrl'>;
}

/** Both sides of an exchange, on the simulator or on a real IP. */
export interface Connection {
  /** True when the examples run against the embedded simulator. */
  readonly simulated: boolean;
  /** The sending organisation's IP (the case-handling system's side). */
  readonly sender: IntegrasjonspunktClient;
  /** The receiving organisation's IP (the archive's side). Against a real IP: the same client as `sender`. */
  readonly receiver: IntegrasjonspunktClient;
  /** The sending organisation, when known (the IP fills it in otherwise). */
  readonly senderOrg: string | undefined;
  /** The organisation messages are sent to. */
  readonly receiverOrg: string | undefined;
  /** Polling interval that suits the IP: short on the simulator (it delivers in milliseconds), 5 s on a real one. */
  readonly pollIntervalMs: number;
  /** The running simulator (simulator mode only): its model, clock and the other organisations' base URLs. */
  readonly server: SimulatorServer | undefined;
  /** The receiving organisation, or a clear error when it is not configured. */
  requireReceiver(): string;
  /** A client for another organisation of the simulated network (simulator mode only), e.g. eInnsyn. */
  clientFor(orgnr: string): IntegrasjonspunktClient;
  /** Stops the simulator (if one was started). */
  close(): Promise<void>;
}

const USER_AGENT = { name: 'eformidling-examples', version: '1.0' };

/**
 * Connects to the IP in `IP_URL`, or starts the simulator when it is not set.
 * @example
 * ```ts
 * const conn = await connect();
 * try {
 *   await conn.sender.sendTo(conn.requireReceiver(), sbd, files);
 * } finally {
 *   await conn.close();
 * }
 * ```
 */
export async function connect(options: ConnectOptions = {}): Promise<Connection> {
  const env = options.env ?? process.env;
  const url = env.IP_URL?.trim();
  if (url) return connectReal(url, env, options.client);

  const server = await startSimulator({ ...options.simulator, port: 0, host: '127.0.0.1' });
  const clientFor = (orgnr: string) =>
    new IntegrasjonspunktClient({ baseUrl: server.baseUrl(orgnr), userAgent: USER_AGENT, ...options.client });
  return {
    simulated: true,
    sender: clientFor(DEPARTEMENT),
    receiver: clientFor(KOMMUNE),
    senderOrg: DEPARTEMENT,
    receiverOrg: KOMMUNE,
    pollIntervalMs: 100,
    server,
    requireReceiver: () => KOMMUNE,
    clientFor,
    close: () => server.close(),
  };
}

function connectReal(url: string, env: Record<string, string | undefined>, extra: ConnectOptions['client']): Connection {
  const clientOptions: IntegrasjonspunktClientOptions = { baseUrl: url, userAgent: USER_AGENT, ...extra };
  if (env.IP_USERNAME || env.IP_PASSWORD) {
    if (!env.IP_USERNAME || !env.IP_PASSWORD) throw new Error('set both IP_USERNAME and IP_PASSWORD (HTTP Basic), or neither');
    clientOptions.auth = { type: 'basic', username: env.IP_USERNAME, password: env.IP_PASSWORD };
  }
  if (env.IP_CA) clientOptions.tls = { ca: readFileSync(env.IP_CA, 'utf8') };
  const ip = new IntegrasjonspunktClient(clientOptions);
  const receiverOrg = env.IP_RECEIVER?.trim() || undefined;
  return {
    simulated: false,
    sender: ip,
    receiver: ip,
    senderOrg: env.IP_ORGNR?.trim() || undefined,
    receiverOrg,
    pollIntervalMs: 5_000,
    server: undefined,
    requireReceiver() {
      if (!receiverOrg) throw new Error('set IP_RECEIVER to the organisation number to send to (your own, IP_ORGNR, to loop back)');
      return receiverOrg;
    },
    clientFor() {
      throw new Error('clientFor() needs the simulator: other organisations are not reachable through IP_URL');
    },
    close: async () => {},
  };
}

/**
 * Simulator only: the receiving organisation's system, reduced to "take every message" (a receive loop that stores
 * nothing), so the sender's statuses move on to LEVERT. Against a real IP the real receiver does this: returns
 * `undefined`. Stop it with `await loop.stop()`.
 */
export function simulateReceiver(conn: Connection): ReceiveLoop | undefined {
  if (!conn.simulated) return undefined;
  return conn.receiver.receive(() => {}, { pollIntervalMs: 50, maxPollIntervalMs: 200 });
}
