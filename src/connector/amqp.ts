import type { Connection } from 'rabbitmq-client';
import { EformidlingError } from '../errors.js';
import type { Logger } from '../transport/logger.js';

/** The `rabbitmq-client` module, loaded on first use (it is an optional peer dependency). @internal */
export type RabbitModule = Awaited<ReturnType<typeof importRabbit>>;

const importRabbit = () => import('rabbitmq-client');
let loaded: Promise<RabbitModule> | undefined;

/** Loads `rabbitmq-client`, or explains how to install it. @internal */
export function loadRabbit(): Promise<RabbitModule> {
  loaded ??= importRabbit().catch((error: unknown) => {
    loaded = undefined;
    throw new EformidlingError('eformidling/rabbitmq needs the optional peer dependency rabbitmq-client: npm install rabbitmq-client', {
      cause: error,
    });
  });
  return loaded;
}

/**
 * Reconnection settings for the AMQP connection: after a lost connection the client waits between `minDelayMs`
 * and `maxDelayMs` (growing) before each new attempt.
 * @category RabbitMQ
 */
export interface ReconnectOptions {
  /** @defaultValue 250 */
  minDelayMs?: number | undefined;
  /** @defaultValue 10 000 */
  maxDelayMs?: number | undefined;
}

/** Exchange settings shared by the bridge and consumers. @category RabbitMQ */
export interface ExchangeOptions {
  /** The topic exchange. @defaultValue `'eformidling'` */
  exchange?: string | undefined;
  /**
   * `'declare'` (default) declares a durable topic exchange (a no-op when it exists with the same settings);
   * `'passive'` only checks that an exchange provisioned by someone else exists and fails otherwise.
   */
  exchangeMode?: 'declare' | 'passive' | undefined;
}

/** AMQP error codes after which retrying cannot help. @internal */
const FATAL_CODES = new Set(['NOT_FOUND', 'PRECONDITION_FAILED', 'ACCESS_REFUSED', 'NOT_ALLOWED', 'COMMAND_INVALID']);

/** True for an AMQP error that will repeat on retry (missing exchange, wrong settings, bad credentials). @internal */
export function isFatalAmqpError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && FATAL_CODES.has(code);
}

/** True for an `amqp://` or `amqps://` URL. @internal */
export function isAmqpUrl(value: unknown): value is string {
  return typeof value === 'string' && /^amqps?:\/\//.test(value);
}

/** The declare parameters for the exchange. @internal */
export function exchangeDeclaration(options: ExchangeOptions): { exchange: string; type: 'topic'; durable: true; passive: boolean } {
  return { exchange: options.exchange ?? 'eformidling', type: 'topic', durable: true, passive: options.exchangeMode === 'passive' };
}

/** Opens a reconnecting connection whose errors go to the logger (an unheard `error` would crash the process). @internal */
export async function openConnection(
  amqpUrl: string,
  options: { reconnect?: ReconnectOptions | undefined; connectionName: string; logger: Logger },
): Promise<Connection> {
  const rabbit = await loadRabbit();
  // Callers validated amqpUrl (isAmqpUrl) before connecting.
  const connection = new rabbit.Connection({
    url: amqpUrl,
    connectionName: options.connectionName,
    retryLow: options.reconnect?.minDelayMs ?? 250,
    retryHigh: options.reconnect?.maxDelayMs ?? 10_000,
    acquireTimeout: 20_000,
  });
  connection.on('error', (error: unknown) => {
    options.logger.warn('amqp connection error', { error: describe(error) });
  });
  return connection;
}

/** A short description of an error for logs. @internal */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** Settles with the promise, or rejects with the signal's reason as soon as it is aborted. @internal */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** True when `closing` settled within `ms` (errors count as closed). @internal */
export async function closeWithin(closing: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = closing.then(
    () => true,
    () => true,
  );
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves true once the connection is up, false after `ms`, on abort, or (with `stopOnError`) on the connection's
 * first error, so a refused connection is reported at once instead of after the whole window.
 */
export function waitForConnection(connection: Connection, ms: number, signal: AbortSignal, stopOnError: boolean): Promise<boolean> {
  if (connection.ready) return Promise.resolve(true);
  return new Promise((resolve) => {
    const finish = (up: boolean) => {
      clearTimeout(timer);
      connection.off('connection', onUp);
      connection.off('error', onError);
      signal.removeEventListener('abort', onAbort);
      resolve(up);
    };
    const onUp = () => finish(true);
    const onError = () => {
      if (stopOnError) finish(false);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(connection.ready), ms);
    connection.on('connection', onUp);
    connection.on('error', onError);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
