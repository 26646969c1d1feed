/**
 * The `eformidling` command line: the program with its global options and help, and the error → exit-code mapping.
 * Each command declares itself in src/cli/usage/<command>.ts (listed in src/cli/usage/index.ts) and its code, in
 * src/cli/commands/<command>.ts, is loaded with a dynamic import only when that command runs, so `--help` and usage
 * errors never load the client, the ASiC reader, the simulator or the RabbitMQ connector.
 * @internal
 * @module
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../version.js';
import type { CommandContext, GlobalFlags } from './context.js';
import { createContext } from './context.js';
import { CliUsageError, EXIT } from './errors.js';
import { type CliIo, Output } from './output.js';
import { reportError } from './report.js';
import { type Action, COMMANDS } from './usage/index.js';

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

  const action: Action =
    (name, run) =>
    async (...params) => {
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
      exitCode = await run(ctx, args, opts);
    };

  for (const register of COMMANDS) register(program, action);

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
