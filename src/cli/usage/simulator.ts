import type { Command } from 'commander';
import { type Action, examples } from './shared.js';

/** `eformidling simulator`: run the network simulator over HTTP. Its code loads only when it runs. */
export function register(program: Command, action: Action): void {
  program
    .command('simulator')
    .description('run the eFormidling network simulator over HTTP (for trying things out and tests)')
    .option('--port <port>', 'port (0 picks a free one)', '9093')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--sim-username <name>', 'require HTTP Basic auth with this user')
    .option('--sim-password <secret>', 'and this password (SIMULATOR_PASSWORD)')
    .option('--lock-timeout <duration>', 'peek lock duration', '5m')
    .option('--delivery-delay <duration>', 'delay before a sent message (or a status) arrives', '20ms')
    .option('--no-console', 'do not serve the console (the browser page at /console/)')
    .option('--console-remote', 'serve the console also when --host is not a loopback address')
    .addHelpText(
      'after',
      `
Prints one base URL per simulated organisation and the console's URL (a browser page to watch and steer the
network, docs/console-api.md), and runs until Ctrl-C. With --json it prints one JSON line
({"url", "consoleUrl", "organisations": [{id, name, baseUrl}]}) first, for scripts.
${examples('eformidling simulator', 'IP_URL=http://127.0.0.1:9093/910077473 eformidling health')}`,
    )
    .action(
      action('simulator', async (ctx, _args, opts) => {
        const { simulator } = await import('../commands/simulator.js');
        return simulator(ctx, opts);
      }),
    );
}
