import type { Command } from 'commander';
import { type Action, examples } from './shared.js';

/** `eformidling statuses`: search statuses. Its code loads only when it runs. */
export function register(program: Command, action: Action): void {
  program
    .command('statuses')
    .description('search statuses (both directions) as a table, newest last')
    .option('--status <list>', 'only these statuses, comma-separated (e.g. FEIL,LEVETID_UTLOPT)')
    .option('--since <when>', 'only statuses after this: a duration back (24h, 7d) or an ISO date-time')
    .option('--message <messageId>', 'only this message')
    .option('--limit <n>', 'at most this many (the newest)', '100')
    .addHelpText(
      'after',
      examples(
        'eformidling statuses --status FEIL,LEVETID_UTLOPT --since 24h',
        'eformidling statuses --message 5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90',
        'eformidling statuses --since 2026-08-20 --json | jq -r ".[].messageId"',
      ),
    )
    .action(
      action('statuses', async (ctx, _args, opts) => {
        const { statuses } = await import('../commands/statuses.js');
        return statuses(ctx, opts);
      }),
    );
}
