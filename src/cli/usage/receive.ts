import type { Command } from 'commander';
import { type Action, collect, examples } from './shared.js';

/** `eformidling receive`: take incoming messages to disk. Its code loads only when it runs. */
export function register(program: Command, action: Action): void {
  program
    .command('receive')
    .description('take incoming messages: each goes to <out>/<messageId>/ and is deleted on the IP only once on disk')
    .requiredOption('--out <dir>', 'folder for the messages')
    .option(
      '--filter <key=value>',
      'only messages matching (repeatable): process, serviceIdentifier, senderIdentifier, receiverIdentifier, conversationId, messageId',
      collect,
      [],
    )
    .option('--once', 'take at most one message')
    .option('--max <n>', 'take at most this many messages')
    .option('--watch', 'keep polling for new messages until Ctrl-C')
    .option('--interval <duration>', 'with --watch: pause when the queue is empty', '10s')
    .option('--all-entries', 'also extract manifest.xml, META-INF/ (signatures) and mimetype, not only the documents')
    .option('--keep-asic', 'also keep the container itself as <messageId>/asic.zip')
    .addHelpText(
      'after',
      `
Each message is written to <out>/<messageId>/: sbd.json, and the documents of its ASiC-E container in files/,
extracted safely (no path leaves the folder, no links, size and zip-bomb limits). A folder is complete when it has its final name;
then the message is deleted on the IP. A message that fails is not deleted: the IP offers it again when its lock
expires (5 minutes by default). Exit 1 when any message failed.
${examples(
  'eformidling receive --out ./inbox',
  'eformidling receive --out ./inbox --filter serviceIdentifier=DPO --filter process=urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
  'eformidling receive --out ./inbox --once --json',
  'eformidling receive --out ./inbox --watch --interval 30s',
)}`,
    )
    .action(
      action('receive', async (ctx, _args, opts) => {
        const { receive } = await import('../commands/receive.js');
        return receive(ctx, opts);
      }),
    );
}
