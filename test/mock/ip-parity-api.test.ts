import { PERSON } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { useBothFaces } from './both-faces.js';
import { ADMIN, type AnyJson, DEPARTEMENT, KOMMUNE, messageIdOf, readZip, sbd, sendArkivmelding, uploadHeaders } from './fixtures.js';

/**
 * docs/simulator.md "Where the simulator answers like the IP", rows 3-10 and 12: query parameter names, conversation fields, binding errors, content types, multipart
 * and upload errors, the pop description and the ASiC signature — on both faces.
 */

const faces = useBothFaces();
const PLAN = 'urn:no:difi:profile:arkivmelding:planByggOgGeodata:ver1.0';

describe.each(faces)('$name face', (face) => {
  it('row 3: the in-queue knows only `process`, the out list only `processIdentifier`; other names are ignored', async () => {
    const { sim, ip } = await face.start();
    const out = ip(DEPARTEMENT);
    const inn = ip(KOMMUNE);
    const admin = await sendArkivmelding(out, { process: ADMIN });
    const plan = await sendArkivmelding(out, { process: PLAN });
    const queued = await sendArkivmelding(out, { process: PLAN, send: false });
    sim.deliverAll();
    const ids = (res: AnyJson) => res.json.content.map((m: AnyJson) => messageIdOf(m));
    expect(ids(await out('GET', `/api/messages/out?processIdentifier=${PLAN}`))).toEqual([queued]);
    expect(ids(await out('GET', `/api/messages/out?process=${ADMIN}`))).toEqual([queued]); // ignored
    expect(ids(await inn('GET', `/api/messages/in?process=${PLAN}`))).toEqual([plan]);
    expect(ids(await inn('GET', `/api/messages/in?processIdentifier=${PLAN}`)).sort()).toEqual([admin, plan].sort());
    // peek?processIdentifier=… locks the oldest message of any process.
    expect(messageIdOf((await inn('GET', `/api/messages/in/peek?processIdentifier=${PLAN}`)).json)).toBe(admin);
    expect(messageIdOf((await inn('GET', `/api/messages/in/peek?process=${PLAN}`)).json)).toBe(plan);
  });

  it('rows 4 and 5: an incoming conversation has messageTitle "" and the conversationId as messageReference; DPI digital takes tittel at send', async () => {
    const { sim, ip } = await face.start();
    const out = ip(DEPARTEMENT);
    const id = await sendArkivmelding(out);
    sim.deliverAll();
    const sent = (await out('GET', `/api/conversations/messageId/${id}`)).json;
    expect(sent.messageTitle).toBe('Vedtak i byggesak');
    const incoming = (await ip(KOMMUNE)('GET', '/api/conversations?direction=INCOMING')).json.content[0];
    expect(incoming).toMatchObject({ messageId: id, messageTitle: '', messageReference: incoming.conversationId });

    const digital = sbd({
      receiver: PERSON,
      type: 'digital',
      standard: 'urn:no:difi:digitalpost:xsd:digital::digital',
      process: 'urn:no:difi:profile:digitalpost:info:ver1.0',
      body: {
        sikkerhetsnivaa: 4,
        hoveddokument: 'brev.pdf',
        tittel: 'Ditt vedtak',
        spraak: 'NO',
        digitalPostInfo: { virkningsdato: '2026-08-21', aapningskvittering: false },
      },
    });
    const dpi = messageIdOf((await out('POST', '/api/messages/out', { json: digital })).json);
    await out('PUT', `/api/messages/out/${dpi}`, { body: '%PDF', headers: uploadHeaders('brev.pdf') });
    expect((await out('GET', `/api/conversations/messageId/${dpi}`)).json.messageTitle).toBe('');
    expect((await out('POST', `/api/messages/out/${dpi}`)).status).toBe(200);
    sim.deliverAll();
    expect((await out('GET', `/api/conversations/messageId/${dpi}`)).json.messageTitle).toBe('Ditt vedtak');
  });

  it('row 6: unconvertible path variables and model-attribute fields are 400', async () => {
    const { ip } = await face.start();
    const out = ip(DEPARTEMENT);
    expect((await out('DELETE', '/api/statuses/abc')).json).toMatchObject({
      status: 400,
      exception: 'org.springframework.web.method.annotation.MethodArgumentTypeMismatchException',
    });
    const garbage = await out('GET', '/api/statuses?fromDateTime=garbage');
    expect(garbage.json).toMatchObject({
      status: 400,
      exception: 'org.springframework.web.bind.MethodArgumentNotValidException',
      message: "Validation failed for object='messageStatusQueryInput'. Error count: 1",
      errors: [{ field: 'fromDateTime', rejectedValue: 'garbage', code: 'typeMismatch' }],
    });
    const pollable = await out('GET', '/api/conversations?pollable=abc');
    expect(pollable.json).toMatchObject({
      status: 400,
      exception: 'org.springframework.web.bind.MethodArgumentNotValidException',
      message: "Validation failed for object='conversationQueryInput'. Error count: 1",
      errors: [{ field: 'pollable', rejectedValue: 'abc', code: 'typeMismatch', bindingFailure: true }],
    });
    // Spring's boolean spellings still convert.
    expect((await out('GET', '/api/conversations?pollable=yes')).status).toBe(200);
  });

  it('row 7: create consumes application/json only (415 for another JSON-ish type)', async () => {
    const { sim, ip } = await face.start();
    const out = ip(DEPARTEMENT);
    for (const type of ['application/vnd.api+json', 'application/problem+json', 'text/json']) {
      const res = await out('POST', '/api/messages/out', { json: sbd(), headers: { 'content-type': type } });
      expect(res.json).toMatchObject({ status: 415, exception: 'org.springframework.web.HttpMediaTypeNotSupportedException' });
    }
    expect(sim.queues(DEPARTEMENT).outgoing).toBe(0);
    const charset = await out('POST', '/api/messages/out', { json: sbd(), headers: { 'content-type': 'application/json;charset=UTF-8' } });
    expect(charset.status).toBe(200);
  });

  it('row 8: multipart without an sbd part is 400 MissingServletRequestParameterException', async () => {
    const { ip } = await face.start();
    const body = ['--b', 'Content-Disposition: form-data; name="x"; filename="a.pdf"\r\n', '%PDF', '--b--', ''].join('\r\n');
    const res = await ip(DEPARTEMENT)('POST', '/api/messages/out/multipart', {
      body,
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
    });
    expect(res.json).toMatchObject({
      status: 400,
      exception: 'org.springframework.web.bind.MissingServletRequestParameterException',
      message: "Required request parameter 'sbd' for method parameter type StandardBusinessDocument is not present",
    });
  });

  it('row 9: a malformed Content-Disposition or arkivmelding.xml on upload is a 500 with the IP exception', async () => {
    const { ip } = await face.start();
    const out = ip(DEPARTEMENT);
    const id = messageIdOf((await out('POST', '/api/messages/out', { json: sbd() })).json);
    const disposition = await out('PUT', `/api/messages/out/${id}`, {
      body: '%PDF',
      headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename' },
    });
    expect(disposition.json).toMatchObject({
      status: 500,
      exception: 'java.lang.IllegalArgumentException',
      message: 'Invalid content disposition format',
    });
    const xml = await out('PUT', `/api/messages/out/${id}`, {
      body: '<not-xml',
      headers: uploadHeaders('arkivmelding.xml', 'application/xml'),
    });
    expect(xml.json).toMatchObject({
      status: 500,
      exception: 'no.difi.meldingsutveksling.nextmove.NextMoveRuntimeException',
      message: 'Failed to get Arkivmelding',
    });
  });

  it('row 10: pop without an ASiC registers FEIL with the sender in its description', async () => {
    const { sim, ip } = await face.start();
    const doc = sbd({
      type: 'avtalt',
      standard: 'urn:no:difi:avtalt:xsd::avtalt',
      process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0',
      body: { identifier: 'x', content: {} },
    });
    const id = messageIdOf((await ip(DEPARTEMENT)('POST', '/api/messages/out', { json: doc })).json);
    await ip(DEPARTEMENT)('POST', `/api/messages/out/${id}`);
    sim.deliverAll();
    await ip(KOMMUNE)('GET', '/api/messages/in/peek');
    expect((await ip(KOMMUNE)('GET', `/api/messages/in/pop/${id}`)).status).toBe(404);
    const feil = sim.statuses(KOMMUNE, id).find((s) => s.status === 'FEIL');
    expect(feil?.description).toBe(
      `Can not read file "asic.zip" for message [messageId=${id}, sender=${DEPARTEMENT}], removing from queue.`,
    );
  });

  it('row 12: the ASiC signature is a placeholder that says so (not a CAdES signature)', async () => {
    const { sim, ip } = await face.start();
    const id = await sendArkivmelding(ip(DEPARTEMENT));
    sim.deliverAll();
    await ip(KOMMUNE)('GET', '/api/messages/in/peek');
    const pop = await fetch(new Request(`${sim.organisations.find((o) => o.id === KOMMUNE)?.baseUrl}/api/messages/in/pop/${id}`));
    const { entries } = await readZip(Buffer.from(await pop.arrayBuffer()));
    const signature = entries.find((e) => /^META-INF\/signature-.*\.p7s$/.test(e.name));
    expect(signature?.data.toString('utf8')).toMatch(/^SIMULATED CMS SIGNATURE \(eformidling simulator\)/);
  });
});
