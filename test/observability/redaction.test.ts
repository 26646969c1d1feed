import { arkivmelding, type IntegrasjonspunktClient, messageIdOf, type Upload } from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { useSimulator } from '../helpers/simulator.js';
import { arkivmeldingXml } from '../send/fixtures.js';
import { useOtel } from './otel.js';

const otel = useOtel();
const ctx = useSimulator();

const PASSWORD = 'hemmelig-passord-4711';
const TOKEN = 'eyJhbGciOiJub25lIn0.c2VjcmV0LXRva2Vu.sig';
/** Bytes of the documents: none of them may reach a span, an event or a metric. */
const DOCUMENT = 'CONFIDENTIAL-DOCUMENT-CONTENT-8d2f';
const TITLE = 'Byggesak Storgata 12';

function everything(): string {
  return JSON.stringify(otel.spans().map((s) => [s.name, s.attributes, s.events, s.links, s.status]));
}

async function roundTrip(sender: IntegrasjonspunktClient, receiver: IntegrasjonspunktClient, strategy: 'one-step' | 'multi-step') {
  const sbd = arkivmelding({ sender: DEPARTEMENT, receiver: KOMMUNE, hoveddokument: 'vedtak.pdf' });
  const files: Upload[] = [
    { filename: 'arkivmelding.xml', content: arkivmeldingXml(['vedtak.pdf']), mimeType: 'application/xml' },
    { filename: 'vedtak.pdf', content: Buffer.from(`%PDF-1.7 ${DOCUMENT}`), mimeType: 'application/pdf' },
  ];
  await sender.send({ sbd, files }, { strategy });
  const id = messageIdOf(sbd) as string;
  await ctx.sim.settle();
  let seen = '';
  await receiver.receive(
    async (message) => {
      const main = await message.asic?.openEntry('vedtak.pdf');
      for await (const chunk of main ?? []) seen += String(chunk);
    },
    { stopWhenIdle: true, pollIntervalMs: 1 },
  ).done;
  expect(seen).toContain(DOCUMENT);
  await ctx.sim.settle();
  await sender.waitForDelivery(id, { timeoutMs: 5_000, pollIntervalMs: 1 });
}

describe('what telemetry never carries', () => {
  for (const strategy of ['one-step', 'multi-step'] as const) {
    it(`${strategy}: no credential and no file content in any span name, attribute, event or status`, async () => {
      const basic = ctx.client(DEPARTEMENT, { auth: { type: 'basic', username: 'fagsystem', password: PASSWORD } });
      const bearer = ctx.client(KOMMUNE, { auth: { type: 'bearer', token: TOKEN } });
      await roundTrip(basic, bearer, strategy);
      expect(otel.named('eformidling.send')).toHaveLength(1);
      expect(otel.named('eformidling.receive.message')).toHaveLength(1);
      expect(otel.named('eformidling.tracker.cycle').length).toBeGreaterThan(0);
      const text = everything();
      for (const secret of [PASSWORD, TOKEN, Buffer.from(`fagsystem:${PASSWORD}`).toString('base64'), DOCUMENT, TITLE]) {
        expect(text).not.toContain(secret);
      }
    });
  }
});
