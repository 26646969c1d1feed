/**
 * Where the CLI finds its IP: flags, then environment variables, then a config file. Secrets (password, API key) are
 * collected so the output layer can scrub them from anything it prints.
 * @internal
 * @module
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { IntegrasjonspunktClient, IntegrasjonspunktClientOptions } from '../client.js';
import { redactUrl } from '../internal/redact.js';
import type { AuthOption } from '../transport/auth.js';
import { parseDuration } from './duration.js';
import { CliUsageError } from './errors.js';

/** The connection flags every command takes. @internal */
export interface ConnectionFlags {
  url?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  ca?: string | undefined;
  apiKeyHeader?: string | undefined;
  apiKey?: string | undefined;
  config?: string | undefined;
  timeout?: string | undefined;
}

/** Keys of the config file (JSON). @internal */
export const CONFIG_KEYS = ['url', 'username', 'password', 'ca', 'apiKeyHeader', 'apiKey', 'timeout'] as const;
type ConfigKey = (typeof CONFIG_KEYS)[number];

const ENV: Record<ConfigKey, string> = {
  url: 'IP_URL',
  username: 'IP_USERNAME',
  password: 'IP_PASSWORD',
  ca: 'IP_CA',
  apiKeyHeader: 'IP_API_KEY_HEADER',
  apiKey: 'IP_API_KEY',
  timeout: 'IP_TIMEOUT',
};

/** The default config file, looked up in the working folder. @internal */
export const DEFAULT_CONFIG_FILE = '.eformidlingrc.json';

/** The resolved configuration. @internal */
export interface ResolvedConfig {
  /** The IP's base URL (without user info), or undefined when none was given anywhere. */
  url: string | undefined;
  /** Where the URL came from: `--url`, `IP_URL` or the config file's path. */
  urlSource: string | undefined;
  auth: AuthOption | undefined;
  headers: Record<string, string> | undefined;
  ca: string | undefined;
  timeoutMs: number | undefined;
  /** Values never to print. */
  secrets: string[];
  /** The config file read, if any. */
  configFile: string | undefined;
  /** Problems worth a warning (e.g. a readable password file). */
  warnings: string[];
}

function readConfigFile(path: string, explicit: boolean): { values: Partial<Record<ConfigKey, string>>; warnings: string[] } | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliUsageError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`the config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new CliUsageError(`the config file ${path} must hold a JSON object`);
  const values: Partial<Record<ConfigKey, string>> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new CliUsageError(`the config file ${path} has an unknown key '${key}' (known: ${CONFIG_KEYS.join(', ')})`);
    }
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new CliUsageError(`the config file ${path}: '${key}' must be a string`);
    values[key as ConfigKey] = String(value);
  }
  const warnings: string[] = [];
  if ((values.password || values.apiKey) && process.platform !== 'win32') {
    try {
      if ((statSync(path).mode & 0o077) !== 0) {
        warnings.push(`${path} holds a secret and can be read by other users; run: chmod 600 ${path}`);
      }
    } catch {
      // The file was just read; a failing stat changes nothing.
    }
  }
  return { values, warnings };
}

/**
 * Resolves the configuration: each setting from its flag, else its environment variable, else the config file
 * (`--config FILE`, `EFORMIDLING_CONFIG`, or `./.eformidlingrc.json` when it exists).
 * @throws {@link CliUsageError} for an unreadable or invalid config file or inconsistent settings.
 * @internal
 */
export function resolveConfig(flags: ConnectionFlags, env: Record<string, string | undefined>, cwd: string): ResolvedConfig {
  const explicitPath = flags.config ?? (env.EFORMIDLING_CONFIG || undefined);
  const path = explicitPath ?? DEFAULT_CONFIG_FILE;
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  const file = readConfigFile(absolute, explicitPath !== undefined);
  const fromFile = file?.values ?? {};
  const sourceOf: Partial<Record<ConfigKey, string>> = {};
  const get = (key: ConfigKey, flag: string | undefined): string | undefined => {
    if (flag !== undefined && flag !== '') {
      sourceOf[key] = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      return flag;
    }
    const fromEnv = env[ENV[key]];
    if (fromEnv !== undefined && fromEnv !== '') {
      sourceOf[key] = ENV[key];
      return fromEnv;
    }
    if (fromFile[key] !== undefined && fromFile[key] !== '') {
      sourceOf[key] = absolute;
      return fromFile[key];
    }
    return undefined;
  };

  const rawUrl = get('url', flags.url);
  let username = get('username', flags.username);
  let password = get('password', flags.password);
  const caValue = get('ca', flags.ca);
  const apiKeyHeader = get('apiKeyHeader', flags.apiKeyHeader);
  const apiKey = get('apiKey', flags.apiKey);
  const timeout = get('timeout', flags.timeout);
  const secrets: string[] = [];

  let url: string | undefined;
  if (rawUrl !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(rawUrl);
    } catch {
      throw new CliUsageError(`the IP URL from ${sourceOf.url} is not a URL (expected e.g. https://ip.kommune.no:9093)`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new CliUsageError(`the IP URL from ${sourceOf.url} must start with http:// or https://`);
    }
    if (parsed.username || parsed.password) {
      // fetch refuses URLs with credentials: move them to Basic auth (flags and environment still win).
      const urlUser = decodeURIComponent(parsed.username);
      const urlPassword = decodeURIComponent(parsed.password);
      if (urlPassword) secrets.push(urlPassword, parsed.password);
      username ??= urlUser;
      password ??= urlPassword;
      parsed.username = '';
      parsed.password = '';
    }
    url = parsed.toString();
  }

  if (password !== undefined) secrets.push(password);
  if (apiKey !== undefined) secrets.push(apiKey);
  if ((username === undefined) !== (password === undefined)) {
    throw new CliUsageError(
      username === undefined
        ? 'a password is set but no username: give --username or IP_USERNAME too'
        : 'a username is set but no password: set IP_PASSWORD (or --password, which other users can see in the process list)',
    );
  }
  if ((apiKey === undefined) !== (apiKeyHeader === undefined)) {
    throw new CliUsageError('an API key needs both IP_API_KEY_HEADER (the header name) and IP_API_KEY (the value)');
  }
  if (apiKeyHeader !== undefined && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(apiKeyHeader)) {
    throw new CliUsageError(`the API key header name '${apiKeyHeader}' is not a valid header name`);
  }

  let auth: AuthOption | undefined;
  let headers: Record<string, string> | undefined;
  if (username !== undefined && password !== undefined) {
    if (username.includes(':')) throw new CliUsageError('a Basic auth username cannot contain ":"');
    auth = { type: 'basic', username, password };
    if (apiKey !== undefined && apiKeyHeader !== undefined) headers = { [apiKeyHeader]: apiKey };
  } else if (apiKey !== undefined && apiKeyHeader !== undefined) {
    auth = { type: 'apiKey', header: apiKeyHeader, value: apiKey };
  }

  let ca: string | undefined;
  if (caValue !== undefined) {
    if (caValue.includes('-----BEGIN')) ca = caValue;
    else {
      const caPath = isAbsolute(caValue) ? caValue : resolve(cwd, caValue);
      try {
        ca = readFileSync(caPath, 'utf8');
      } catch (error) {
        throw new CliUsageError(`cannot read the CA file ${caPath} (from ${sourceOf.ca}): ${(error as Error).message}`);
      }
      if (!ca.includes('-----BEGIN')) throw new CliUsageError(`the CA file ${caPath} holds no PEM certificate`);
    }
  }

  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout, sourceOf.timeout ?? '--timeout');
  if (timeoutMs !== undefined && timeoutMs <= 0) throw new CliUsageError(`${sourceOf.timeout}: the timeout must be above 0`);

  const warnings = [...(file?.warnings ?? [])];
  // A ./.eformidlingrc.json found in the working folder (perhaps a checkout of someone else's project) that names
  // only the URL would receive the credentials from the environment: say so.
  if (url !== undefined && explicitPath === undefined && sourceOf.url === absolute) {
    const from = (['password', 'apiKey'] as const)
      .map((key) => sourceOf[key])
      .filter((source): source is string => source !== undefined && source !== absolute);
    if (from.length > 0) {
      warnings.push(
        `the IP URL ${redactUrl(url)} comes from ${absolute} in the working folder, but the credentials from ${[...new Set(from)].join(' and ')}: ` +
          'they are sent to that URL. If you did not write that file, stop here; otherwise pass --url or set IP_URL to silence this',
      );
    }
  }

  return {
    url,
    urlSource: sourceOf.url,
    auth,
    headers,
    ca,
    timeoutMs,
    secrets,
    configFile: file ? absolute : undefined,
    warnings,
  };
}

/** The message for "no IP configured". @internal */
export const MISSING_URL_MESSAGE =
  'no integrasjonspunkt configured: give --url https://ip.example:9093, set IP_URL, or put {"url": "…"} in ./.eformidlingrc.json';

/** Client options from the resolved configuration. @throws {@link CliUsageError} when no URL is configured. @internal */
export function clientOptions(config: ResolvedConfig, version: string): IntegrasjonspunktClientOptions {
  if (config.url === undefined) throw new CliUsageError(MISSING_URL_MESSAGE);
  return {
    baseUrl: config.url,
    userAgent: { name: 'eformidling-cli', version },
    ...(config.auth ? { auth: config.auth } : {}),
    ...(config.headers ? { headers: config.headers } : {}),
    ...(config.ca ? { tls: { ca: config.ca } } : {}),
    ...(config.timeoutMs ? { timeoutMs: config.timeoutMs } : {}),
  };
}

/** Creates the client (loaded on first use, so `--help` stays fast). @internal */
export async function createClient(config: ResolvedConfig, version: string): Promise<IntegrasjonspunktClient> {
  const options = clientOptions(config, version);
  const { IntegrasjonspunktClient } = await import('../client.js');
  return new IntegrasjonspunktClient(options);
}
