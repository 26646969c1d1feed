import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { IntegrasjonspunktClientOptions } from '../client.js';
import type { NotificationBridgeOptions } from './bridge.js';

/** The bin's usage text. @internal */
export const BRIDGE_USAGE = `eformidling-bridge: publish eFormidling IP notifications (statuses, arrived messages) to RabbitMQ

Usage: eformidling-bridge [options]      (every option can also be given as the environment variable shown)

  --ip-url URL                IP_URL            the integrasjonspunkt, e.g. https://ip.kommune.no:9093 (required)
  --ip-username NAME          IP_USERNAME       Basic auth user
  --ip-password SECRET        IP_PASSWORD       Basic auth password (prefer the environment)
  --ip-ca FILE                IP_CA             PEM file with the CA that signed the IP's certificate
  --amqp-url URL              AMQP_URL          the broker, amqp://user:pass@host:5672/vhost (required)
  --exchange NAME             AMQP_EXCHANGE     topic exchange (default eformidling)
  --exchange-mode MODE        AMQP_EXCHANGE_MODE  declare (default) or passive (exchange provisioned by someone else)
  --state-file FILE           BRIDGE_STATE_FILE   where the position is kept (default ./eformidling-bridge.state.json)
  --source URI                BRIDGE_SOURCE       CloudEvent source (default: the IP URL)
  --type-prefix PREFIX        BRIDGE_TYPE_PREFIX  CloudEvent type prefix (default no.eformidling)
  --routing-key-prefix P      BRIDGE_ROUTING_KEY_PREFIX  source.type part of routing keys (default eformidling.event)
  --events LIST               BRIDGE_EVENTS       statuses,incoming (default both)
  --start-from WHEN           BRIDGE_START_FROM   now (default), beginning, or an ISO date-time; only without state
  --poll-interval-ms MS       BRIDGE_POLL_INTERVAL_MS  pause between polls (default 5000)
  --unroutable MODE           BRIDGE_UNROUTABLE   skip (default) or retry when no queue is bound
  --verbose                   BRIDGE_VERBOSE=1    log every cycle
  -h, --help                  this text
`;

/** The bin's parsed settings. @internal */
export interface BridgeCliConfig {
  help: boolean;
  verbose: boolean;
  stateFile: string;
  client: IntegrasjonspunktClientOptions;
  bridge: Omit<NotificationBridgeOptions, 'ip' | 'store' | 'signal' | 'logger'>;
}

const OPTIONS = {
  'ip-url': { type: 'string', env: 'IP_URL' },
  'ip-username': { type: 'string', env: 'IP_USERNAME' },
  'ip-password': { type: 'string', env: 'IP_PASSWORD' },
  'ip-ca': { type: 'string', env: 'IP_CA' },
  'amqp-url': { type: 'string', env: 'AMQP_URL' },
  exchange: { type: 'string', env: 'AMQP_EXCHANGE' },
  'exchange-mode': { type: 'string', env: 'AMQP_EXCHANGE_MODE' },
  'state-file': { type: 'string', env: 'BRIDGE_STATE_FILE' },
  source: { type: 'string', env: 'BRIDGE_SOURCE' },
  'type-prefix': { type: 'string', env: 'BRIDGE_TYPE_PREFIX' },
  'routing-key-prefix': { type: 'string', env: 'BRIDGE_ROUTING_KEY_PREFIX' },
  events: { type: 'string', env: 'BRIDGE_EVENTS' },
  'start-from': { type: 'string', env: 'BRIDGE_START_FROM' },
  'poll-interval-ms': { type: 'string', env: 'BRIDGE_POLL_INTERVAL_MS' },
  unroutable: { type: 'string', env: 'BRIDGE_UNROUTABLE' },
  verbose: { type: 'boolean', env: 'BRIDGE_VERBOSE' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A usage error of the bin (exit code 2). @internal */
export class BridgeUsageError extends Error {}

/**
 * Reads the bin's flags, falling back to the environment. Throws {@link BridgeUsageError} with a readable message.
 * @internal
 */
export function parseBridgeConfig(argv: readonly string[], env: Record<string, string | undefined>): BridgeCliConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: Object.fromEntries(
        Object.entries(OPTIONS).map(([k, v]) => [k, { type: v.type, ...('short' in v ? { short: v.short } : {}) }]),
      ) as Record<string, { type: 'string' | 'boolean'; short?: string }>,
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new BridgeUsageError((error as Error).message);
  }
  const get = (name: keyof typeof OPTIONS): string | undefined => {
    const flag = values[name];
    if (typeof flag === 'string') return flag;
    const fromEnv = env[(OPTIONS[name] as { env: string }).env]; // every option read here has a variable
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };
  const help = values.help === true;
  const verbose = values.verbose === true || ['1', 'true', 'yes'].includes((env.BRIDGE_VERBOSE ?? '').toLowerCase());
  const ipUrl = get('ip-url');
  const amqpUrl = get('amqp-url');
  if (help) {
    return { help, verbose, stateFile: '', client: { baseUrl: ipUrl ?? 'http://localhost' }, bridge: { amqpUrl: amqpUrl ?? '' } };
  }
  if (!ipUrl) throw new BridgeUsageError('the IP URL is missing: give --ip-url or IP_URL');
  if (!amqpUrl) throw new BridgeUsageError('the broker URL is missing: give --amqp-url or AMQP_URL');
  if (!/^amqps?:\/\//.test(amqpUrl)) throw new BridgeUsageError('--amqp-url must start with amqp:// or amqps://');

  const username = get('ip-username');
  const password = get('ip-password');
  if ((username === undefined) !== (password === undefined)) {
    throw new BridgeUsageError('give both --ip-username and --ip-password (or IP_USERNAME and IP_PASSWORD), or neither');
  }
  const caFile = get('ip-ca');
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (error) {
      throw new BridgeUsageError(`cannot read --ip-ca ${caFile}: ${(error as Error).message}`);
    }
  }
  const exchangeMode = get('exchange-mode') ?? 'declare';
  if (exchangeMode !== 'declare' && exchangeMode !== 'passive') throw new BridgeUsageError('--exchange-mode must be declare or passive');
  const unroutable = get('unroutable') ?? 'skip';
  if (unroutable !== 'skip' && unroutable !== 'retry') throw new BridgeUsageError('--unroutable must be skip or retry');
  const eventList = (get('events') ?? 'statuses,incoming').split(',').map((e) => e.trim().toLowerCase());
  for (const e of eventList) if (e !== 'statuses' && e !== 'incoming') throw new BridgeUsageError(`--events: unknown event '${e}'`);
  const pollText = get('poll-interval-ms');
  const pollIntervalMs = pollText === undefined ? undefined : Number(pollText);
  if (pollIntervalMs !== undefined && (!Number.isInteger(pollIntervalMs) || pollIntervalMs < 0)) {
    throw new BridgeUsageError('--poll-interval-ms must be a whole number of milliseconds');
  }
  const startFrom = get('start-from');
  if (startFrom !== undefined && startFrom !== 'now' && startFrom !== 'beginning' && Number.isNaN(Date.parse(startFrom))) {
    throw new BridgeUsageError('--start-from must be now, beginning or an ISO-8601 date-time');
  }
  const routingKeyPrefix = get('routing-key-prefix');
  return {
    help,
    verbose,
    stateFile: get('state-file') ?? './eformidling-bridge.state.json',
    client: {
      baseUrl: ipUrl,
      userAgent: 'eformidling-bridge',
      ...(username !== undefined && password !== undefined ? { auth: { type: 'basic' as const, username, password } } : {}),
      ...(ca !== undefined ? { tls: { ca } } : {}),
    },
    bridge: {
      amqpUrl,
      exchange: get('exchange'),
      exchangeMode,
      source: get('source'),
      typePrefix: get('type-prefix'),
      routingKeys: routingKeyPrefix === undefined ? undefined : { prefix: routingKeyPrefix },
      events: { statuses: eventList.includes('statuses'), incoming: eventList.includes('incoming') },
      startFrom,
      pollIntervalMs,
      unroutable,
    },
  };
}
