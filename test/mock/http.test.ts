import { request as httpRequest } from 'node:http';
import { createSimulator, DEPARTEMENT, DPV_ORGANISATION, EINNSYN, KOMMUNE, startSimulator } from 'eformidling/mock';
import { Agent, fetch as undiciFetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { createTestPki } from '../helpers/tls.js';
import { type AnyJson, messageIdOf, raw, sbd, sendArkivmelding, uploadHeaders } from './fixtures.js';

/** Request parsing, paging and the HTTP face: what a client sends that is not the happy path. */

const START = Date.UTC(2026, 0, 15, 12);
function setup(options: Parameters<typeof createSimulator>[1] = {}) {
  const sim = createSimulator(undefined, { clock: { start: START }, ...options });
  return { sim, out: raw(sim.baseUrl(DEPARTEMENT), (r) => sim.handle(r)), inn: raw(sim.baseUrl(KOMMUNE), (r) => sim.handle(r)) };
}

describe('multipart/form-data parsing (POST /api/messages/out/multipart)', () => {
  const { sim, out } = setup();
  const multipart = (body: string | Uint8Array<ArrayBuffer> | null, type: string | null = 'multipart/form-data; boundary=b') =>
    out('POST', '/api/messages/out/multipart', {
      ...(body === null ? {} : { body }),
      headers: type === null ? {} : { 'content-type': type },
    });
  const sbdPart = (doc = sbd()) =>
    `Content-Disposition: form-data; name="sbd"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(doc)}`;

  it.each([
    ['no Content-Type', null],
    ['a JSON Content-Type', 'application/json'],
    ['multipart without boundary', 'multipart/form-data'],
  ])('%s: 415', async (_name, type) => {
    const res = await multipart(new TextEncoder().encode('x'), type); // a string body would get text/plain
    expect(res.json).toMatchObject({
      status: 415,
      exception: 'org.springframework.web.HttpMediaTypeNotSupportedException',
      message: `Content-Type '${type ?? ''}' is not supported`,
    });
  });

  it.each([
    ['no body', null, 'no multipart boundary found'],
    ['a body without the boundary', 'hello', 'no multipart boundary found'],
    ['garbage after the boundary', '--bxx', 'malformed multipart boundary line'],
    [
      'a part without the blank line after its headers',
      '--b\r\nContent-Disposition: form-data; name="sbd"',
      'multipart part without header end',
    ],
    ['no closing boundary', `--b\r\n${sbdPart()}`, 'multipart body not terminated'],
    [
      'a part Content-Disposition with a bare parameter',
      '--b\r\nContent-Disposition: form-data; name\r\n\r\nx\r\n--b--',
      'Invalid Content-Disposition parameter: name',
    ],
  ])('%s: 500 MultipartException', async (_name, body, reason) => {
    const res = await multipart(body);
    expect(res.json).toMatchObject({
      status: 500,
      exception: 'org.springframework.web.multipart.MultipartException',
      message: `Failed to parse multipart servlet request: ${reason}`,
    });
  });

  it('a Content-Length above 500 MiB is refused before the body is read (413)', async () => {
    const res = await sim.handle(
      new Request(`${sim.baseUrl(DEPARTEMENT)}/api/messages/out/multipart`, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=b', 'content-length': String(501 * 1024 * 1024) },
        body: '--b--',
      }),
    );
    expect(res.status).toBe(413);
    expect((await res.json()).exception).toBe('org.springframework.web.multipart.MaxUploadSizeExceededException');
  });

  it('parts without Content-Disposition and header lines without a colon are ignored; the sbd part is required', async () => {
    const res = await multipart('--b\r\nX-Junk\r\nContent-Type: text/plain\r\n\r\nnoise\r\n--b--');
    expect(res.json).toMatchObject({
      status: 400,
      message: "Required request parameter 'sbd' for method parameter type StandardBusinessDocument is not present",
      exception: 'org.springframework.web.bind.MissingServletRequestParameterException',
    });
  });

  it('a quoted boundary works; a file part without Content-Type gets its type from the filename', async () => {
    const doc = sbd({ receiver: DPV_ORGANISATION, process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0' });
    const body = [
      '--a b',
      sbdPart(doc),
      '--a b',
      'Content-Disposition: form-data; name="Vedtak"; filename="arkivmelding.xml"\r\n\r\n<arkivmelding><mappe xsi:type="saksmappe"><basisregistrering xsi:type="journalpost"/></mappe></arkivmelding>',
      '--a b--',
    ].join('\r\n');
    const res = await multipart(body, 'multipart/form-data; boundary="a b"');
    expect(res.status).toBe(200);
    const file = sim.model.ip(DEPARTEMENT).outgoing.get(messageIdOf(res.json))?.files[0];
    expect(file).toMatchObject({ filename: 'arkivmelding.xml', title: 'Vedtak', mimeType: 'application/xml' });
  });

  it('a file failing its checks rolls the whole message back: no message, no conversation, the messageId is free', async () => {
    const doc = sbd({ receiver: DPV_ORGANISATION });
    const id = messageIdOf(doc);
    const body = ['--b', sbdPart(doc), '--b', 'Content-Disposition: form-data; filename="vedtak.pdf"\r\n\r\n%PDF', '--b--'].join('\r\n');
    const res = await multipart(body);
    expect(res.json).toMatchObject({ status: 400, message: 'Title is required for the following capabilities: DPV' });
    expect((await out('GET', `/api/conversations/messageId/${id}`)).status).toBe(404);
    expect((await out('POST', '/api/messages/out', { json: doc })).status).toBe(200);
  });
});

describe('uploads (PUT /api/messages/out/{id})', () => {
  it.each([
    ["filename*=iso-8859-1''%F8l.pdf", 'øl.pdf'],
    ["filename*=UTF-8''%C3%A6rf%C3%B8ring.pdf", 'ærføring.pdf'],
    ['filename*=plain.pdf', 'plain.pdf'],
  ])('Content-Disposition %s stores %s', async (param, filename) => {
    const { sim, out } = setup();
    const id = await sendArkivmelding(out, { send: false });
    const res = await out('PUT', `/api/messages/out/${id}?title=T`, {
      body: 'x',
      headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="ignored.pdf"; ${param}` },
    });
    expect(res.status).toBe(200);
    expect(sim.model.ip(DEPARTEMENT).outgoing.get(id)?.files.at(-1)?.filename).toBe(filename);
  });

  it('a PUT without a body stores an empty file; a JSON POST without Content-Type is 415', async () => {
    const { sim, out } = setup();
    const id = await sendArkivmelding(out, { send: false });
    expect((await out('PUT', `/api/messages/out/${id}?title=Tom`, { headers: uploadHeaders('tom.pdf') })).status).toBe(200);
    expect(sim.model.ip(DEPARTEMENT).outgoing.get(id)?.files.at(-1)?.content.size).toBe(0);
    const res = await out('POST', '/api/messages/out', { body: new TextEncoder().encode(JSON.stringify(sbd())) });
    expect(res.json).toMatchObject({ status: 415, message: "Content-Type '' is not supported" });
  });

  it('uploadSizeLimits: the combined size over the limit is refused, sizes below 1 MiB in bytes', async () => {
    const { out } = setup({ uploadSizeLimits: { DPO: 100 } });
    const id = messageIdOf((await out('POST', '/api/messages/out', { json: sbd() })).json);
    const res = await out('PUT', `/api/messages/out/${id}?title=T`, {
      body: Buffer.alloc(150),
      headers: { ...uploadHeaders('stor.pdf'), 'content-length': '150' },
    });
    expect(res.json).toMatchObject({
      exception: 'no.difi.meldingsutveksling.exceptions.MaxFileSizeExceededException',
      message:
        'The combined file size for all attachments (150b) exceeds the maximum allowed upload size for the target service (DPO, 100b)',
    });
  });

  it('sending twice transmits once', async () => {
    const { sim, out } = setup();
    const id = await sendArkivmelding(out);
    expect((await out('POST', `/api/messages/out/${id}`)).status).toBe(200);
    expect(sim.deliverAll()).toBe(2); // the message, and the MOTTATT coming back
    expect(sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT']);
  });
});

describe('queries, paging and sorting', () => {
  it('filters: the first of a repeated parameter wins; conversationId, finished, date ranges (any offset)', async () => {
    const { sim, out } = setup();
    const a = await sendArkivmelding(out);
    const b = await sendArkivmelding(out, { send: false });
    await sim.settle();
    const conversationId = (await out('GET', `/api/conversations/messageId/${b}`)).json.conversationId;
    const ids = (json: AnyJson) => json.content.map((m: AnyJson) => messageIdOf(m));
    expect(ids((await out('GET', `/api/messages/out?messageId=${b}&messageId=${a}`)).json)).toEqual([b]);
    expect(ids((await out('GET', `/api/messages/out?conversationId=${conversationId}`)).json)).toEqual([b]);
    expect((await out('GET', '/api/conversations?finished=false')).json.totalElements).toBe(2);
    const range = (from: string, to: string) =>
      out('GET', `/api/statuses?fromDateTime=${encodeURIComponent(from)}&toDateTime=${encodeURIComponent(to)}`);
    // Everything happened at 12:00 UTC (settle delivers at once): 07:00 in New York.
    expect((await range('2026-01-15T06:59:00-05:00', '2026-01-15T07:01:00-05:00')).json.totalElements).toBe(4);
    expect((await range('2026-01-15T07:01:00-05:00', '2026-01-15T08:00:00-05:00')).json.totalElements).toBe(0);
    expect((await range('2026-01-15T06:59:00-05:00', 'tomorrow')).json).toMatchObject({
      status: 400,
      exception: 'org.springframework.web.bind.MethodArgumentNotValidException',
      message: "Validation failed for object='messageStatusQueryInput'. Error count: 1",
      errors: [{ field: 'toDateTime', rejectedValue: 'tomorrow', code: 'typeMismatch', bindingFailure: true }],
    });
  });

  it('paging falls back to 10 per page for a bad size; sorting puts missing values first and compares strings', async () => {
    const { sim, out } = setup();
    for (let i = 0; i < 12; i++) await out('POST', '/api/messages/out', { json: sbd() });
    for (const size of ['0', 'x'])
      expect((await out('GET', `/api/messages/out?size=${size}`)).json).toMatchObject({ size: 10, totalPages: 2 });
    const id = await sendArkivmelding(out, { expiry: new Date(START + 500).toISOString() });
    sim.clock.advance(1000); // LEVETID_UTLOPT has a description; the other statuses have none
    const sorted = (await out('GET', '/api/statuses?sort=description,desc&size=50')).json.content as AnyJson[];
    expect(sorted[0]).toMatchObject({ messageId: id, status: 'LEVETID_UTLOPT' });
    expect(sorted.slice(1).every((s) => s.description === undefined)).toBe(true);
    const byId = (await out('GET', '/api/messages/out?sort=messageId&size=50')).json.content.map((m: AnyJson) => messageIdOf(m));
    expect(byId).toEqual([...byId].sort());
  });

  it('capabilities of a record without a security level count as level 4', async () => {
    const { out } = setup();
    expect((await out('GET', `/api/capabilities/${EINNSYN}?securityLevel=4`)).json.capabilities).toHaveLength(2);
    expect((await out('GET', `/api/capabilities/${EINNSYN}?securityLevel=5`)).json.capabilities).toHaveLength(0);
  });

  it('null inside a business message list is echoed as Jackson writes it', async () => {
    const { out } = setup();
    // avtalt.content is a plain Object on the IP: kept as given, nulls in lists included.
    const doc = sbd({
      type: 'avtalt',
      standard: 'urn:no:difi:avtalt:xsd::avtalt',
      process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0',
      body: { identifier: 'x', content: { merknader: [null, 'x'] } },
    });
    const res = await out('POST', '/api/messages/out', { json: doc });
    expect(res.text).toContain('"merknader" : [ null, "x" ]');
  });
});

describe('status queue and subscriptions', () => {
  it('deleting a conversation also removes its queued statuses', async () => {
    const { sim, out } = setup({ statusQueueIncludes: ['DPO'] });
    const id = await sendArkivmelding(out);
    sim.deliverAll();
    expect((await out('GET', '/api/statuses/peek')).json.messageId).toBe(id);
    await out('DELETE', `/api/conversations/messageId/${id}`);
    expect((await out('GET', '/api/statuses/peek')).status).toBe(204);
  });

  it('subscription bodies: a non-object is all nulls, URLs must be http(s); unfiltered subscriptions get every status', async () => {
    const posts: AnyJson[] = [];
    const { sim, out } = setup({
      fetch: async (_url, init) => {
        posts.push(JSON.parse(String(init?.body)));
        if (posts.length === 2) throw 'offline'; // a custom fetch may reject with anything
        return new Response(null, { status: 204 });
      },
    });
    const bad = await out('POST', '/api/subscriptions', { json: [] });
    expect(bad.json.errors.map((e: AnyJson) => e.field)).toEqual(['name', 'pushEndpoint', 'resource', 'event']);
    for (const pushEndpoint of [42, 'ftp://h.test/x', 'not a url']) {
      const res = await out('POST', '/api/subscriptions', { json: { name: 'a', pushEndpoint, resource: 'all', event: 'all' } });
      expect(res.json.errors).toEqual([expect.objectContaining({ field: 'pushEndpoint', code: 'URL' })]);
    }
    const created = await out('POST', '/api/subscriptions', {
      json: { name: 'all', pushEndpoint: 'http://h.test/hook', resource: 'all', event: 'all' },
    });
    expect((await out('PUT', `/api/subscriptions/${created.json.id}`, { json: [] })).status).toBe(200); // nothing to change
    await sendArkivmelding(out);
    await sim.settle();
    expect(posts.map((p) => p.event ?? p.status)).toEqual(['ping', 'status', 'status', 'status']);
    expect(sim.webhooks[1]).toMatchObject({ status: undefined, error: 'offline' });
  });
});

describe('faults', () => {
  it('odd statuses get a sensible reason phrase; an empty message reads "No message available"; slow bodies default to 1 KiB chunks', async () => {
    const { sim, out } = setup();
    const cases: [number, string][] = [
      [599, 'Internal Server Error'],
      [460, 'Bad Request'],
      [418, "I'm a Teapot"],
    ];
    for (const [status, error] of cases) {
      sim.faults.failNext({ path: '/manage/info', status, message: '' });
      expect((await out('GET', '/manage/info')).json).toMatchObject({ status, error, message: 'No message available' });
    }
    sim.faults.failNext({ path: '/api/capabilities/{id}', slowBody: { delayMs: 0 } });
    const slow = await sim.handle(new Request(`${sim.baseUrl(DEPARTEMENT)}/api/capabilities/${KOMMUNE}`));
    const reader = (slow.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).value?.byteLength).toBe(1024);
    await reader.cancel();
  });

  it('basic auth with the wrong password is 401', async () => {
    const { out } = setup({ basicAuth: { username: 'u', password: 'p' } });
    const res = await out('GET', '/api/statuses', { headers: { authorization: `Basic ${Buffer.from('u:wrong').toString('base64')}` } });
    expect(res.status).toBe(401);
  });
});

describe('HTTP server face', () => {
  it('serves HTTPS with the given certificate; the server root serves the first organisation', async () => {
    const pki = createTestPki();
    const server = await startSimulator({ tls: { key: pki.serverKey, cert: pki.serverCert } });
    const dispatcher = new Agent({ connect: { ca: pki.ca } });
    try {
      expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const info = await undiciFetch(`${server.baseUrl(KOMMUNE)}/manage/info`, { dispatcher });
      expect(await info.json()).toEqual({ simulator: { organisation: KOMMUNE, name: 'Eksempel kommune' } });
      const root = await undiciFetch(`${server.url}/manage/info`, { dispatcher });
      expect(((await root.json()) as AnyJson).simulator.organisation).toBe(DEPARTEMENT);
      const bare = await undiciFetch(server.baseUrl(KOMMUNE), { dispatcher });
      expect(bare.status).toBe(404);
      await bare.body?.cancel();
      await expect(fetch(`${server.url}/manage/info`)).rejects.toThrow(); // not trusted without the CA
    } finally {
      await dispatcher.close();
      await server.close();
    }
  });

  it('a method fetch cannot represent answers 500; a client leaving mid-body does not hurt the server', async () => {
    const server = await startSimulator();
    const send = (method: string, path: string, onResponse: (res: import('node:http').IncomingMessage) => void) =>
      new Promise<void>((resolve, reject) => {
        const req = httpRequest(`${server.url}${path}`, { method }, (res) => {
          onResponse(res);
          res.on('close', resolve);
        });
        req.on('error', reject);
        req.end();
      });
    try {
      let status = 0;
      let text = '';
      await send('TRACE', `/${DEPARTEMENT}/api/statuses`, (res) => {
        status = res.statusCode ?? 0;
        res.setEncoding('utf8').on('data', (c: string) => {
          text += c;
        });
      });
      expect(status).toBe(500);
      expect(JSON.parse(text)).toMatchObject({ status: 500, error: 'Internal Server Error' });
      server.simulator.faults.failNext({ path: '/api/capabilities/{id}', slowBody: { delayMs: 20, chunkBytes: 16 } });
      await send('GET', `/${DEPARTEMENT}/api/capabilities/${KOMMUNE}`, (res) => {
        res.once('data', () => res.destroy());
      });
      expect((await fetch(`${server.baseUrl(DEPARTEMENT)}/manage/health/liveness`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
