import { arkivmelding, isSendError, messageIdOf, type Upload } from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { arkivmeldingXml, PDF } from '../send/fixtures.js';
import { useOtel } from './otel.js';

const otel = useOtel();
const ctx = useSimulator();
const FAST = { retries: 2, minDelayMs: 1, maxDelayMs: 1 };

function message() {
  const sbd = arkivmelding({ sender: DEPARTEMENT, receiver: KOMMUNE, hoveddokument: 'vedtak.pdf' });
  const files: Upload[] = [
    { filename: 'arkivmelding.xml', content: arkivmeldingXml(['vedtak.pdf']), mimeType: 'application/xml' },
    { filename: 'vedtak.pdf', content: PDF, mimeType: 'application/pdf' },
  ];
  const bytes = Buffer.byteLength(arkivmeldingXml(['vedtak.pdf'])) + PDF.byteLength;
  return { sbd, files, bytes, messageId: messageIdOf(sbd) as string };
}

function sendSpan() {
  const spans = otel.named('eformidling.send');
  expect(spans).toHaveLength(1);
  return spans[0] as NonNullable<(typeof spans)[0]>;
}

describe('the eformidling.send span', () => {
  it('a one-step sendTo(): the capabilities lookup and the multipart request are its children, ids and shape its attributes', async () => {
    const ip = ctx.client(DEPARTEMENT);
    const { sbd, files, bytes, messageId } = message();
    await ip.sendTo(KOMMUNE, sbd, files);
    const span = sendSpan();
    expect(otel.tree(span)).toEqual([
      'eformidling.send',
      '  GET /api/capabilities/{receiverIdentifier}',
      '  POST /api/messages/out/multipart',
    ]);
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.status.code).toBe(0); // UNSET: fine
    expect(span.attributes).toMatchObject({
      'eformidling.message_id': messageId,
      'eformidling.conversation_id': sbd.standardBusinessDocumentHeader.businessScope.scope[0]?.instanceIdentifier,
      'eformidling.process': 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
      'eformidling.message_type': 'arkivmelding',
      'eformidling.document_type': 'urn:no:difi:arkivmelding:xsd::arkivmelding',
      'eformidling.service': 'DPO',
      'eformidling.sender': `0192:${DEPARTEMENT}`,
      'eformidling.receiver': `0192:${KOMMUNE}`,
      'eformidling.send.strategy': 'one-step',
      'eformidling.send.file_count': 2,
      'eformidling.send.bytes': bytes,
    });
    const sent = { 'eformidling.service': 'DPO', 'eformidling.send.strategy': 'one-step' };
    expect(await otel.metric('eformidling.messages.sent', sent)).toBe(1);
    expect(await otel.metric('eformidling.bytes.sent', sent)).toBe(bytes);
  });

  it('a multi-step send with a retried upload: create, both PUT attempts of the first file, the second file and the send below one span', async () => {
    const ip = ctx.client(DEPARTEMENT, { retry: FAST });
    const { sbd, files, messageId } = message();
    ctx.sim.faults.failNext({ org: DEPARTEMENT, method: 'PUT', path: '/api/messages/out/{messageId}', status: 503, retryAfter: '0' });
    await ip.send({ sbd, files }, { strategy: 'multi-step' });
    const span = sendSpan();
    expect(otel.tree(span)).toEqual([
      'eformidling.send',
      '  POST /api/messages/out',
      '  PUT /api/messages/out/{messageId}',
      '  PUT /api/messages/out/{messageId}',
      '  PUT /api/messages/out/{messageId}',
      '  POST /api/messages/out/{messageId}',
    ]);
    const puts = otel.children(span).filter((s) => s.name.startsWith('PUT'));
    expect(puts.map((s) => [s.attributes['http.response.status_code'], s.attributes['http.request.resend_count']])).toEqual([
      [503, undefined],
      [200, 1],
      [200, undefined],
    ]);
    expect(span.attributes).toMatchObject({ 'eformidling.message_id': messageId, 'eformidling.send.strategy': 'multi-step' });
    // Every request of the send is in the send's trace.
    for (const child of otel.children(span)) expect(child.spanContext().traceId).toBe(span.spanContext().traceId);
    expect(await otel.metric('eformidling.http.retries', { 'url.template': '/api/messages/out/{messageId}' })).toBe(1);
    expect(await otel.metric('eformidling.messages.sent', { 'eformidling.send.strategy': 'multi-step' })).toBe(1);
  });

  it('a lost create response: the look that finds the message is a request of its own, not a resend, and nothing is posted twice', async () => {
    const ip = ctx.client(DEPARTEMENT, { retry: FAST });
    const { sbd, files } = message();
    ctx.sim.faults.failNext({ org: DEPARTEMENT, method: 'POST', path: '/api/messages/out', lostResponse: true });
    const retriesBefore = await otel.metric('eformidling.http.retries', {
      'url.template': '/api/messages/out/{messageId}',
      'http.request.method': 'GET',
    });
    await ip.send({ sbd, files }, { strategy: 'multi-step' });
    const span = sendSpan();
    expect(otel.tree(span)).toEqual([
      'eformidling.send',
      '  POST /api/messages/out',
      '  GET /api/messages/out/{messageId}',
      '  PUT /api/messages/out/{messageId}',
      '  PUT /api/messages/out/{messageId}',
      '  POST /api/messages/out/{messageId}',
    ]);
    const [post, look] = otel.children(span);
    expect(post?.attributes['error.type']).toBe('ConnectionError');
    expect(look?.attributes['http.request.resend_count']).toBeUndefined();
    expect(
      await otel.metric('eformidling.http.retries', { 'url.template': '/api/messages/out/{messageId}', 'http.request.method': 'GET' }),
    ).toBe(retriesBefore);
  });

  it('a failed send: the span is marked failed with the SendError step, the cleanup is its child, messages.failed counts it', async () => {
    const ip = ctx.client(DEPARTEMENT);
    const { sbd, files, messageId } = message();
    ctx.sim.faults.failNext({
      org: DEPARTEMENT,
      method: 'PUT',
      path: '/api/messages/out/{messageId}',
      status: 400,
      exception: 'BadRequestException',
    });
    const sentBefore = await otel.metric('eformidling.messages.sent');
    const error = await ip.send({ sbd, files }, { strategy: 'multi-step' }).catch((e: unknown) => e);
    expect(isSendError(error)).toBe(true);
    const span = sendSpan();
    expect(otel.tree(span)).toEqual([
      'eformidling.send',
      '  POST /api/messages/out',
      '  PUT /api/messages/out/{messageId}',
      '  DELETE /api/messages/out/{messageId}',
    ]);
    expect(span.status.code).toBe(2); // ERROR
    expect(span.attributes).toMatchObject({
      'eformidling.message_id': messageId,
      'eformidling.step': 'upload',
      'error.type': 'SendError',
    });
    expect(await otel.metric('eformidling.messages.failed', { 'eformidling.stage': 'send', 'eformidling.step': 'upload' })).toBe(1);
    expect(await otel.metric('eformidling.messages.sent')).toBe(sentBefore);
  });
});
