import { type Command, Option } from 'commander';
import { type Action, examples } from './shared.js';

/** `eformidling send`: send files as one message. Its code loads only when it runs. */
export function register(program: Command, action: Action): void {
  program
    .command('send')
    .description('send files as one message (arkivmelding by default); checks the receiver first')
    .argument('[files...]', 'the files; the first one is the main document')
    .requiredOption('--to <receiver>', 'the receiver: organisation number (or personal id for DPI)')
    .option('--process <urn>', 'the process URN (default: the type’s default, e.g. arkivmelding:administrasjon)')
    .addOption(new Option('--type <type>', 'the message type').choices(['arkivmelding', 'avtalt']).default('arkivmelding'))
    .option('--title <title>', 'title of the message (arkivmelding: written into the generated arkivmelding.xml)')
    .option('--from <sender>', "the sender's organisation number (default: the IP's own)")
    .option('--on-behalf-of <org>', 'send on behalf of this sub-organisation (needs --from)')
    .option('--security-level <n>', 'security level (sikkerhetsnivaa) 1-4')
    .option('--expires <when>', 'expiry: a duration from now (e.g. 48h) or an ISO date-time (default: the IP’s 24h)')
    .option('--identifier <id>', 'avtalt: the agreed message identifier')
    .option('--message-id <uuid>', 'use this messageId (default: a new UUID)')
    .option('--conversation-id <uuid>', 'use this conversationId (default: a new UUID)')
    .option('--sbd <file>', 'send this StandardBusinessDocument (JSON) as it is instead of building one')
    .addOption(new Option('--strategy <strategy>', 'how to upload').choices(['auto', 'one-step', 'multi-step']).default('auto'))
    .option('--no-check', "skip the receiver's capabilities check")
    .option('--wait', 'then wait until delivered (exit 3 when it fails or expires)')
    .addOption(
      new Option('--until <status>', 'with --wait: the status that counts as success').choices(['LEVERT', 'LEST']).default('LEVERT'),
    )
    .option('--wait-timeout <duration>', 'with --wait: give up after this long (exit 1)', '1h')
    .addHelpText(
      'after',
      `
Without an arkivmelding.xml among the files, send writes one: a journalpost titled --title with the files as
documents (the first is the main document, "Hoveddokument", the rest are "Vedlegg").
Large files go create → upload → send with a progress bar on a terminal; small ones in one request.
${examples(
  'eformidling send --to 910075918 --title "Vedtak i byggesak 2026/1234" vedtak.pdf',
  'eformidling send --to 910075918 --process urn:no:difi:profile:arkivmelding:planByggOgGeodata:ver1.0 arkivmelding.xml tegning.pdf',
  'eformidling send --to 910075918 --type avtalt --identifier my-agreed-type data.json --json',
  'eformidling send --to 910075918 --title Vedtak vedtak.pdf --wait --until LEST --wait-timeout 2h',
)}`,
    )
    .action(
      action('send', async (ctx, args, opts) => {
        const { send } = await import('../commands/send.js');
        return send(ctx, (args[0] as string[]) ?? [], opts);
      }),
    );
}
