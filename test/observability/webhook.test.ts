import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { createWebhookHandler, type StatusEvent, type WebhookHandlerOptions, webhookEndpoint } from 'eformidling';
import { afterEach, describe, expect, it } from 'vitest';
import { useOtel } from './otel.js';

const otel = useOtel();
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const SECRET = 'webhook-secret-0123456789abcdef';

async function serve(options: WebhookHandlerOptions) {
  const handler = createWebhookHandler({ secret: SECRET, ...options });
  const finished: Promise<void>[] = [];
  const server = createServer((req, res) => void finished.push(handler(req, res)));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = webhookEndpoint(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/eformidling`, SECRET);
  return { url, finished };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return new Promise<number>((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const event: StatusEvent = {
  createdTs: '2026-08-20T11:40:09.77+02:00',
  resource: 'messages',
  event: 'status',
  messageId: '9d4e2a61-7c0b-4f38-8e15-b2a6c9d1f074',
  conversationId: '1b7f3c95-2e48-4a0d-9c6b-5f8e2d1a7c30',
  direction: 'INCOMING',
  serviceIdentifier: 'DPO',
  status: 'MOTTATT',
};

describe('the eformidling.webhook span', () => {
  it('one SERVER span per push with the event type, messageId and status; the callbacks run inside it', async () => {
    const { url, finished } = await serve({
      onStatus: () => trace.getTracer('app').startActiveSpan('app.on-status', (span) => span.end()),
      wake: () => trace.getTracer('app').startActiveSpan('app.wake', (span) => span.end()),
    });
    expect(await post(url, event)).toBe(200);
    await Promise.all(finished);
    const [span] = otel.named('eformidling.webhook');
    expect(span?.kind).toBe(1); // SERVER
    expect(span?.attributes).toEqual({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'eformidling.event.type': 'status',
      'eformidling.message_id': event.messageId,
      'eformidling.conversation_id': event.conversationId,
      'eformidling.status': 'MOTTATT',
      'eformidling.service': 'DPO',
      'eformidling.direction': 'INCOMING',
    });
    expect(otel.tree(span as NonNullable<typeof span>)).toEqual(['eformidling.webhook', '  app.wake', '  app.on-status']);
    // The token in the push URL is a credential: it is in no attribute.
    expect(JSON.stringify(otel.spans().map((s) => [s.attributes, s.events]))).not.toContain(SECRET);
  });

  it("continues the IP's trace from a traceparent header, and records a refused push with its status", async () => {
    const { url, finished } = await serve({});
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(
      await post(url, { event: 'ping', createdTs: '2026-08-20T11:40:09Z' }, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` }),
    ).toBe(200);
    expect(await post(url.replace(SECRET, 'wrong-secret-0123456789abcdef'), event)).toBe(403);
    await Promise.all(finished);
    const spans = otel.named('eformidling.webhook');
    const ping = spans.find((s) => s.attributes['eformidling.event.type'] === 'ping');
    const refused = spans.find((s) => s.attributes['http.response.status_code'] === 403);
    expect(spans).toHaveLength(2);
    expect(ping?.spanContext().traceId).toBe(traceId);
    expect(ping?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(ping?.attributes['eformidling.event.type']).toBe('ping');
    expect(refused?.attributes).toEqual({ 'http.request.method': 'POST', 'http.response.status_code': 403 });
  });
});
