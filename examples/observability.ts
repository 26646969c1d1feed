/**
 * Observability: the SDK's OpenTelemetry spans and metrics for a send and a receive, printed as trees.
 *
 *   npm run example -- observability                 # against the embedded simulator
 *   IP_URL=https://localhost:9093 IP_RECEIVER=910075918 npm run example -- observability
 *
 * (see examples/support/connect.ts for IP_USERNAME, IP_PASSWORD, IP_CA.)
 *
 * The SDK speaks `@opentelemetry/api` (an optional peer dependency). It records only when the application registers
 * an OpenTelemetry SDK, as this example does at start-up: a tracer provider, a meter provider, the AsyncLocalStorage
 * context manager (so a span started in one `await` is the parent of what follows) and the W3C propagator (so the IP
 * gets a `traceparent`). Here they export to memory and the example prints what they got; a service exports to its
 * collector instead (an OTLP exporter in place of the in-memory ones). Without any of this, the SDK pays for a few
 * no-op calls and records nothing.
 *
 * Spans: `eformidling.send` with the message's requests below it, `eformidling.receive.message` with the download,
 * your handler's own spans and the delete below it, `eformidling.tracker.cycle` per status poll, `eformidling.webhook`
 * per push; one CLIENT span per HTTP request, named by its route template. Metrics: messages and bytes sent and
 * received, failures by stage, request durations, retries, lock expiries, dead letters, tracker lag.
 * See docs/observability.md for the full list.
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  type DataPoint,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { arkivmelding, messageIdOf, type Upload } from 'eformidling';
import { type ConnectOptions, connect } from './support/connect.ts';
import { arkivmeldingXml, pdf } from './support/content.ts';
import { runMain } from './support/run.ts';
import { type LogFn, shortId } from './support/timeline.ts';

/** Options of {@link main}. */
export interface ObservabilityOptions extends ConnectOptions {
  log?: LogFn;
}

/** What {@link main} recorded. */
export interface ObservabilityResult {
  messageId: string;
  /** The send's span tree, one line per span (indented by depth). */
  sendTree: string[];
  /** The receive's span tree. */
  receiveTree: string[];
  /** Every span the run recorded. */
  spans: ReadableSpan[];
  /** Each metric as `name {attributes}` → its value (a sum, or a histogram's count). */
  metrics: Map<string, number>;
}

/** Registers an OpenTelemetry SDK in memory, as an application does once at start-up. */
function registerOtel() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 60_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const means = new Map<string, number>();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  return {
    spans: () => spans.getFinishedSpans(),
    /** Histogram means (seconds) by the same key as {@link metrics}. */
    means,
    async metrics(): Promise<Map<string, number>> {
      await reader.forceFlush();
      const out = new Map<string, number>();
      for (const resource of metricExporter.getMetrics()) {
        for (const scope of resource.scopeMetrics) {
          for (const metric of scope.metrics) {
            for (const point of metric.dataPoints as DataPoint<number | { count: number; sum?: number }>[]) {
              const attributes = Object.entries(point.attributes).map(([k, v]) => `${k.replace(/^eformidling\./, '')}=${String(v)}`);
              const value = typeof point.value === 'number' ? point.value : point.value.count;
              // Histograms (durations, lag; in seconds): the count, and the mean for the printout.
              const mean = typeof point.value === 'number' ? undefined : (point.value.sum ?? 0) / Math.max(1, point.value.count);
              out.set(`${metric.descriptor.name} {${attributes.join(', ')}}`, value);
              if (mean !== undefined) means.set(`${metric.descriptor.name} {${attributes.join(', ')}}`, mean);
            }
          }
        }
      }
      return out;
    },
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      trace.disable();
      metrics.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** The attributes worth a glance in a tree line. */
const SHOWN = [
  'eformidling.message_id',
  'eformidling.send.strategy',
  'eformidling.send.file_count',
  'eformidling.send.bytes',
  'eformidling.service',
  'eformidling.receive.attempt',
  'eformidling.outcome',
  'eformidling.receive.lock_remaining_ms',
  'http.response.status_code',
  'http.request.resend_count',
];

function line(span: ReadableSpan, depth: number): string {
  const ms = span.duration[0] * 1000 + span.duration[1] / 1e6;
  const attributes = SHOWN.filter((k) => span.attributes[k] !== undefined).map((k) => {
    const value = span.attributes[k];
    return `${k.split('.').at(-1)}=${k.endsWith('message_id') ? shortId(String(value)) : String(value)}`;
  });
  const events = span.events.map((e) => e.name.replace(/^eformidling\./, '')).filter((e) => e !== 'exception');
  const extra = [...attributes, ...(events.length ? [`events: ${events.join(', ')}`] : [])];
  return `${'  '.repeat(depth)}${span.name}  ${ms.toFixed(1)} ms${extra.length ? `  ${extra.join(' ')}` : ''}`;
}

/** A span and its descendants, in start order, one indented line each. */
function treeOf(root: ReadableSpan, all: readonly ReadableSpan[], depth = 0): string[] {
  const started = (s: ReadableSpan) => s.startTime[0] * 1e9 + s.startTime[1];
  const children = all.filter((s) => s.parentSpanContext?.spanId === root.spanContext().spanId).sort((a, b) => started(a) - started(b));
  return [line(root, depth), ...children.flatMap((c) => treeOf(c, all, depth + 1))];
}

export async function main(options: ObservabilityOptions = {}): Promise<ObservabilityResult> {
  const log = options.log ?? console.log;
  const otel = registerOtel();
  const conn = await connect(options);
  try {
    // A send: sendTo() looks up the receiver's capabilities, then sends one-step (small files).
    const files: Upload[] = [
      { filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel: 'Melding om vedtak', files: ['vedtak.pdf'] }) },
      { filename: 'vedtak.pdf', content: pdf('Melding om vedtak'), mimeType: 'application/pdf' },
    ];
    const stored = await conn.sender.sendTo(
      conn.requireReceiver(),
      arkivmelding({ sender: conn.senderOrg, hoveddokument: 'vedtak.pdf' }),
      files,
    );
    const messageId = messageIdOf(stored) as string;

    // A receive: the handler runs inside the message's span, so its own span ("archive.file") hangs below it. (A
    // real IP: only when you send to yourself, IP_RECEIVER = IP_ORGNR; otherwise the partner receives it.) Until
    // LEVERT, the tracker polls: one span per cycle, an event per status found.
    const tracer = trace.getTracer('example-archive');
    const timeoutMs = conn.simulated ? 30_000 : 10 * 60_000;
    const loop =
      conn.simulated || conn.receiverOrg === conn.senderOrg
        ? conn.receiver.receive(
            async (message) => {
              await tracer.startActiveSpan('archive.file', async (span) => {
                span.setAttribute('archive.entries', (await message.asic?.entries())?.length ?? 0);
                span.end();
              });
            },
            { filter: { messageId }, maxMessages: 1, pollIntervalMs: conn.pollIntervalMs, signal: AbortSignal.timeout(timeoutMs) },
          )
        : undefined;
    await conn.sender.waitForDelivery(messageId, { timeoutMs, pollIntervalMs: conn.pollIntervalMs });
    await loop?.done;

    const spans = otel.spans();
    const sendSpan = spans.find((s) => s.name === 'eformidling.send');
    const receiveSpan = spans.find((s) => s.name === 'eformidling.receive.message' && s.attributes['eformidling.message_id'] === messageId);
    const sendTree = sendSpan ? treeOf(sendSpan, spans) : [];
    const receiveTree = receiveSpan ? treeOf(receiveSpan, spans) : [];
    log(`send (trace ${sendSpan?.spanContext().traceId}):`);
    for (const l of sendTree) log(`  ${l}`);
    log(`receive (trace ${receiveSpan?.spanContext().traceId}):`);
    for (const l of receiveTree) log(`  ${l}`);
    const cycles = spans.filter((s) => s.name === 'eformidling.tracker.cycle');
    const statuses = cycles.flatMap((c) =>
      c.events.filter((e) => e.name === 'eformidling.status').map((e) => e.attributes?.['eformidling.status']),
    );
    log(`tracker: ${cycles.length} cycle span(s), statuses found: ${statuses.join(' → ')}`);

    const recorded = await otel.metrics();
    log('metrics:');
    for (const [name, value] of recorded) {
      const mean = otel.means.get(name);
      log(`  ${name} = ${value}${mean === undefined ? '' : ` (mean ${(mean * 1000).toFixed(1)} ms)`}`);
    }
    return { messageId, sendTree, receiveTree, spans, metrics: recorded };
  } finally {
    await conn.close();
    await otel.shutdown();
  }
}

runMain(import.meta.url, main);
