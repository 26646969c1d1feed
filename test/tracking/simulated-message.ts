import { expect } from 'vitest';
import type { SimulatorContext } from '../helpers/simulator.js';
import { arkivmeldingXml, DEPARTEMENT, KOMMUNE, messageIdOf, raw, sbd, uploadHeaders } from '../mock/fixtures.js';

/**
 * A message's life on the simulator, driven over raw HTTP: DEPARTEMENT sends an arkivmelding to KOMMUNE, KOMMUNE takes
 * it and answers with a kvittering. The statuses the tracker sees come from the simulator's own IP model.
 */

/** DEPARTEMENT sends an arkivmelding with a PDF to KOMMUNE; returns its message id. */
export async function send(ctx: SimulatorContext): Promise<string> {
  const out = raw(ctx.sim.baseUrl(DEPARTEMENT));
  const created = await out('POST', '/api/messages/out', { json: sbd() });
  expect(created.status).toBe(200);
  const id = messageIdOf(created.json);
  expect(
    (
      await out('PUT', `/api/messages/out/${id}`, {
        body: arkivmeldingXml(),
        headers: uploadHeaders('arkivmelding.xml', 'application/xml'),
      })
    ).status,
  ).toBe(200);
  expect((await out('PUT', `/api/messages/out/${id}`, { body: '%PDF-1.7', headers: uploadHeaders('vedtak.pdf') })).status).toBe(200);
  expect((await out('POST', `/api/messages/out/${id}`)).status).toBe(200);
  return id;
}

/** The receiver takes the message (peek, delete): LEVERT travels back to the sender. */
export async function receive(ctx: SimulatorContext, id: string): Promise<void> {
  await ctx.sim.settle();
  const inn = raw(ctx.sim.baseUrl(KOMMUNE));
  expect((await inn('GET', '/api/messages/in/peek')).status).toBe(200);
  expect((await inn('DELETE', `/api/messages/in/${id}`)).status).toBe(200);
  await ctx.sim.settle();
}

/** The receiver answers with an arkivmelding_kvittering: OK gives LEST, ERROR gives FEIL. */
export async function kvittering(ctx: SimulatorContext, id: string, receiptType: 'OK' | 'ERROR'): Promise<void> {
  const inn = raw(ctx.sim.baseUrl(KOMMUNE));
  const doc = sbd({
    type: 'arkivmelding_kvittering',
    sender: KOMMUNE,
    receiver: DEPARTEMENT,
    process: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
    body: { receiptType, relatedToMessageId: id, messages: receiptType === 'OK' ? [] : [{ code: 'E42', text: 'Saksnummer finnes ikke' }] },
  });
  const created = await inn('POST', '/api/messages/out', { json: doc });
  expect(created.status, created.text).toBe(200);
  expect((await inn('POST', `/api/messages/out/${messageIdOf(created.json)}`)).status).toBe(200);
  await ctx.sim.settle();
}
