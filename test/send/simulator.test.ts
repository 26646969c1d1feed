import {
  arkivmelding,
  avtalt,
  dialogmelding,
  digitalDpv,
  IntegrasjonspunktClient,
  isReceiverNotCapableError,
  messageIdOf,
  PROCESSES,
  ReceiverNotCapableError,
  type Upload,
} from 'eformidling';
import { createSimulator } from 'eformidling/mock';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { arkivmeldingXml, PDF } from './fixtures.js';

const KOMMUNE = '910075918';
const DEPARTEMENT = '910077473';

const sim = createSimulator();
const server = setupServer(...sim.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterEach(() => sim.faults.clear());
afterAll(() => server.close());

const sender = new IntegrasjonspunktClient({ baseUrl: sim.baseUrl(DEPARTEMENT), retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 } });
const receiver = new IntegrasjonspunktClient({ baseUrl: sim.baseUrl(KOMMUNE) });

function entryNames(zip: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error);
      const names: string[] = [];
      file.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        file.readEntry();
      });
      file.on('end', () => resolve(names));
      file.on('error', reject);
      file.readEntry();
    });
  });
}

async function receive(messageId: string): Promise<string[]> {
  await sim.settle();
  const sbd = await receiver.incoming.peek({ messageId });
  expect(sbd && messageIdOf(sbd)).toBe(messageId);
  const download = await receiver.incoming.pop(messageId);
  const names = await entryNames(Buffer.from(await (download as { arrayBuffer(): Promise<ArrayBuffer> }).arrayBuffer()));
  await receiver.incoming.delete(messageId);
  return names;
}

describe('round trips through the simulator', () => {
  const name = 'Søknad om løyve – æøå ÆØÅ.pdf';
  const files = (): Upload[] => [
    { filename: 'arkivmelding.xml', content: arkivmeldingXml([name]), title: 'Arkivmelding' },
    { filename: name, content: PDF, title: 'Søknad' },
  ];

  for (const strategy of ['multi-step', 'one-step'] as const) {
    it(`${strategy}: a non-ASCII filename arrives unchanged in the receiver's ASiC-E`, async () => {
      const sbd = arkivmelding({ sender: DEPARTEMENT, receiver: KOMMUNE, hoveddokument: name });
      const stored = await sender.send({ sbd, files: files() }, { strategy });
      const id = messageIdOf(stored) as string;
      expect(await receive(id)).toContain(name);
    });
  }

  it('a lost create response: sent once, no duplicate, no MessageAlreadyExistsException', async () => {
    sim.faults.failNext({ org: DEPARTEMENT, method: 'POST', path: '/api/messages/out', lostResponse: true });
    const sbd = arkivmelding({ sender: DEPARTEMENT, receiver: KOMMUNE, hoveddokument: name });
    const id = messageIdOf(sbd) as string;
    await sender.send({ sbd, files: files() }, { strategy: 'multi-step' });
    expect(await receive(id)).toContain(name);
    expect(sim.queues(DEPARTEMENT).outgoing).toBe(0);
    const conversations = [];
    for await (const c of sender.conversations.list({ messageId: id })) conversations.push(c);
    expect(conversations).toHaveLength(1);
  });

  it('a lost one-step response: resolved by looking the message up; delivered once', async () => {
    sim.faults.failNext({ org: DEPARTEMENT, method: 'POST', path: '/api/messages/out/multipart', lostResponse: true });
    const sbd = arkivmelding({ sender: DEPARTEMENT, receiver: KOMMUNE, hoveddokument: name });
    const id = messageIdOf(sbd) as string;
    // The message stays in the outgoing queue until the carrier moves it; the send waits for that (it never posts
    // again), so let the carrier run meanwhile.
    const carrier = setInterval(() => sim.deliverAll(), 5);
    try {
      await sender.send({ sbd, files: files() }, { strategy: 'one-step', outcomeTimeoutMs: 10_000 });
    } finally {
      clearInterval(carrier);
    }
    expect(sim.statuses(DEPARTEMENT, id).map((s) => s.status)).toContain('SENDT');
    expect(await receive(id)).toContain(name);
    await sim.settle();
    expect(await receiver.incoming.peek({ messageId: id })).toBeNull();
  });
});

describe('sendTo checks capabilities first', () => {
  it('sends when the receiver takes the process and document type', async () => {
    const stored = await sender.sendTo(KOMMUNE, avtalt({ sender: DEPARTEMENT, identifier: 'test', content: { a: 1 } }));
    expect(stored.standardBusinessDocumentHeader.receiver?.[0]?.identifier.value).toBe(`0192:${KOMMUNE}`);
  });

  it('fails clearly, before any message is created, when the receiver cannot take the process', async () => {
    const before = sim.queues(DEPARTEMENT).outgoing;
    const message = digitalDpv({
      sender: DEPARTEMENT,
      receiver: KOMMUNE,
      tittel: 'T',
      sammendrag: 'S',
      innhold: 'I',
      process: PROCESSES.digitalpost.vedtak,
    });
    const error = await sender.sendTo(KOMMUNE, message, [{ filename: 'a.pdf', content: PDF, title: 'A' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReceiverNotCapableError);
    expect(isReceiverNotCapableError(error)).toBe(true);
    expect((error as ReceiverNotCapableError).message).toContain(`does not accept the process ${PROCESSES.digitalpost.vedtak}`);
    expect(sim.queues(DEPARTEMENT).outgoing).toBe(before);
  });

  it('fails for a document type the receiver does not list', async () => {
    const message = dialogmelding({ receiver: `0192:${KOMMUNE}`, hoveddokument: 'a.pdf', process: PROCESSES.arkivmelding.administrasjon });
    const error = await sender.sendTo(KOMMUNE, message, [{ filename: 'a.pdf', content: PDF }]).catch((e: unknown) => e);
    expect(isReceiverNotCapableError(error)).toBe(true);
    expect((error as Error).message).toContain('document type urn:no:difi:helse:xsd:schema::dialogmelding');
  });

  it('validates locally before looking anything up', async () => {
    const error = await sender.sendTo(KOMMUNE, arkivmelding({ sender: DEPARTEMENT }), []).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RequestValidationError', field: 'files' });
  });

  it('refuses a message already addressed to someone else', async () => {
    const message = avtalt({ receiver: DEPARTEMENT, identifier: 'x' });
    await expect(sender.sendTo(KOMMUNE, message)).rejects.toMatchObject({ field: 'receiver' });
  });
});
