import { createSimulator } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { DEPARTEMENT, KOMMUNE, raw, sbd, sendArkivmelding } from './fixtures.js';

/**
 * The endpoints outside the message API (actuator probes, the service-record relay), an unknown organisation, and
 * how requests bind: path variables, query filters and sort parameters that do not convert, bodies that are not an SBD.
 */

function core() {
  const sim = createSimulator(undefined, { clock: { start: Date.UTC(2026, 0, 15, 12) } });
  return { sim, out: raw(sim.baseUrl(DEPARTEMENT), (r) => sim.handle(r)) };
}

describe('actuator, service-record relay and request binding', () => {
  it('actuator probes, service record relay, unknown organisation, bad path parameters, sorting', async () => {
    const { sim, out } = core();
    expect((await out('GET', '/manage/health/liveness')).json).toEqual({ status: 'UP' });
    expect((await out('GET', '/manage/health/readiness')).json).toEqual({ status: 'UP' });
    expect((await out('GET', `/servicerecord/${KOMMUNE}`)).json.serviceRecords.length).toBeGreaterThan(0);
    expect((await out('GET', '/servicerecord/123456785')).status).toBe(404);
    const unknownOrg = await sim.handle(new Request('http://123456785.ip.eformidling.test/api/statuses'));
    expect(unknownOrg.status).toBe(404);
    expect((await out('GET', '/api/conversations/abc')).json.exception).toBe(
      'org.springframework.web.method.annotation.MethodArgumentTypeMismatchException',
    );
    expect((await out('GET', '/api/capabilities/910075918?securityLevel=x')).status).toBe(400);
    expect((await out('GET', '/api/capabilities/910075918?securityLevel=3')).json.capabilities.length).toBeGreaterThan(0);
    await sendArkivmelding(out, { send: false });
    await sendArkivmelding(out, { send: false });
    const sorted = await out('GET', '/api/messages/out?sort=messageId,desc&sort=id');
    const ids = sorted.json.content.map(
      (m: { standardBusinessDocumentHeader: { documentIdentification: { instanceIdentifier: string } } }) =>
        m.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier,
    );
    expect(ids).toEqual([...ids].sort().reverse());
    expect(
      (await out('GET', '/api/conversations?sort=lastUpdate,asc&serviceIdentifier=DPO&lastUpdateFrom=2026-01-15&lastUpdateTo=2026-01-15'))
        .json.totalElements,
    ).toBe(2);
    expect((await out('GET', '/api/conversations?serviceIdentifier=dpo')).status).toBe(500);
    expect((await out('GET', '/api/conversations?lastUpdateFrom=nope')).status).toBe(400);
    expect((await out('GET', '/api/statuses?id=x')).status).toBe(400);
    expect((await out('GET', '/api/subscriptions/abc')).status).toBe(400);
    expect((await out('PUT', '/api/subscriptions/99', { json: {} })).status).toBe(404);
    expect((await out('POST', '/api/messages/out', { json: [] })).status).toBe(400);
    const three = { ...sbd(), extra: {} };
    expect((await out('POST', '/api/messages/out', { json: three })).status).toBe(500);
    const noType = sbd();
    delete noType.arkivmelding;
    delete (noType.standardBusinessDocumentHeader as { documentIdentification: Record<string, unknown> }).documentIdentification.type;
    expect((await out('POST', '/api/messages/out', { json: noType })).json.message).toBe('JSON parse error: Missing type!');
    await sim.close();
  });
});
