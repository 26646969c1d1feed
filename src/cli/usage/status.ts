import { type Command, Option } from 'commander';
import { type Action, examples } from './shared.js';

/** `eformidling status <messageId>`: a message's status history, or `--wait` for its delivery. Its code loads only when it runs. */
export function register(program: Command, action: Action): void {
  program
    .command('status')
    .description('the status history of a message; --wait follows it until delivered, failed or expired')
    .argument('<messageId>', 'the messageId (a UUID)')
    .option('--wait', 'wait until delivered (exit 0) or failed/expired (exit 3)')
    .addOption(new Option('--until <status>', 'the status that counts as success').choices(['LEVERT', 'LEST']).default('LEVERT'))
    .option('--wait-timeout <duration>', 'give up waiting after this long (exit 1)', '1h')
    .option('--interval <duration>', 'time between polls while waiting', '5s')
    .addHelpText(
      'after',
      `
Statuses (as the IP sends them): OPPRETTET (created), SENDT (sent), MOTTATT (received by the receiver's IP),
LEVERT (delivered), LEST (read), FEIL (failed), ANNET (other), INNKOMMENDE_MOTTATT (incoming, queued),
INNKOMMENDE_LEVERT (incoming, picked up), LEVETID_UTLOPT (expired).
${examples(
  'eformidling status 5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90',
  'eformidling status 5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90 --wait --wait-timeout 30m || echo "not delivered: $?"',
)}`,
    )
    .action(
      action('status', async (ctx, args, opts) => {
        const { status } = await import('../commands/status.js');
        return status(ctx, args[0] as string, opts);
      }),
    );
}
