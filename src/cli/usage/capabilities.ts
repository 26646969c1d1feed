import type { Command } from 'commander';
import { type Action, examples } from './shared.js';

/** `eformidling capabilities <receiver>`: what a receiver can take. Its code loads only when it runs. */
export function register(program: Command, action: Action): void {
  program
    .command('capabilities')
    .description('what a receiver can take: processes, services and document types (exit 1 when nothing matches)')
    .argument('<receiver>', 'organisation number (910075918 or 0192:910075918) or personal id')
    .option('--process <urn>', 'only this process')
    .option('--security-level <n>', 'security level 1-4 for the registry lookup')
    .addHelpText(
      'after',
      examples(
        'eformidling capabilities 910075918',
        'eformidling capabilities 910075918 --process urn:no:difi:profile:arkivmelding:administrasjon:ver1.0 && echo yes',
      ),
    )
    .action(
      action('capabilities', async (ctx, args, opts) => {
        const { capabilities } = await import('../commands/capabilities.js');
        return capabilities(ctx, args[0] as string, opts);
      }),
    );
}
