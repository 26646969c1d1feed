import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { arkivmeldingXml, DEPARTEMENT, KOMMUNE, messageIdOf, raw, sbd } from './fixtures.js';

const ctx = useSimulator();

describe('one message round trip', () => {
  it('create, upload, send, deliver, peek, pop, delete', async () => {
    const out = raw(ctx.sim.baseUrl(DEPARTEMENT));
    const inn = raw(ctx.sim.baseUrl(KOMMUNE));
    const created = await out('POST', '/api/messages/out', { json: sbd() });
    expect(created.status).toBe(200);
    const id = messageIdOf(created.json);
    const up1 = await out('PUT', `/api/messages/out/${id}`, {
      body: arkivmeldingXml(),
      headers: { 'content-type': 'application/xml', 'content-disposition': 'attachment; filename="arkivmelding.xml"' },
    });
    expect(up1.status).toBe(200);
    const up2 = await out('PUT', `/api/messages/out/${id}?title=Vedtak`, {
      body: '%PDF-1.7',
      headers: { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="vedtak.pdf"' },
    });
    expect(up2.status).toBe(200);
    expect((await out('POST', `/api/messages/out/${id}`)).status).toBe(200);
    expect((await inn('GET', '/api/messages/in/peek')).status).toBe(204);
    await ctx.sim.settle();
    const peek = await inn('GET', '/api/messages/in/peek');
    expect(peek.status).toBe(200);
    const pop = await fetch(`${ctx.sim.baseUrl(KOMMUNE)}/api/messages/in/pop/${id}`);
    expect(pop.status).toBe(200);
    expect(pop.headers.get('content-type')).toBe('application/vnd.etsi.asic-e+zip');
    expect((await pop.arrayBuffer()).byteLength).toBeGreaterThan(100);
    const del = await inn('DELETE', `/api/messages/in/${id}`);
    expect(del.status).toBe(200);
    await ctx.sim.settle();
    expect(ctx.sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT', 'LEVERT']);
    expect(ctx.sim.statuses(KOMMUNE, id).map((s) => s.status)).toEqual(['OPPRETTET', 'INNKOMMENDE_MOTTATT', 'INNKOMMENDE_LEVERT']);
  });
});
