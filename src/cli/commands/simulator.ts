import type { CommandContext } from '../context.js';
import { parseDuration } from '../duration.js';
import { CliUsageError, EXIT } from '../errors.js';

/**
 * `eformidling simulator [--port 9093] [--host 127.0.0.1] [--no-console] [--console-remote]`: starts the simulator's
 * HTTP face (loaded only here), prints the organisations' base URLs and the console's URL, and runs until Ctrl-C /
 * SIGTERM.
 * @internal
 */
export async function simulator(ctx: CommandContext, opts: Record<string, unknown>): Promise<number> {
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliUsageError(`--port must be 0-65535, not '${String(opts.port)}'`);
  const username = opts.simUsername as string | undefined;
  const password = (opts.simPassword as string | undefined) ?? (ctx.io.env.SIMULATOR_PASSWORD || undefined);
  if ((username === undefined) !== (password === undefined)) {
    throw new CliUsageError('give both --sim-username and --sim-password (or SIMULATOR_PASSWORD), or neither');
  }
  const lockTimeoutMs = parseDuration(String(opts.lockTimeout), '--lock-timeout');
  const deliveryDelayMs = parseDuration(String(opts.deliveryDelay), '--delivery-delay');
  const { startSimulator } = await import('../../mock/index.js');
  const server = await startSimulator({
    port,
    host: String(opts.host),
    lockTimeoutMs,
    deliveryDelayMs,
    ...(username !== undefined && password !== undefined ? { basicAuth: { username, password } } : {}),
    console: opts.console !== false,
    consoleRemote: opts.consoleRemote === true,
  });
  const out = ctx.out;
  const organisations = server.simulator.organisations.map((o) => ({
    id: o.id,
    name: o.name,
    baseUrl: o.baseUrl,
    services: [...new Set(o.accepts.map((a) => a.service))],
  }));
  if (out.json) {
    // One line, so a script can read it before the server stops.
    out.line(JSON.stringify({ url: server.url, consoleUrl: server.consoleUrl ?? null, organisations }));
  } else {
    out.line(`eformidling simulator listening on ${out.paint('bold', server.url)}`);
    out.line();
    out.table(organisations, [
      { header: 'ORGANISATION', value: (o) => o.id },
      { header: 'NAME', value: (o) => o.name },
      { header: 'SERVICES', value: (o) => o.services.join(',') || '-' },
      { header: 'IP_URL', value: (o) => o.baseUrl ?? '(no integration point)', flexible: true },
    ]);
    const first = organisations.find((o) => o.baseUrl);
    out.line();
    if (server.consoleUrl) out.line(`console: ${out.paint('bold', server.consoleUrl)} (open it in a browser)`);
    else if (opts.console !== false) out.line('console: off (not on a loopback address; --console-remote serves it anyway)');
    if (first) out.line(`try: IP_URL=${first.baseUrl} eformidling health`);
    out.line('Ctrl-C stops.');
  }
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  if (!out.json) out.note('simulator stopped');
  return EXIT.ok;
}
