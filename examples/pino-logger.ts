/**
 * Logging to pino: the SDK's `logger` option as a ready adapter, with the OpenTelemetry trace and span ids on each line.
 *
 *   npm run example -- pino-logger                   # against the embedded simulator
 *   IP_URL=https://localhost:9093 IP_RECEIVER=910075918 npm run example -- pino-logger
 *
 * (see examples/support/connect.ts for IP_USERNAME, IP_PASSWORD, IP_CA.)
 *
 * The SDK logs through a four-method `logger` option (`debug`, `info`, `warn`, `error`; silent by default, never a
 * credential): a request line per attempt at debug (`POST /api/messages/out/multipart → 200 14 ms`), retries at warn.
 * `pinoLogger()` below maps it onto pino and adds `trace_id` and `span_id` from the active OpenTelemetry span, so a
 * log line logged inside `eformidling.send` or inside your receive handler finds its trace in Jaeger, Tempo or
 * Elastic, and the trace finds its lines. Copy the two functions into your code. (For your own pino lines, pino's
 * `mixin: traceFields` option adds the same fields everywhere.)
 *
 * The ids exist when an OpenTelemetry SDK is registered (here: a tracer provider and the AsyncLocalStorage context
 * manager, no exporter); without one the lines come without them.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { arkivmelding, type Logger, messageIdOf } from 'eformidling';
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';
import { type ConnectOptions, connect } from './support/connect.ts';
import { arkivmeldingXml, pdf } from './support/content.ts';
import { runMain } from './support/run.ts';

/** The active span's ids as log fields (OpenTelemetry's log data model names), or none outside a span. */
export function traceFields(): { trace_id?: string; span_id?: string; trace_flags?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  return { trace_id: traceId, span_id: spanId, trace_flags: traceFlags.toString(16).padStart(2, '0') };
}

/**
 * The SDK's {@link Logger} on a pino logger: the message becomes `msg`, the SDK's details the line's fields (an
 * `error` that is an Error goes to pino's `err`, which pino serializes with its type and stack), plus the trace ids.
 */
export function pinoLogger(log: PinoLogger): Logger {
  const fields = (meta: Record<string, unknown> | undefined) => {
    if (!meta) return traceFields();
    const { error, ...rest } = meta;
    return { ...rest, ...(error instanceof Error ? { err: error } : error !== undefined ? { error } : {}), ...traceFields() };
  };
  return {
    debug: (message, meta) => log.debug(fields(meta), message),
    info: (message, meta) => log.info(fields(meta), message),
    warn: (message, meta) => log.warn(fields(meta), message),
    error: (message, meta) => log.error(fields(meta), message),
  };
}

/** Options of {@link main}. */
export interface PinoLoggerOptions extends ConnectOptions {
  /** Where pino writes. @defaultValue stdout */
  destination?: DestinationStream;
}

/** What {@link main} did. */
export interface PinoLoggerResult {
  messageId: string;
}

export async function main(options: PinoLoggerOptions = {}): Promise<PinoLoggerResult> {
  // Once at start-up: spans with ids, and a context that follows `await`.
  const tracerProvider = new TracerProvider();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(tracerProvider);
  const log = pino({ level: 'debug', base: undefined }, options.destination ?? pino.destination(1));
  // The SDK's lines go to pino.
  const logger = pinoLogger(log);
  const conn = await connect({ ...options, client: { ...options.client, logger } });
  const { sender, receiver } = conn;
  try {
    const files = [
      { filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel: 'Vedtak', files: ['vedtak.pdf'] }) },
      { filename: 'vedtak.pdf', content: pdf('Vedtak'), mimeType: 'application/pdf' },
    ];
    const stored = await sender.sendTo(
      conn.requireReceiver(),
      arkivmelding({ sender: conn.senderOrg, hoveddokument: 'vedtak.pdf' }),
      files,
    );
    const messageId = messageIdOf(stored) as string;
    log.info({ messageId }, 'sent'); // after the send's span: no ids

    if (conn.simulated || conn.receiverOrg === conn.senderOrg) {
      const timeoutMs = conn.simulated ? 30_000 : 10 * 60_000;
      // Inside the handler, your own lines carry the receive span's ids too.
      const loop = receiver.receive(async (message) => logger.info('archived', { messageId: message.messageId, type: message.type }), {
        filter: { messageId },
        maxMessages: 1,
        pollIntervalMs: conn.pollIntervalMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await sender.waitForDelivery(messageId, { timeoutMs, pollIntervalMs: conn.pollIntervalMs });
      await loop.done;
    }
    return { messageId };
  } finally {
    await conn.close();
    await tracerProvider.shutdown();
    trace.disable();
    context.disable();
  }
}

runMain(import.meta.url, main);
