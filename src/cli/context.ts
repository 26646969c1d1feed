import type { IntegrasjonspunktClient } from '../client.js';
import { isRequestLine } from '../observability/request-line.js';
import type { Logger } from '../transport/logger.js';
import { VERSION } from '../version.js';
import { type ConnectionFlags, createClient, type ResolvedConfig, resolveConfig } from './config.js';
import { type CliIo, Output } from './output.js';
import type { ReportContext } from './report.js';

/** Options every command sees (commander's `optsWithGlobals()`). @internal */
export interface GlobalFlags extends ConnectionFlags {
  json?: boolean | undefined;
  color?: boolean | undefined;
  verbose?: boolean | undefined;
}

/** What a command runs with. @internal */
export interface CommandContext {
  io: CliIo;
  out: Output;
  flags: GlobalFlags;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  /** The configuration (resolved on first use). */
  config(): ResolvedConfig;
  /** The client for the configured IP (created on first use). */
  client(): Promise<IntegrasjonspunktClient>;
  /** The configured URL and its source, once the configuration was resolved (for error reports). */
  reportContext(): ReportContext;
}

/** @internal */
export function createContext(io: CliIo, flags: GlobalFlags, signal: AbortSignal, setOutput: (out: Output) => void): CommandContext {
  let config: ResolvedConfig | undefined;
  let client: Promise<IntegrasjonspunktClient> | undefined;
  let out = new Output(io, { json: flags.json, colour: flags.color });
  setOutput(out);
  const ctx: CommandContext = {
    io,
    get out() {
      return out;
    },
    flags,
    signal,
    config() {
      if (!config) {
        config = resolveConfig(flags, io.env, io.cwd);
        out = new Output(io, { json: flags.json, colour: flags.color, secrets: config.secrets });
        setOutput(out);
        for (const warning of config.warnings) out.warn(warning);
      }
      return config;
    },
    client() {
      client ??= createClient(ctx.config(), VERSION).then((ip) => {
        return flags.verbose ? ip.withOptions({ logger: verboseLogger(() => out) }) : ip;
      });
      return client;
    },
    reportContext() {
      return config ? { url: config.url, urlSource: config.urlSource } : {};
    },
  };
  return ctx;
}

/**
 * What `--verbose` prints on stderr: the SDK's request lines as they are (`GET /api/statuses → 200 12 ms`, the same
 * format as the SDK's debug log), other messages with their level and details. The transport's "about to send" line
 * is left out: the request line follows it for every attempt, answered or not. Secrets are scrubbed by
 * {@link Output.note}.
 * @internal
 */
export function verboseLogger(out: () => Output): Logger {
  const log = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    out().note(`[${level}] ${message}${meta && Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : ''}`);
  return {
    debug(message, meta) {
      if (message.startsWith('→ ')) return;
      if (isRequestLine(message)) out().note(message);
      else log('debug')(message, meta);
    },
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
  };
}
