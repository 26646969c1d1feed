import type { IntegrasjonspunktClient } from '../client.js';
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
        if (!flags.verbose) return ip;
        const log = (level: string) => (message: string, meta?: Record<string, unknown>) =>
          out.note(`[${level}] ${message}${meta && Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : ''}`);
        return ip.withOptions({ logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') } });
      });
      return client;
    },
    reportContext() {
      return config ? { url: config.url, urlSource: config.urlSource } : {};
    },
  };
  return ctx;
}
