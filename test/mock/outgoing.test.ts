import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import {
  ADMIN,
  type AnyJson,
  arkivmeldingXml,
  DEPARTEMENT,
  KOMMUNE,
  messageIdOf,
  raw,
  sbd,
  sendArkivmelding,
  uploadHeaders,
} from './fixtures.js';

const ctx = useSimulator();
const out = () => raw(ctx.sim.baseUrl(DEPARTEMENT));

function expectIpError(res: { status: number; json: Record<string, unknown> }, status: number, exception: string, path: string) {
  expect(res.status).toBe(status);
  expect(res.json).toMatchObject({ status, exception, path });
  expect(typeof res.json.timestamp).toBe('string');
  expect(res.json.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/);
  expect(typeof res.json.error).toBe('string');
  expect(typeof res.json.message).toBe('string');
}

describe('create (POST /api/messages/out)', () => {
  it('fills the defaults: sender, messageId, creationDateAndTime, expiry, conversationId', async () => {
    const doc = sbd({ sender: null, messageId: null });
    const scope = (doc.standardBusinessDocumentHeader as { businessScope: { scope: Record<string, unknown>[] } }).businessScope
      .scope[0] as Record<string, unknown>;
    delete scope.instanceIdentifier;
    const res = await out()('POST', '/api/messages/out', { json: doc });
    expect(res.status).toBe(200);
    const header = res.json.standardBusinessDocumentHeader as AnyJson;
    expect(header.sender[0].identifier).toEqual({ value: `0192:${DEPARTEMENT}`, authority: 'iso6523-actorid-upis' });
    expect(header.documentIdentification.instanceIdentifier).toMatch(/^[0-9a-f-]{36}$/);
    expect(header.documentIdentification.creationDateAndTime).toMatch(/[+-]\d{2}:\d{2}$/);
    const conv = header.businessScope.scope[0];
    expect(conv.instanceIdentifier).toMatch(/^[0-9a-f-]{36}$/);
    const expiry = Date.parse(conv.scopeInformation[0].expectedResponseDateTime);
    expect(expiry - ctx.sim.clock.now()).toBe(24 * 3600_000);
    expect(Object.keys(header)).toEqual(['headerVersion', 'sender', 'receiver', 'documentIdentification', 'businessScope']);
    // The answer is pretty-printed like Jackson.
    expect(res.text).toContain('"standardBusinessDocumentHeader" : {');
  });

  it('rewrites a foreign sender to on-behalf-of form', async () => {
    const res = await out()('POST', '/api/messages/out', { json: sbd({ sender: '987654325' }) });
    expect(res.status).toBe(200);
    expect((res.json.standardBusinessDocumentHeader as AnyJson).sender[0].identifier.value).toBe(`0192:${DEPARTEMENT}:987654325`);
  });

  it('answers 415 for a non-JSON content type and 400 for broken JSON', async () => {
    const a = await out()('POST', '/api/messages/out', { body: '{}', headers: { 'content-type': 'text/plain' } });
    expectIpError(a, 415, 'org.springframework.web.HttpMediaTypeNotSupportedException', '/api/messages/out');
    const b = await out()('POST', '/api/messages/out', {
      body: '{"standardBusinessDocumentHeader":',
      headers: { 'content-type': 'application/json' },
    });
    expectIpError(b, 400, 'org.springframework.http.converter.HttpMessageNotReadableException', '/api/messages/out');
  });

  it('answers 500 for an unknown type or a business key that is not the type (6.1.1)', async () => {
    const doc = sbd();
    doc.avtalt = doc.arkivmelding;
    delete doc.arkivmelding;
    expectIpError(await out()('POST', '/api/messages/out', { json: doc }), 500, 'java.lang.IllegalArgumentException', '/api/messages/out');
    const unknown = sbd({ type: 'feil' });
    expectIpError(
      await out()('POST', '/api/messages/out', { json: unknown }),
      500,
      'java.lang.IllegalArgumentException',
      '/api/messages/out',
    );
  });

  it('answers MethodArgumentNotValidException with errors for bean validation failures', async () => {
    const doc = sbd({ messageId: 'not-a-uuid', expiry: '2001-01-01T00:00:00+01:00' });
    const res = await out()('POST', '/api/messages/out', { json: doc });
    expectIpError(res, 400, 'org.springframework.web.bind.MethodArgumentNotValidException', '/api/messages/out');
    expect(res.json.message).toBe("Validation failed for object='standardBusinessDocument'. Error count: 2");
    const errors = res.json.errors as Record<string, unknown>[];
    expect(errors.map((e) => e.field)).toEqual([
      'standardBusinessDocumentHeader.documentIdentification.instanceIdentifier',
      'standardBusinessDocumentHeader.businessScope.scope[0].scopeInformation[0].expectedResponseDateTime',
    ]);
    expect(errors[1]).toMatchObject({ objectName: 'standardBusinessDocument', code: 'Future', bindingFailure: false });
  });

  it('answers ReceiverDoesNotAcceptProcessException with a description', async () => {
    const res = await out()('POST', '/api/messages/out', {
      json: sbd({ process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0' }),
    });
    expectIpError(res, 400, 'no.difi.meldingsutveksling.exceptions.ReceiverDoesNotAcceptProcessException', '/api/messages/out');
    expect(res.json.message).toBe('Receiver do not accept the document process urn:no:difi:profile:avtalt:avtalt:ver1.0');
    expect(res.json.description).toContain('SRParameter(identifier=910075918');
  });

  it('answers ServiceNotEnabledException for a message without receiver', async () => {
    const res = await out()('POST', '/api/messages/out', { json: sbd({ receiver: null }) });
    expectIpError(res, 400, 'no.difi.meldingsutveksling.exceptions.ServiceNotEnabledException', '/api/messages/out');
    expect(res.json.message).toBe('Service UNKNOWN is not enabled');
  });

  it('never reuses a messageId: while stored, after send, and when an incoming conversation has it', async () => {
    const o = out();
    const id = await sendArkivmelding(o, { send: false });
    const again = await o('POST', '/api/messages/out', { json: sbd({ messageId: id }) });
    expectIpError(again, 400, 'no.difi.meldingsutveksling.exceptions.MessageAlreadyExistsException', '/api/messages/out');
    expect(again.json.message).toBe(`Message with messageId = ${id} already exists`);
    await o('POST', `/api/messages/out/${id}`);
    await ctx.sim.settle();
    expect((await o('GET', `/api/messages/out/${id}`)).status).toBe(404);
    expect((await o('POST', '/api/messages/out', { json: sbd({ messageId: id }) })).status).toBe(400);
    // The receiver has an INCOMING conversation with that id: it cannot create it either.
    const back = await raw(ctx.sim.baseUrl(KOMMUNE))('POST', '/api/messages/out', {
      json: sbd({ messageId: id, sender: KOMMUNE, receiver: DEPARTEMENT }),
    });
    expect(back.json.exception).toBe('no.difi.meldingsutveksling.exceptions.MessageAlreadyExistsException');
  });
});

describe('upload (PUT /api/messages/out/{id})', () => {
  async function created(): Promise<string> {
    return messageIdOf((await out()('POST', '/api/messages/out', { json: sbd() })).json);
  }

  it('requires Content-Type and Content-Disposition', async () => {
    const id = await created();
    const noDisposition = await out()('PUT', `/api/messages/out/${id}`, { body: 'x', headers: { 'content-type': 'application/pdf' } });
    expectIpError(noDisposition, 400, 'org.springframework.web.bind.MissingRequestHeaderException', `/api/messages/out/${id}`);
    expect(noDisposition.json.message).toContain("'Content-Disposition'");
    const noType = await out()('PUT', `/api/messages/out/${id}`, {
      body: new Blob(['x']).stream(),
      headers: { 'content-disposition': 'attachment; filename="a.pdf"' },
    });
    expectIpError(noType, 400, 'org.springframework.web.bind.MissingRequestHeaderException', `/api/messages/out/${id}`);
    const noFilename = await out()('PUT', `/api/messages/out/${id}`, {
      body: 'x',
      headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; name="x"' },
    });
    expect(noFilename.status).toBe(500);
    const badParam = await out()('PUT', `/api/messages/out/${id}`, {
      body: 'x',
      headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename' },
    });
    expect(badParam.status).toBe(500);
  });

  it('reads RFC 5987 filename*, the title query parameter over name, and derives octet-stream types', async () => {
    const o = out();
    const id = await created();
    const res = await o('PUT', `/api/messages/out/${id}?title=Tittel`, {
      body: 'data',
      headers: {
        'content-type': 'application/octet-stream',
        'content-disposition': `attachment; name="Ignored"; filename="vedtak_.txt"; filename*=UTF-8''vedt%C3%A6k%C3%B8.txt`,
      },
    });
    expect(res.status).toBe(200);
    const file = ctx.sim.model.ip(DEPARTEMENT).outgoing.get(id)?.files[0];
    expect(file).toMatchObject({ filename: 'vedtækø.txt', title: 'Tittel', mimeType: 'text/plain', dokumentnummer: 1 });
    await o('PUT', `/api/messages/out/${id}`, { body: 'x', headers: uploadHeaders('other', 'application/octet-stream', 'Named') });
    expect(ctx.sim.model.ip(DEPARTEMENT).outgoing.get(id)?.files[1]).toMatchObject({
      title: 'Named',
      mimeType: 'application/pdf',
      dokumentnummer: 2,
    });
  });

  it('rejects a duplicate filename and unknown messages', async () => {
    const o = out();
    const id = await created();
    await o('PUT', `/api/messages/out/${id}`, { body: 'a', headers: uploadHeaders('a.pdf') });
    const dup = await o('PUT', `/api/messages/out/${id}`, { body: 'b', headers: uploadHeaders('a.pdf') });
    expectIpError(dup, 400, 'no.difi.meldingsutveksling.exceptions.DuplicateFilenameException', `/api/messages/out/${id}`);
    expect(dup.json.message).toBe('Filename already exists in message: a.pdf.');
    const unknown = randomUUID();
    expectIpError(
      await o('PUT', `/api/messages/out/${unknown}`, { body: 'b', headers: uploadHeaders('a.pdf') }),
      404,
      'no.difi.meldingsutveksling.exceptions.MessageNotFoundException',
      `/api/messages/out/${unknown}`,
    );
  });

  it('applies the per-service size limit from Content-Length (DPE: 2 MB)', async () => {
    const o = raw(ctx.sim.baseUrl('910076221'));
    const doc = sbd({
      sender: '910076221',
      receiver: KOMMUNE,
      type: 'innsynskrav',
      standard: 'urn:no:difi:einnsyn:xsd::innsynskrav',
      process: 'urn:no:difi:profile:einnsyn:innsynskrav:ver1.0',
      body: { orgnr: KOMMUNE, epost: 'a@b.no' },
    });
    const id = messageIdOf((await o('POST', '/api/messages/out', { json: doc })).json);
    await o('PUT', `/api/messages/out/${id}`, { body: new Uint8Array(1024 * 1024), headers: uploadHeaders('a.pdf') });
    const res = await o('PUT', `/api/messages/out/${id}`, { body: new Uint8Array(1024 * 1024 + 1), headers: uploadHeaders('b.pdf') });
    expectIpError(res, 400, 'no.difi.meldingsutveksling.exceptions.MaxFileSizeExceededException', `/api/messages/out/${id}`);
    expect(res.json.message).toBe(
      'The combined file size for all attachments (2MB) exceeds the maximum allowed upload size for the target service (DPE, 2MB)',
    );
  });

  it('reads arkivmelding.xml at once: title and reference of the conversation', async () => {
    const o = out();
    const id = await created();
    await o('PUT', `/api/messages/out/${id}`, {
      body: arkivmeldingXml(['vedtak.pdf'], 'Offentlig tittel'),
      headers: uploadHeaders('arkivmelding.xml', 'application/xml'),
    });
    const conv = await o('GET', `/api/conversations/messageId/${id}`);
    expect(conv.json).toMatchObject({ messageTitle: 'Offentlig tittel', messageReference: '0e7c5b1a-2d44-4f0b-9c3e-7a1b6d2e8f55-17' });
    const id2 = await created();
    const bad = await o('PUT', `/api/messages/out/${id2}`, {
      body: '<nope/>',
      headers: uploadHeaders('arkivmelding.xml', 'application/xml'),
    });
    expect(bad.status).toBe(500);
  });
});

describe('send (POST /api/messages/out/{id})', () => {
  it('needs at least one file, arkivmelding.xml and every file it references', async () => {
    const o = out();
    const id = messageIdOf((await o('POST', '/api/messages/out', { json: sbd() })).json);
    const none = await o('POST', `/api/messages/out/${id}`);
    expectIpError(none, 400, 'no.difi.meldingsutveksling.exceptions.MissingFileException', `/api/messages/out/${id}`);
    expect(none.json.message).toBe('There must always be at least one attachment');
    await o('PUT', `/api/messages/out/${id}`, { body: 'x', headers: uploadHeaders('vedtak.pdf') });
    const noXml = await o('POST', `/api/messages/out/${id}`);
    expect(noXml.json).toMatchObject({ exception: 'no.difi.meldingsutveksling.exceptions.MissingArkivmeldingException' });
    await o('PUT', `/api/messages/out/${id}`, {
      body: arkivmeldingXml(['vedtak.pdf', 'a.pdf', 'b.pdf']),
      headers: uploadHeaders('arkivmelding.xml', 'application/xml'),
    });
    const missing = await o('POST', `/api/messages/out/${id}`);
    expect(missing.json).toMatchObject({
      exception: 'no.difi.meldingsutveksling.exceptions.MissingArkivmeldingFileException',
      message: 'File(s) defined in arkivmelding, but not found in message: a.pdf,b.pdf',
    });
  });

  it('sends avtalt and receipts without files', async () => {
    const o = out();
    const doc = sbd({
      type: 'avtalt',
      standard: 'urn:no:difi:avtalt:xsd::avtalt',
      process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0',
      body: { identifier: 'x', content: { a: 1 } },
    });
    const id = messageIdOf((await o('POST', '/api/messages/out', { json: doc })).json);
    expect((await o('POST', `/api/messages/out/${id}`)).status).toBe(200);
  });

  it('rejects an expired message with TimeToLiveException and registers LEVETID_UTLOPT; the message stays', async () => {
    const o = out();
    const expiry = new Date(ctx.sim.clock.now() + 60_000).toISOString();
    const id = await sendArkivmelding(o, { expiry, send: false });
    ctx.sim.clock.advance(61_000);
    const res = await o('POST', `/api/messages/out/${id}`);
    expectIpError(res, 400, 'no.difi.meldingsutveksling.exceptions.TimeToLiveException', `/api/messages/out/${id}`);
    // The IP read the expiry as an OffsetDateTime and reports it with its own offset (Europe/Oslo), not as given.
    const m = /^ExpectedResponseDateTime (\S+) has been exceeded\. Please resend the message$/.exec(res.json.message);
    expect(m?.[1]).toMatch(/\+0[12]:00$/);
    expect(Date.parse(m?.[1] as string)).toBe(Date.parse(expiry));
    expect(ctx.sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'LEVETID_UTLOPT']);
    expect((await o('GET', `/api/messages/out/${id}`)).status).toBe(200);
  });

  it('keeps the message in the outgoing queue until transmitted, then 404 on get and send', async () => {
    const o = out();
    const id = await sendArkivmelding(o);
    expect((await o('GET', `/api/messages/out/${id}`)).status).toBe(200);
    expect(ctx.sim.pendingDeliveries).toBe(1);
    ctx.sim.clock.advance(999);
    expect(ctx.sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET']);
    ctx.sim.clock.advance(1);
    expect(ctx.sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT']);
    expect((await o('GET', `/api/messages/out/${id}`)).status).toBe(404);
    expect((await o('POST', `/api/messages/out/${id}`)).json.exception).toBe(
      'no.difi.meldingsutveksling.exceptions.MessageNotFoundException',
    );
    const list = await o('GET', '/api/messages/out');
    expect(list.json.totalElements).toBe(0);
  });

  it('DELETE /api/messages/out/{id} always answers 200 and keeps the conversation', async () => {
    const o = out();
    const id = await sendArkivmelding(o, { send: false });
    expect((await o('DELETE', `/api/messages/out/${id}`)).status).toBe(200);
    expect((await o('DELETE', `/api/messages/out/${randomUUID()}`)).status).toBe(200);
    expect((await o('GET', `/api/messages/out/${id}`)).status).toBe(404);
    expect((await o('GET', `/api/conversations/messageId/${id}`)).status).toBe(200);
  });
});

describe('multipart (POST /api/messages/out/multipart)', () => {
  function form(
    doc: Record<string, unknown>,
    files: { name: string; filename: string; data: string | Uint8Array<ArrayBuffer>; type?: string }[],
  ): FormData {
    const fd = new FormData();
    fd.append('sbd', JSON.stringify(doc));
    for (const f of files) fd.append(f.name, new Blob([f.data], { type: f.type ?? 'application/pdf' }), f.filename);
    return fd;
  }

  it('creates, attaches (part name = title) and sends in one call', async () => {
    const doc = sbd();
    const res = await fetch(`${ctx.sim.baseUrl(DEPARTEMENT)}/api/messages/out/multipart`, {
      method: 'POST',
      body: form(doc, [
        { name: 'Arkivmelding', filename: 'arkivmelding.xml', data: arkivmeldingXml(), type: 'application/xml' },
        { name: 'Vedtak', filename: 'vedtak.pdf', data: '%PDF' },
      ]),
    });
    expect(res.status).toBe(200);
    const stored = (await res.json()) as Record<string, unknown>;
    const id = messageIdOf(stored);
    const files = ctx.sim.model.ip(DEPARTEMENT).outgoing.get(id)?.files ?? [];
    expect(files.map((f) => [f.filename, f.title, f.mimeType])).toEqual([
      ['arkivmelding.xml', 'Arkivmelding', 'application/xml'],
      ['vedtak.pdf', 'Vedtak', 'application/pdf'],
    ]);
    await ctx.sim.settle();
    expect(ctx.sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT']);
  });

  it('rejects a part over 5 MiB and duplicate filenames before storing anything', async () => {
    const doc = sbd();
    const big = await fetch(`${ctx.sim.baseUrl(DEPARTEMENT)}/api/messages/out/multipart`, {
      method: 'POST',
      body: form(doc, [{ name: 'Big', filename: 'big.pdf', data: new Uint8Array(5 * 1024 * 1024 + 1) }]),
    });
    expect(big.status).toBe(400);
    const body = (await big.json()) as Record<string, unknown>;
    expect(body.exception).toBe('no.difi.meldingsutveksling.exceptions.MultipartFileToLargeException');
    expect(body.message).toBe(
      "The attachment named 'big.pdf' is too large. The maximum size for multipart requests is 5,242,880 bytes. Please use the non-multipart API to avoid such problems.",
    );
    const dup = await fetch(`${ctx.sim.baseUrl(DEPARTEMENT)}/api/messages/out/multipart`, {
      method: 'POST',
      body: form(doc, [
        { name: 'A', filename: 'a.txt', data: 'a' },
        { name: 'B', filename: 'a.txt', data: 'b' },
      ]),
    });
    expect(((await dup.json()) as Record<string, unknown>).message).toBe('Filename already exists in message: a.txt, a.txt.');
    expect(ctx.sim.queues(DEPARTEMENT).outgoing).toBe(0);
    expect((await out()('GET', `/api/conversations/messageId/${messageIdOf(doc)}`)).status).toBe(404);
  });

  it('answers 400 for a missing sbd part', async () => {
    const fd = new FormData();
    fd.append('x', new Blob(['a']), 'a.pdf');
    const res = await fetch(`${ctx.sim.baseUrl(DEPARTEMENT)}/api/messages/out/multipart`, { method: 'POST', body: fd });
    expect(res.status).toBe(400);
  });

  it('leaves the message stored when the send stage fails', async () => {
    const doc = sbd();
    const res = await fetch(`${ctx.sim.baseUrl(DEPARTEMENT)}/api/messages/out/multipart`, {
      method: 'POST',
      body: form(doc, [{ name: 'Vedtak', filename: 'vedtak.pdf', data: '%PDF' }]),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Record<string, unknown>).exception).toBe(
      'no.difi.meldingsutveksling.exceptions.MissingArkivmeldingException',
    );
    const id = messageIdOf(doc);
    expect((await out()('GET', `/api/messages/out/${id}`)).status).toBe(200);
    const retry = await fetch(`${ctx.sim.baseUrl(DEPARTEMENT)}/api/messages/out/multipart`, {
      method: 'POST',
      body: form(doc, [{ name: 'Vedtak', filename: 'vedtak.pdf', data: '%PDF' }]),
    });
    expect(((await retry.json()) as Record<string, unknown>).exception).toBe(
      'no.difi.meldingsutveksling.exceptions.MessageAlreadyExistsException',
    );
  });

  it('reports bean validation of the sbd part as ConstraintViolationException', async () => {
    const doc = sbd({ messageId: 'nope' });
    const res = await fetch(`${ctx.sim.baseUrl(DEPARTEMENT)}/api/messages/out/multipart`, { method: 'POST', body: form(doc, []) });
    const body = (await res.json()) as AnyJson;
    expect(body.exception).toBe('jakarta.validation.ConstraintViolationException');
    expect(body.errors[0].field).toBe('createAndSendMessage.sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier');
  });
});

describe('outgoing list', () => {
  it('returns the Spring Page JSON with size 10 by default and filters by bare identifiers', async () => {
    const o = out();
    for (let i = 0; i < 12; i++) await o('POST', '/api/messages/out', { json: sbd() });
    const page = await o('GET', '/api/messages/out');
    expect(page.json).toMatchObject({
      totalElements: 12,
      totalPages: 2,
      size: 10,
      number: 0,
      numberOfElements: 10,
      first: true,
      last: false,
      empty: false,
    });
    expect(page.json.pageable).toMatchObject({
      pageSize: 10,
      pageNumber: 0,
      offset: 0,
      paged: true,
      unpaged: false,
      sort: { sorted: false, unsorted: true, empty: true },
    });
    expect((await o('GET', '/api/messages/out?page=1')).json).toMatchObject({ numberOfElements: 2, last: true, first: false });
    expect((await o('GET', `/api/messages/out?receiverIdentifier=${KOMMUNE}`)).json.totalElements).toBe(12);
    expect((await o('GET', '/api/messages/out?receiverIdentifier=0192:910075918')).json.totalElements).toBe(0);
    expect((await o('GET', `/api/messages/out?processIdentifier=${ADMIN}&size=5000`)).json.size).toBe(2000);
  });
});
