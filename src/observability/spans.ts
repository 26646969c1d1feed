/**
 * Spans, in the SDK's own terms: workflows and the transport call these helpers and never name an OpenTelemetry
 * type, so the API stays an optional peer and out of the SDK's declarations. Without the API, or with no provider
 * registered, every helper runs the work as it is (the API's no-op tracer hands out non-recording spans, and no
 * attribute is computed for them: pass attributes as a function where computing them costs anything).
 * @internal
 * @module
 */
import type * as Api from '@opentelemetry/api';
import { otelApi, sdkTracer } from './otel.js';

/** Attribute values as the SDK sets them; `undefined` values are left out. @internal */
export type SpanAttributes = Record<string, string | number | boolean | readonly string[] | undefined>;

/** The kinds of span the SDK makes (OpenTelemetry's `SpanKind`). @internal */
export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** What work inside a span may do with it. @internal */
export interface SpanScope {
  /** False when nobody records this span (no API, no provider, not sampled): skip computing attributes. */
  readonly recording: boolean;
  set(attributes: SpanAttributes): void;
  event(name: string, attributes?: SpanAttributes): void;
}

/** How a span starts. @internal */
export interface SpanOptions {
  kind?: SpanKindName | undefined;
  attributes?: SpanAttributes | (() => SpanAttributes) | undefined;
  /**
   * A W3C trace context carrier (`traceparent`, `tracestate`) to continue, e.g. from a CloudEvent or an AMQP message:
   * the span becomes a child of the remote span instead of the active one.
   */
  parent?: Readonly<Record<string, unknown>> | undefined;
  /**
   * Start from an empty context instead of the active one: a new trace, unless `parent` carries one. For work that a
   * long-lived loop or a broker delivery starts, whose active context is only whatever was current when the loop or
   * the connection was set up.
   */
  root?: boolean | undefined;
  /** When the work began, in epoch ms, if before the span starts (e.g. the peek that locked a message). */
  startTime?: number | undefined;
}

const NOOP_SCOPE: SpanScope = { recording: false, set() {}, event() {} };

/** A started span that the caller ends (for work that does not fit one callback, such as a transport attempt). @internal */
export interface OpenSpan extends SpanScope {
  /** Ends the span; an error marks it failed, with `error.type` = `errorType` or the error's name. */
  end(error?: unknown, errorType?: string): void;
  /** Runs `fn` with this span as the active one (children and injected `traceparent`s hang below it). */
  run<T>(fn: () => T): T;
}

/** The span of work nobody records: runs `fn` as it is and ends as nothing. @internal */
export const NOOP_OPEN: OpenSpan = { ...NOOP_SCOPE, end() {}, run: (fn) => fn() };

/** Whether spans are recorded by anyone (the API is installed and a tracer provider registered). @internal */
export function tracingEnabled(): boolean {
  return sdkTracer() !== undefined;
}

/** Starts a span as a child of the active span (or of `options.parent`). @internal */
export function startSpan(name: string, options: SpanOptions = {}): OpenSpan {
  const tracer = sdkTracer();
  if (tracer === undefined) return NOOP_OPEN;
  const api = otelApi() as NonNullable<ReturnType<typeof otelApi>>;
  const base = options.root ? api.ROOT_CONTEXT : api.context.active();
  const parent = options.parent ? api.propagation.extract(base, options.parent, getter) : base;
  const span = tracer.startSpan(name, { kind: KINDS[options.kind ?? 'internal'], startTime: options.startTime }, parent);
  if (!span.isRecording()) {
    // Still the active span for what runs inside, so a sampled-out trace stays one trace downstream.
    const ctx = api.trace.setSpan(parent, span);
    return { ...NOOP_SCOPE, end: () => span.end(), run: (fn) => api.context.with(ctx, fn) };
  }
  if (options.attributes) setAttributes(span, typeof options.attributes === 'function' ? options.attributes() : options.attributes);
  const ctx = api.trace.setSpan(parent, span);
  return {
    recording: true,
    set: (attributes) => setAttributes(span, attributes),
    event: (eventName, attributes) => span.addEvent(eventName, attributes ? cleanAttributes(attributes) : undefined),
    end(error, errorType) {
      if (error !== undefined) markFailed(api, span, error, errorType);
      span.end();
    },
    run: (fn) => api.context.with(ctx, fn),
  };
}

/**
 * Runs `fn` inside a new span that ends when `fn` settles; a rejection marks the span failed and is passed on.
 * @internal
 */
export async function withSpan<T>(name: string, options: SpanOptions, fn: (span: SpanScope) => Promise<T>): Promise<T> {
  const span = startSpan(name, options);
  try {
    const result = await span.run(() => fn(span));
    span.end();
    return result;
  } catch (error) {
    span.end(error);
    throw error;
  }
}

/**
 * Writes the active trace context into `carrier` as W3C `traceparent`/`tracestate` (through the application's
 * registered propagator; none registered, nothing is written). @internal
 */
export function injectTraceContext(carrier: Record<string, string>): void {
  const api = otelApi();
  if (api === null) return;
  api.propagation.inject(api.context.active(), carrier);
}

/** The active span's trace and span ids (for log lines), or undefined outside a recorded span. @internal */
export function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const span = otelApi()?.trace.getActiveSpan();
  if (!span) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

const KINDS: Record<SpanKindName, Api.SpanKind> = { internal: 0, server: 1, client: 2, producer: 3, consumer: 4 };

const getter: Api.TextMapGetter<Readonly<Record<string, unknown>>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    // AMQP headers may arrive as Buffers.
    return value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : undefined;
  },
};

/** The attributes without their `undefined` values, as OpenTelemetry takes them. @internal */
export function cleanAttributes(attributes: SpanAttributes): Api.Attributes {
  const out: Api.Attributes = {};
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) out[key] = value as Api.AttributeValue;
  }
  return out;
}

function setAttributes(span: Api.Span, attributes: SpanAttributes): void {
  span.setAttributes(cleanAttributes(attributes));
}

function markFailed(api: NonNullable<ReturnType<typeof otelApi>>, span: Api.Span, error: unknown, errorType?: string): void {
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  span.setAttribute('error.type', errorType ?? name);
  // The SDK's errors redact credentials from their messages; no stack, which could carry file paths of the app only.
  span.addEvent('exception', { 'exception.type': name, 'exception.message': message });
  span.setStatus({ code: api.SpanStatusCode.ERROR, message });
}

let resendKey: symbol | undefined;

/**
 * Runs `fn` as attempt `attempt` of an operation retried above the transport (a resource's `withRetry`, e.g. an
 * upload; 1 for a request of its own inside such an attempt), so the requests inside carry `http.request.resend_count` and count as retries. Carried in the active
 * context: without the API nothing is done. @internal
 */
export function asAttempt<T>(attempt: number, fn: () => T): T {
  const api = otelApi();
  // Attempt 1 inside a retried one (a look whether the earlier attempt took effect) is a first request again.
  if (api === null || (attempt <= 1 && outerResendCount() === 0)) return fn();
  resendKey ??= api.createContextKey('eformidling.resend_count');
  return api.context.with(api.context.active().setValue(resendKey, attempt - 1), fn);
}

/** The resend count {@link asAttempt} put into the active context (0 outside one). @internal */
export function outerResendCount(): number {
  if (resendKey === undefined) return 0;
  const value = otelApi()?.context.active().getValue(resendKey);
  return typeof value === 'number' ? value : 0;
}
