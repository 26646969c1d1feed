import { createSimulator } from 'eformidling/mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DEPARTEMENT, KOMMUNE, raw, sendArkivmelding } from './fixtures.js';

/**
 * The model's read API (`sim.model.view`, internal): what a tool on top of the simulator reads without reaching into
 * the model's parts, and the change events it can listen to.
 */

const sim = createSimulator(undefined, { clock: { start: Date.UTC(2026, 0, 15, 12) } });
const out = raw(sim.baseUrl(DEPARTEMENT), (r) => sim.handle(r));
afterEach(() => sim.settle());

describe('model read API', () => {
  it('reads participants, queues, messages, conversations and statuses of one message', async () => {
    const view = sim.model.view;
    expect(view.participants().map((p) => p.id)).toEqual(sim.organisations.map((o) => o.id));
    const id = await sendArkivmelding(out);
    expect(view.queues(DEPARTEMENT)).toEqual({ outgoing: 1, incoming: 0 });
    expect(view.messages(DEPARTEMENT, 'out').map((m) => m.messageId)).toContain(id);
    expect(view.pendingDeliveries).toBe(1);
    sim.deliverAll();
    expect(view.queues(KOMMUNE).incoming).toBeGreaterThanOrEqual(1);
    expect(
      view
        .messages(KOMMUNE, 'in')
        .find((m) => m.messageId === id)
        ?.files.map((f) => f.filename),
    ).toEqual(['arkivmelding.xml', 'vedtak.pdf']);
    expect(view.conversations(DEPARTEMENT).filter((c) => c.messageId === id)).toHaveLength(1);
    expect(view.statuses(DEPARTEMENT, id).map((s) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT']);
    expect(view.statuses(DEPARTEMENT, id)).toEqual(sim.statuses(DEPARTEMENT, id));
    expect(view.webhooks).toBe(sim.webhooks);
    expect(() => view.queues('123456785')).toThrow(/no integration point/);
  });

  it('announces every new status, on either side, until the listener stops', async () => {
    const seen: string[] = [];
    const stop = sim.model.view.on((event) => {
      if (event.type === 'status') seen.push(`${event.ip.orgnr} ${event.status.status}`);
    });
    await sendArkivmelding(out);
    sim.deliverAll();
    expect(seen).toEqual([
      `${DEPARTEMENT} OPPRETTET`,
      `${DEPARTEMENT} SENDT`,
      `${KOMMUNE} OPPRETTET`,
      `${KOMMUNE} INNKOMMENDE_MOTTATT`,
      `${DEPARTEMENT} MOTTATT`,
    ]);
    stop();
    await sendArkivmelding(out);
    expect(seen).toHaveLength(5);
  });
});
