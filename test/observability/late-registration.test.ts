/**
 * An application that registers its OpenTelemetry SDK after the SDK made requests, through its own (ESM) import of
 * the API while the SDK loads the API's CommonJS build, and one that replaces its provider: spans go to the provider
 * registered at the time of the request. With no provider at all, not even the API's no-op span is started, and a
 * meter provider registered late is seen as well. (No useOtel(): this file registers by hand.)
 */
import { createRequire } from 'node:module';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { CollectingReader } from './otel.js';

const ctx = useSimulator();
afterAll(() => {
  trace.disable();
  metrics.disable();
  context.disable();
});

function register() {
  const exporter = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
  return exporter;
}

describe('a provider registered after the first request', () => {
  it('records the requests made after the registration, and follows a replaced provider', async () => {
    const ip = ctx.client(DEPARTEMENT);
    await ip.capabilities.get(KOMMUNE); // nothing registered yet
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const first = register();
    await ip.capabilities.get(KOMMUNE);
    expect(first.getFinishedSpans().map((s) => s.name)).toEqual(['GET /api/capabilities/{receiverIdentifier}']);

    trace.disable();
    const second = register();
    await ip.capabilities.get(KOMMUNE);
    expect(second.getFinishedSpans().map((s) => s.name)).toEqual(['GET /api/capabilities/{receiverIdentifier}']);
    expect(first.getFinishedSpans()).toHaveLength(1);
  });
});

describe('no provider registered', () => {
  beforeAll(() => {
    trace.disable();
    metrics.disable();
  });

  it('starts no span at all, not even the API no-op one, and the requests work as ever', async () => {
    // The copy of the API the SDK loads (its CommonJS build): its proxy tracer is what would start a no-op span.
    const api = createRequire(import.meta.url)('@opentelemetry/api') as typeof import('@opentelemetry/api');
    const started = vi.spyOn(api.ProxyTracer.prototype, 'startSpan');
    try {
      const ip = ctx.client(DEPARTEMENT);
      const { capabilities } = await ip.capabilities.get(KOMMUNE);
      expect(capabilities.length).toBeGreaterThan(0);
      expect(started).not.toHaveBeenCalled();
    } finally {
      started.mockRestore();
    }
  });

  it('records metrics once a meter provider is registered after the first request', async () => {
    const ip = ctx.client(DEPARTEMENT);
    await ip.capabilities.get(KOMMUNE); // nothing registered yet
    const reader = new CollectingReader();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
    await ip.capabilities.get(KOMMUNE);
    const { resourceMetrics } = await reader.collect();
    const names = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.map((m) => m.descriptor.name));
    expect(names).toContain('http.client.request.duration');
    metrics.disable();
  });
});
