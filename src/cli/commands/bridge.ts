import type { CommandContext } from '../context.js';
import { CliUsageError, EXIT } from '../errors.js';

function isMissingPackage(error: unknown, name: string): boolean {
  const e = error as { code?: string; message?: string };
  return (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && String(e.message).includes(name);
}

/**
 * `eformidling bridge [bridge options]`: the RabbitMQ notification connector (`eformidling/rabbitmq`), loaded only
 * here. Takes the IP from the CLI's configuration (flags, environment, config file) and the bridge's own options
 * (`--amqp-url`, `--exchange`, `--state-file`…; see `eformidling bridge --help`). Runs until Ctrl-C / SIGTERM.
 * @internal
 */
export async function bridge(ctx: CommandContext, args: readonly string[]): Promise<number> {
  const { BRIDGE_USAGE, BridgeUsageError, parseBridgeConfig } = await import('../../connector/config.js');
  // Only the program name changes; the default state file keeps its name (./eformidling-bridge.state.json).
  const usage = BRIDGE_USAGE.replace(/eformidling-bridge(?=[:\s])/g, 'eformidling bridge').replace(
    /Usage: eformidling bridge \[options\]/,
    'Usage: eformidling bridge [options]   (the IP also comes from the global flags, IP_* variables or the config file)',
  );
  if (args.includes('--help') || args.includes('-h')) {
    ctx.io.stdout.write(usage);
    return EXIT.ok;
  }
  const config = ctx.config();
  // The bridge's parser wants an IP URL; ours (with API keys, CA text…) is used to build the client.
  const env = { ...ctx.io.env, ...(config.url ? { IP_URL: config.url } : {}) };
  let parsed: ReturnType<typeof parseBridgeConfig>;
  try {
    parsed = parseBridgeConfig(args, env);
  } catch (error) {
    if (error instanceof BridgeUsageError) throw new CliUsageError(`bridge: ${error.message}`);
    throw error;
  }
  let connector: typeof import('../../connector/index.js');
  try {
    connector = await import('../../connector/index.js');
    await import('rabbitmq-client');
  } catch (error) {
    if (isMissingPackage(error, 'rabbitmq-client')) {
      ctx.out.note('the bridge needs the optional package rabbitmq-client: npm install rabbitmq-client');
      return EXIT.failure;
    }
    throw error;
  }
  const ip = await ctx.client();
  const out = ctx.out;
  const log = (level: string, message: string, meta: Record<string, unknown> = {}) =>
    out.note(JSON.stringify({ time: new Date().toISOString(), level, message, ...meta }));
  const instance = connector.createNotificationBridge({
    ...parsed.bridge,
    ip,
    store: new connector.JsonFileBridgeStateStore(parsed.stateFile),
    signal: ctx.signal,
    logger: {
      debug: (m, meta) => parsed.verbose && log('debug', m, meta),
      info: (m, meta) => log('info', m, meta),
      warn: (m, meta) => log('warn', m, meta),
      error: (m, meta) => log('error', m, meta),
    },
  });
  instance.on('returned', (event, routingKey) => log('warn', 'unroutable (no queue bound)', { id: event.id, routingKey }));
  instance.on('cycle', (summary) => {
    if (summary.statuses + summary.incoming > 0) log('info', 'published', { ...summary });
  });
  log('info', 'started', { ip: ip.baseUrl, exchange: parsed.bridge.exchange ?? 'eformidling', stateFile: parsed.stateFile });
  try {
    await instance.done;
    log('info', 'stopped', { ...instance.stats });
    return EXIT.ok;
  } catch (error) {
    if (ctx.signal.aborted) return EXIT.ok;
    throw error;
  }
}
