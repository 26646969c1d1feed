#!/usr/bin/env node
/**
 * `eformidling-bridge`: runs {@link createNotificationBridge} from flags or environment variables until SIGINT/SIGTERM.
 * Logs one JSON line per event to stderr. Exit codes: 0 stopped, 1 fatal error, 2 usage error.
 * @module
 */
import { IntegrasjonspunktClient } from '../client.js';
import type { Logger } from '../transport/logger.js';
import { createNotificationBridge } from './bridge.js';
import { BRIDGE_USAGE, BridgeUsageError, parseBridgeConfig } from './config.js';
import { JsonFileBridgeStateStore } from './store.js';

function jsonLogger(verbose: boolean): Logger {
  const write = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...meta })}\n`);
  };
  const noop = () => {};
  return { debug: verbose ? write('debug') : noop, info: write('info'), warn: write('warn'), error: write('error') };
}

async function main(): Promise<number> {
  let config: ReturnType<typeof parseBridgeConfig>;
  try {
    config = parseBridgeConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof BridgeUsageError) {
      process.stderr.write(`eformidling-bridge: ${error.message}\n\n${BRIDGE_USAGE}`);
      return 2;
    }
    throw error;
  }
  if (config.help) {
    process.stdout.write(BRIDGE_USAGE);
    return 0;
  }
  const logger = jsonLogger(config.verbose);
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info('stopping', { signal });
      controller.abort();
    });
  }
  const ip = new IntegrasjonspunktClient({ ...config.client, logger: config.verbose ? logger : undefined });
  const bridge = createNotificationBridge({
    ...config.bridge,
    ip,
    store: new JsonFileBridgeStateStore(config.stateFile),
    signal: controller.signal,
    logger,
  });
  bridge.on('published', (event, routingKey) => {
    if (config.verbose) logger.debug('published', { id: event.id, routingKey });
  });
  bridge.on('returned', (event, routingKey) => logger.warn('unroutable (no queue bound)', { id: event.id, routingKey }));
  bridge.on('cycle', (summary) => {
    if (summary.statuses + summary.incoming > 0) logger.info('published', summary);
  });
  logger.info('started', { ip: ip.baseUrl, exchange: config.bridge.exchange ?? 'eformidling', stateFile: config.stateFile });
  try {
    await bridge.done;
    logger.info('stopped', { ...bridge.stats });
    return 0;
  } catch (error) {
    logger.error('fatal', { error: error instanceof Error ? error.message : String(error) });
    return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`eformidling-bridge: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
