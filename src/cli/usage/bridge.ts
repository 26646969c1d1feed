import type { Command } from 'commander';
import type { Action } from './shared.js';

/** `eformidling bridge`: publish IP notifications to RabbitMQ. Its code loads only when it runs. */
export function register(program: Command, action: Action): void {
  program
    .command('bridge')
    .description('publish IP notifications to RabbitMQ (needs the optional package rabbitmq-client)')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument('[options...]', 'the bridge options; see eformidling bridge --help')
    .action(
      action('bridge', async (ctx, args) => {
        const { bridge } = await import('../commands/bridge.js');
        return bridge(ctx, (args[0] as string[]) ?? []);
      }),
    );
}
