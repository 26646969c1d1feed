/**
 * The `eformidling` command line: argument parsing (commander), help with examples, and the error → exit-code
 * mapping. Every command's code is loaded with a dynamic import only when that command runs, so `--help` and usage
 * errors never load the client, the ASiC reader, the simulator or the RabbitMQ connector.
 * @internal
 * @module
 */
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.js';
import type { CommandContext, GlobalFlags } from './context.js';
import { createContext } from './context.js';
import { CliUsageError, EXIT } from './errors.js';
import { type CliIo, Output } from './output.js';
import { reportError } from './report.js';

const ROOT_HELP = `
Configuration (first found wins): flags, then environment variables, then a JSON config file
(--config FILE, EFORMIDLING_CONFIG, or ./.eformidlingrc.json) with the keys
url, username, password, ca, apiKeyHeader, apiKey, timeout.

  IP_URL              the integrasjonspunkt, e.g. https://ip.kommune.no:9093
  IP_USERNAME         HTTP Basic user
  IP_PASSWORD         HTTP Basic password (prefer this to --password: flags show in the process list)
  IP_CA               PEM file (or PEM text) of the CA that signed the IP's certificate
  IP_API_KEY_HEADER   header name for an API gateway key, e.g. X-Gravitee-Api-Key
  IP_API_KEY          the key
  IP_TIMEOUT          per-request timeout, e.g. 30s
  NO_COLOR            no colours (colours are only used on a terminal anyway)

Secrets are never printed: not in output, errors, --json or --help.

Exit codes:
  0  success
  1  failure (the IP answered an error, could not be reached, a file could not be written, nothing found)
  2  usage error or missing/invalid configuration (nothing was sent)
  3  status --wait / send --wait: the message failed (FEIL) or expired (LEVETID_UTLOPT)

Examples:
  $ export IP_URL=https://localhost:9093 IP_USERNAME=fagsystem IP_PASSWORD=…
  $ eformidling health
  $ eformidling capabilities 910075918 --process urn:no:difi:profile:arkivmelding:administrasjon:ver1.0
  $ eformidling send --to 910075918 --title "Vedtak i byggesak" vedtak.pdf vedlegg.pdf --wait
  $ eformidling statuses --status FEIL,LEVETID_UTLOPT --since 24h
  $ eformidling receive --out ./inbox
  $ eformidling simulator --port 9093`;

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}`;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Runs the CLI; resolves with the exit code (never calls `process.exit`). @internal */
export async function main(argv: readonly string[], io: CliIo, signal: AbortSignal = new AbortController().signal): Promise<number> {
  let out = new Output(io, { json: argv.includes('--json'), colour: argv.includes('--no-color') ? false : undefined });
  let exitCode: number = EXIT.ok;
  let current = '';
  let verbose = argv.includes('--verbose');
  let context: CommandContext | undefined;

  const program = new Command('eformidling');
  program
    .description('Operate an eFormidling integrasjonspunkt (IP) from the command line.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .exitOverride()
    .showSuggestionAfterError()
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`${out.paint('red', 'error:', true)} ${text.replace(/^error: /, '')}`),
    })
    .optionsGroup('Connection:')
    .option('--url <url>', 'the IP base URL (IP_URL)')
    .option('--username <name>', 'HTTP Basic user (IP_USERNAME)')
    .option('--password <secret>', 'HTTP Basic password (IP_PASSWORD; prefer the environment)')
    .option('--ca <file>', "PEM file of the CA that signed the IP's certificate (IP_CA)")
    .option('--api-key-header <name>', 'API gateway key header (IP_API_KEY_HEADER)')
    .option('--api-key <secret>', 'API gateway key (IP_API_KEY; prefer the environment)')
    .option('--config <file>', 'JSON config file (default ./.eformidlingrc.json when present)')
    .option('--timeout <duration>', 'per-request timeout, e.g. 30s or 2m (IP_TIMEOUT; default 30s)')
    .optionsGroup('Output:')
    .option('--json', 'machine-readable JSON on stdout (errors as JSON on stderr)')
    .option('--no-color', 'no colours (also NO_COLOR=1)')
    .option('--verbose', 'log requests and show stack traces on stderr')
    .addHelpText('after', ROOT_HELP);

  const action =
    (name: string, load: (ctx: CommandContext, args: unknown[], opts: Record<string, unknown>) => Promise<number>) =>
    async (...params: unknown[]) => {
      const command = params[params.length - 1] as Command;
      const opts = params[params.length - 2] as Record<string, unknown>;
      const args = params.slice(0, -2);
      current = name;
      const flags = command.optsWithGlobals() as GlobalFlags & Record<string, unknown>;
      verbose = flags.verbose === true;
      const ctx = createContext(io, flags, signal, (o) => {
        out = o;
      });
      context = ctx;
      exitCode = await load(ctx, args, opts);
    };

  program
    .command('health')
    .description("the IP's health (/manage/health) and version information")
    .addHelpText('after', examples('eformidling health', 'eformidling health --json | jq .status'))
    .action(
      action('health', async (ctx) => {
        const { health } = await import('./commands/health.js');
        return health(ctx);
      }),
    );

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
        const { capabilities } = await import('./commands/capabilities.js');
        return capabilities(ctx, args[0] as string, opts);
      }),
    );

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
        const { send } = await import('./commands/send.js');
        return send(ctx, (args[0] as string[]) ?? [], opts);
      }),
    );

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
        const { status } = await import('./commands/status.js');
        return status(ctx, args[0] as string, opts);
      }),
    );

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
        const { statuses } = await import('./commands/statuses.js');
        return statuses(ctx, opts);
      }),
    );

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
        const { inbox } = await import('./commands/inbox.js');
        return inbox(ctx, opts);
      }),
    );

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
        const { receive } = await import('./commands/receive.js');
        return receive(ctx, opts);
      }),
    );

  const subscriptions = program
    .command('subscriptions')
    .description('webhook subscriptions: list, add, remove')
    .addHelpText(
      'after',
      examples('eformidling subscriptions list', 'eformidling subscriptions add --name sak --endpoint https://sak.example/hooks'),
    );
  subscriptions
    .command('list')
    .description('list the subscriptions')
    .addHelpText('after', examples('eformidling subscriptions list --json'))
    .action(
      action('subscriptions list', async (ctx) => {
        const { listSubscriptions } = await import('./commands/subscriptions.js');
        return listSubscriptions(ctx);
      }),
    );
  subscriptions
    .command('add')
    .description('create a subscription (the IP pings the endpoint first)')
    .requiredOption('--name <name>', 'a label')
    .requiredOption('--endpoint <url>', 'where the IP POSTs events')
    .addOption(new Option('--resource <resource>', 'which resource').choices(['all', 'messages']).default('messages'))
    .addOption(new Option('--event <event>', 'which event').choices(['all', 'status']).default('status'))
    .option('--filter <filter>', 'e.g. status=FEIL,LEVETID_UTLOPT&direction=OUTGOING')
    .option('--ensure', 'create it, or bring an existing one with the same name and endpoint up to date')
    .addHelpText(
      'after',
      examples(
        'eformidling subscriptions add --name sak-feil --endpoint https://sak.example/hooks --filter "status=FEIL,LEVETID_UTLOPT&direction=OUTGOING"',
        'eformidling subscriptions add --name sak --endpoint https://sak.example/hooks --ensure',
      ),
    )
    .action(
      action('subscriptions add', async (ctx, _args, opts) => {
        const { addSubscription } = await import('./commands/subscriptions.js');
        return addSubscription(ctx, opts);
      }),
    );
  subscriptions
    .command('remove')
    .description('delete subscriptions by id (or all with --all)')
    .argument('[ids...]', 'subscription ids')
    .option('--all', 'delete every subscription')
    .addHelpText('after', examples('eformidling subscriptions remove 57', 'eformidling subscriptions remove --all'))
    .action(
      action('subscriptions remove', async (ctx, args, opts) => {
        const { removeSubscriptions } = await import('./commands/subscriptions.js');
        return removeSubscriptions(ctx, (args[0] as string[]) ?? [], opts);
      }),
    );

  program
    .command('simulator')
    .description('run the eFormidling network simulator over HTTP (for trying things out and tests)')
    .option('--port <port>', 'port (0 picks a free one)', '9093')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--sim-username <name>', 'require HTTP Basic auth with this user')
    .option('--sim-password <secret>', 'and this password (SIMULATOR_PASSWORD)')
    .option('--lock-timeout <duration>', 'peek lock duration', '5m')
    .option('--delivery-delay <duration>', 'delay before a sent message (or a status) arrives', '20ms')
    .addHelpText(
      'after',
      `
Prints one base URL per simulated organisation and runs until Ctrl-C. With --json it prints one JSON line
({"url", "organisations": [{id, name, baseUrl}]}) first, for scripts.
${examples('eformidling simulator', 'IP_URL=http://127.0.0.1:9093/910077473 eformidling health')}`,
    )
    .action(
      action('simulator', async (ctx, _args, opts) => {
        const { simulator } = await import('./commands/simulator.js');
        return simulator(ctx, opts);
      }),
    );

  program
    .command('bridge')
    .description('publish IP notifications to RabbitMQ (needs the optional package rabbitmq-client)')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument('[options...]', 'the bridge options; see eformidling bridge --help')
    .action(
      action('bridge', async (ctx, args) => {
        const { bridge } = await import('./commands/bridge.js');
        return bridge(ctx, (args[0] as string[]) ?? []);
      }),
    );

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return EXIT.ok; // --help, help <command>, --version
      // Commander has printed the problem (unknown option, missing argument, bad choice…) already.
      return EXIT.usage;
    }
    return reportError(error, out, current, verbose, context?.reportContext());
  }
}

export { CliUsageError };
