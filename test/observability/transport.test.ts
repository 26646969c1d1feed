import { IntegrasjonspunktClient } from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { useOtel } from './otel.js';

const otel = useOtel();
const ctx = useSimulator();

describe('HTTP client spans', () => {
  it('names each request by its route template, never the raw id, with the HTTP client attributes', async () => {
    const ip = ctx.client(DEPARTEMENT);
    await ip.capabilities.get(KOMMUNE);
    const [span] = otel.named('GET /api/capabilities/{receiverIdentifier}');
    expect(span).toBeDefined();
    expect(span?.kind).toBe(2); // CLIENT
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'url.template': '/api/capabilities/{receiverIdentifier}',
      'server.address': expect.any(String),
    });
    expect(String(span?.attributes['url.full'])).toContain(KOMMUNE);
    expect(
      otel
        .spans()
        .map((s) => s.name)
        .join(' '),
    ).not.toContain(KOMMUNE);
  });

  it('makes a span per attempt, with the resend count and the Retry-After the IP sent', async () => {
    let calls = 0;
    ctx.server.use(
      http.get('*/api/capabilities/:id', () => {
        calls += 1;
        if (calls === 1) return new HttpResponse(null, { status: 503, headers: { 'Retry-After': '0' } });
        return undefined;
      }),
    );
    const ip = ctx.client(DEPARTEMENT, { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 1 } });
    await ip.capabilities.get(KOMMUNE);
    const attempts = otel.named('GET /api/capabilities/{receiverIdentifier}');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.attributes).toMatchObject({
      'http.response.status_code': 503,
      'error.type': '503',
      'http.response.header.retry-after': ['0'],
    });
    expect(attempts[0]?.status.code).toBe(2); // ERROR
    expect(attempts[1]?.attributes).toMatchObject({ 'http.response.status_code': 200, 'http.request.resend_count': 1 });
    expect(await otel.metric('eformidling.http.retries', { 'url.template': '/api/capabilities/{receiverIdentifier}' })).toBe(1);
    expect(await otel.metric('http.client.request.duration', { 'http.response.status_code': 503 })).toBe(1);
  });

  it('puts the span into a traceparent header for the IP, and no credential into any attribute', async () => {
    let traceparent: string | null = null;
    let authorization: string | null = null;
    ctx.server.use(
      http.get('*/manage/info', ({ request }) => {
        traceparent = request.headers.get('traceparent');
        authorization = request.headers.get('authorization');
        return HttpResponse.json({});
      }),
    );
    const ip = new IntegrasjonspunktClient({
      baseUrl: 'http://ip.test:9093/',
      auth: { type: 'basic', username: 'svc', password: 'hemmelig-passord' },
      retry: false,
    });
    await ip.manage.info().catch(() => undefined);
    const [span] = otel.named('GET /manage/info');
    expect(traceparent).toMatch(new RegExp(`^00-${span?.spanContext().traceId}-${span?.spanContext().spanId}-01$`));
    expect(authorization).not.toBeNull();
    const everything = JSON.stringify(otel.spans().map((s) => [s.name, s.attributes, s.events]));
    expect(everything).not.toContain('hemmelig-passord');
    expect(everything).not.toContain(String(authorization).split(' ')[1]);
  });

  it('marks a connection failure on the span with the error type and no status', async () => {
    const ip = new IntegrasjonspunktClient({ baseUrl: 'http://127.0.0.1:9/', retry: false, timeoutMs: 2_000 });
    await expect(ip.capabilities.get(KOMMUNE)).rejects.toThrow();
    const [span] = otel.named('GET /api/capabilities/{receiverIdentifier}');
    expect(span?.attributes['error.type']).toBe('ConnectionError');
    expect(span?.attributes['http.response.status_code']).toBeUndefined();
    expect(span?.status.code).toBe(2);
  });
});
