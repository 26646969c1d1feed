/**
 * Without a registered OpenTelemetry provider (this file never calls useOtel(): vitest runs each file in its own
 * worker, so no other file's registration is seen), the SDK records nothing and behaves as before: no trace header
 * goes to the IP, no span is active in a handler, and send, receive and tracking work unchanged.
 */
import { metrics, propagation, trace } from '@opentelemetry/api';
import { arkivmelding, messageIdOf } from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { arkivmeldingXml, PDF } from '../send/fixtures.js';

const ctx = useSimulator();

describe('with no OpenTelemetry provider registered', () => {
  it('sends, receives and tracks as before, with no trace header, no active span and no-op instruments', async () => {
    const headers: string[] = [];
    ctx.server.events.on('request:start', ({ request }) => {
      for (const name of ['traceparent', 'tracestate', 'baggage']) if (request.headers.has(name)) headers.push(name);
    });
    const sender = ctx.client(DEPARTEMENT, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 1 } });
    const receiver = ctx.client(KOMMUNE);
    const sbd = arkivmelding({ sender: DEPARTEMENT, receiver: KOMMUNE, hoveddokument: 'vedtak.pdf' });
    ctx.sim.faults.failNext({ org: DEPARTEMENT, method: 'PUT', path: '/api/messages/out/{messageId}', status: 503, retryAfter: '0' });
    const stored = await sender.send(
      {
        sbd,
        files: [
          { filename: 'arkivmelding.xml', content: arkivmeldingXml(['vedtak.pdf']), mimeType: 'application/xml' },
          { filename: 'vedtak.pdf', content: PDF, mimeType: 'application/pdf' },
        ],
      },
      { strategy: 'multi-step' },
    );
    const id = messageIdOf(stored) as string;
    await ctx.sim.settle();
    const active: unknown[] = [];
    const report = await receiver.receive((message) => void active.push(message.messageId, trace.getActiveSpan()), {
      stopWhenIdle: true,
      pollIntervalMs: 1,
    }).done;
    await ctx.sim.settle();
    const history = await sender.waitForDelivery(id, { timeoutMs: 5_000, pollIntervalMs: 1 });

    expect(report).toMatchObject({ handled: 1, deleted: 1, failed: 0 });
    expect(active).toEqual([id, undefined]);
    expect(history.map((s) => s.status)).toContain('LEVERT');
    expect(headers).toEqual([]);
    // Nothing was registered behind the API's globals: the SDK's tracer hands out non-recording spans.
    const probe = trace.getTracer('eformidling').startSpan('probe');
    expect(probe.isRecording()).toBe(false);
    probe.end();
    expect(propagation.fields()).toEqual([]);
    expect(metrics.getMeterProvider().constructor.name).toBe('NoopMeterProvider');
  });
});
