import type { Command } from 'commander';
import { type Action, examples } from './shared.js';

/** `eformidling inbox`: list incoming messages without taking them. Its code loads only when it runs. */
export function register(program: Command, action: Action): void {
  program
    .command('inbox')
    .description('list incoming messages waiting on the IP (nothing is locked or taken)')
    .option('--process <urn>', 'only this process')
    .option('--service <id>', 'only this service (DPO, DPE, DPF, DPV, DPI, DPH)')
    .option('--from <sender>', 'only from this sender')
    .option('--limit <n>', 'at most this many', '100')
    .addHelpText('after', examples('eformidling inbox', 'eformidling inbox --service DPO --json'))
    .action(
      action('inbox', async (ctx, _args, opts) => {
        const { inbox } = await import('../commands/inbox.js');
        return inbox(ctx, opts);
      }),
    );
}
