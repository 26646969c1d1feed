/**
 * The real OpenTelemetry SDK, in memory, for the observability suites: a tracer provider with an in-memory exporter, a
 * meter provider with a reader the test collects from, AsyncLocalStorage context and the W3C propagator, registered
 * globally for the file (as an application's set-up would) and removed after it.
 */
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { type DataPoint, MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll } from 'vitest';

/** A metric reader the test collects from when it wants. */
export class CollectingReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** What {@link useOtel} gives a test. */
export interface OtelContext {
  /** The spans ended so far in this test. */
  spans(): ReadableSpan[];
  /** The spans named `name`. */
  named(name: string): ReadableSpan[];
  /** The children of `parent`, in start order. */
  children(parent: ReadableSpan): ReadableSpan[];
  /** The tree below `root` as indented `name` lines (for readable assertions). */
  tree(root: ReadableSpan): string[];
  /** Sum of a counter's (or count of a histogram's) data points whose attributes include `where`. */
  metric(name: string, where?: Record<string, unknown>): Promise<number>;
}

/** Registers the SDK for the file; spans and metrics are reset after each test. */
export function useOtel(): OtelContext {
  const exporter = new InMemorySpanExporter();
  const reader = new CollectingReader();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(tracerProvider);
    metrics.setGlobalMeterProvider(meterProvider);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterEach(() => exporter.reset());
  afterAll(async () => {
    await tracerProvider.shutdown();
    await meterProvider.shutdown();
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
  });
  const spans = () => exporter.getFinishedSpans();
  const children = (parent: ReadableSpan) =>
    spans()
      .filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId)
      .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
  const tree = (root: ReadableSpan, depth = 0): string[] => [
    `${'  '.repeat(depth)}${root.name}`,
    ...children(root).flatMap((c) => tree(c, depth + 1)),
  ];
  return {
    spans,
    named: (name) => spans().filter((s) => s.name === name),
    children,
    tree: (root) => tree(root),
    async metric(name, where = {}) {
      const { resourceMetrics } = await reader.collect();
      return sumOf(resourceMetrics, name, where);
    },
  };
}

function sumOf(resource: ResourceMetrics, name: string, where: Record<string, unknown>): number {
  let total = 0;
  for (const scope of resource.scopeMetrics) {
    for (const m of scope.metrics) {
      if (m.descriptor.name !== name) continue;
      for (const point of m.dataPoints as DataPoint<unknown>[]) {
        if (!Object.entries(where).every(([k, v]) => point.attributes[k] === v)) continue;
        const value = point.value as number | { count: number };
        total += typeof value === 'number' ? value : value.count;
      }
    }
  }
  return total;
}
