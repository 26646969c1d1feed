/**
 * A logging hook. The SDK is silent by default; pass `console` or your logger to see requests and retries.
 * The SDK never passes credentials to it.
 * @category Client
 */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

const noop = () => {};
/** A logger that drops everything. @internal */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };
