/**
 * An application that registers its OpenTelemetry SDK after the SDK made requests, through its own (ESM) import of
 * the API while the SDK loads the API's CommonJS build, and one that replaces its provider: spans go to the provider
 * registered at the time of the request. (No useOtel(): this file registers by hand.)
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { afterAll, describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';

const ctx = useSimulator();
afterAll(() => {
  trace.disable();
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
