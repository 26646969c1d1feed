import { avtalt } from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { acknowledge } from '../../src/receive/acknowledge.js';
import { useSimulator } from '../helpers/simulator.js';

const ctx = useSimulator();

describe('acknowledge (delete of a received message)', () => {
  it('maps 404 to gone and MessageNotLockedException to not-locked', async () => {
    const sbd = avtalt({ sender: DEPARTEMENT, receiver: KOMMUNE, identifier: 'test', hoveddokument: 'brev.pdf' });
    const sent = await ctx
      .client(DEPARTEMENT)
      .send({ sbd, files: [{ filename: 'brev.pdf', content: '%PDF-1.7', mimeType: 'application/pdf' }] });
    await ctx.sim.settle();
    const id = sent.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
    const incoming = ctx.client(KOMMUNE).incoming;
    expect(await acknowledge(incoming, id)).toBe('not-locked');
    await incoming.peek();
    expect(await acknowledge(incoming, id)).toBe('deleted');
    expect(await acknowledge(incoming, id)).toBe('gone');
  });

  it('rejects other failures', async () => {
    ctx.sim.faults.failNext({ org: KOMMUNE, method: 'DELETE', path: '/api/messages/in/{messageId}', status: 500 });
    await expect(acknowledge(ctx.client(KOMMUNE).incoming, 'some-id')).rejects.toMatchObject({ status: 500 });
  });
});
