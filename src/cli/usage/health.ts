import type { Command } from 'commander';
import { type Action, examples } from './shared.js';

/** `eformidling health`: the IP's health and version. Its code loads only when it runs. */
export function register(program: Command, action: Action): void {
  program
    .command('health')
    .description("the IP's health (/manage/health) and version information")
    .addHelpText('after', examples('eformidling health', 'eformidling health --json | jq .status'))
    .action(
      action('health', async (ctx) => {
        const { health } = await import('../commands/health.js');
        return health(ctx);
      }),
    );
}
