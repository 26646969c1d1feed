import { arkivmelding, arkivmeldingXml, IntegrasjonspunktClient, messageIdOf } from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { services } from '../helpers/services.js';
import { messageRow, sendArkivmelding, useConsole } from './browser.js';

/** The console's messages: what the SDK does shows up live, and the page's actions reach the SDK. */
describe.skipIf(!services().chromium)('simulator console: messages', () => {
  const ctx = useConsole();

  it('shows a message the SDK sends as it happens, without a reload', async () => {
    const page = await ctx.open('messages');
    await page.getByRole('heading', { name: 'Messages', level: 2 }).waitFor();
    await page.getByText('No messages match.').waitFor();
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    const messageId = await sendArkivmelding(ctx.server, DEPARTEMENT, KOMMUNE, 'Vedtak i byggesak 2026/42');

    const outgoing = messageRow(page, DEPARTEMENT, 'out', messageId);
    await outgoing.waitFor();
    expect(await outgoing.textContent()).toContain('Vedtak i byggesak 2026/42');
    expect(await outgoing.textContent()).toContain('DPO');
    // The carrier brings it to KOMMUNE: its incoming conversation appears too, in the queue.
    const incoming = messageRow(page, KOMMUNE, 'in', messageId);
    await incoming.getByText('in the queue').waitFor();
    await outgoing.getByText('MOTTATT', { exact: true }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it('delivers a message when Deliver now is clicked, and the SDK tracker reports LEVERT', async () => {
    const messageId = await sendArkivmelding(ctx.server, DEPARTEMENT, KOMMUNE, 'Melding om tilsyn');
    const ip = new IntegrasjonspunktClient({ baseUrl: ctx.server.baseUrl(DEPARTEMENT), retry: false });
    const tracker = ip.track([messageId], { strategy: 'per-id', pollIntervalMs: 50, maxPollIntervalMs: 100 });
    try {
      const delivered = tracker.waitFor(messageId, { until: 'LEVERT' });
      const page = await ctx.open('messages');
      await messageRow(page, DEPARTEMENT, 'out', messageId).getByRole('link', { name: messageId }).click();
      await page.getByRole('heading', { name: `Message ${messageId}` }).waitFor();
      await page.getByRole('button', { name: 'Deliver now' }).click();
      const history = await delivered;
      expect(history.map((s) => s.status)).toContain('LEVERT');
      await page.getByRole('status').getByText('Delivered.').waitFor();
      // The timeline shows LEVERT without a reload.
      await page.locator('ol.timeline').getByText('LEVERT', { exact: true }).waitFor();
    } finally {
      await tracker.stop();
    }
  });

  it('shows a message in full: summary, files with download links, the arkivmelding summary and the SBD', async () => {
    const messageId = await sendArkivmelding(ctx.server, DEPARTEMENT, KOMMUNE, 'Søknad om byggetillatelse');
    const page = await ctx.open(`messages/${KOMMUNE}/in/${messageId}`);
    await page.getByRole('heading', { name: `Message ${messageId}` }).waitFor();
    await page.locator('.arkivmelding dd', { hasText: '2026/42' }).waitFor();
    const arkivmelding = await page.locator('.arkivmelding').textContent();
    expect(arkivmelding).toContain('Søknad om byggetillatelse');
    expect(arkivmelding).toContain('Utgående dokument');
    expect(arkivmelding).toContain('Hoveddokument');
    const link = page.getByRole('link', { name: 'vedtak.pdf' }).first();
    const href = await link.getAttribute('href');
    expect(href).toBeTruthy();
    const file = await page.evaluate(async (url) => (await fetch(url)).text(), href as string);
    expect(file).toContain('% vedtak');
    expect(await page.locator('pre').first().textContent()).toContain('standardBusinessDocumentHeader');
    await page.getByRole('link', { name: 'Download the ASiC-E' }).waitFor();
    await page
      .getByRole('link', { name: /manifest\.xml/ })
      .first()
      .waitFor();
  });

  it('fails a message with a reason, and filters the list by status and by id', async () => {
    const failed = await sendArkivmelding(ctx.server, DEPARTEMENT, KOMMUNE, 'Skal feile');
    const other = await sendArkivmelding(ctx.server, DEPARTEMENT, KOMMUNE, 'Går bra');
    const page = await ctx.open(`messages/${DEPARTEMENT}/out/${failed}`);
    await page.getByLabel('Reason for FEIL').fill('Mottaker finnes ikke');
    await page.getByRole('button', { name: 'Fail (FEIL)' }).click();
    await page.locator('ol.timeline').getByText('Mottaker finnes ikke').waitFor();

    await page.getByRole('link', { name: '← All messages' }).click();
    await messageRow(page, DEPARTEMENT, 'out', other).waitFor();
    await page.getByLabel('Status').selectOption('FEIL');
    await messageRow(page, DEPARTEMENT, 'out', other).waitFor({ state: 'detached' });
    expect(await messageRow(page, DEPARTEMENT, 'out', failed).count()).toBe(1);
    expect(page.url()).toContain('status=FEIL');

    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Search by id').fill(other.slice(0, 8));
    await messageRow(page, DEPARTEMENT, 'out', other).waitFor();
    await messageRow(page, DEPARTEMENT, 'out', failed).waitFor({ state: 'detached' });
  });

  it('marks a message read (LEST at the sender) and moves the simulator clock from the header', async () => {
    const messageId = await sendArkivmelding(ctx.server, DEPARTEMENT, KOMMUNE, 'Til lesing');
    const page = await ctx.open(`messages/${DEPARTEMENT}/out/${messageId}`);
    await page.getByRole('button', { name: 'Mark read (LEST)' }).click();
    await page.locator('ol.timeline').getByText('LEST', { exact: true }).waitFor();
    const sak = new IntegrasjonspunktClient({ baseUrl: ctx.server.baseUrl(DEPARTEMENT), retry: false });
    const statuses: string[] = [];
    for await (const s of sak.statuses.forMessage(messageId)) statuses.push(s.status);
    expect(statuses).toContain('LEST');

    const clock = page.getByRole('group', { name: 'Simulator clock' }).locator('time');
    const before = Date.parse((await clock.getAttribute('datetime')) as string);
    await page.getByRole('button', { name: 'Advance the clock 1 day' }).click();
    await page.waitForFunction(
      (min) => Date.parse(document.querySelector('.clock time')?.getAttribute('datetime') ?? '') >= min,
      before + 86_400_000,
    );
    expect(ctx.server.simulator.clock.now()).toBeGreaterThanOrEqual(before + 86_400_000);
  });

  it('shows an outgoing message being built file by file, and an incoming message locked by a peek', async () => {
    const page = await ctx.open('messages');
    const sak = new IntegrasjonspunktClient({ baseUrl: ctx.server.baseUrl(DEPARTEMENT), retry: false });
    const created = await sak.outgoing.create(arkivmelding({ sender: DEPARTEMENT, receiver: KOMMUNE, hoveddokument: 'vedtak.pdf' }));
    const messageId = messageIdOf(created) as string;
    const outgoing = messageRow(page, DEPARTEMENT, 'out', messageId);
    await outgoing.getByText('0 files so far').waitFor();
    await sak.outgoing.upload(messageId, {
      filename: 'arkivmelding.xml',
      content: arkivmeldingXml({ tittel: 'Bygges', files: ['vedtak.pdf'] }),
    });
    await outgoing.getByText('1 file so far').waitFor();
    await sak.outgoing.upload(messageId, { filename: 'vedtak.pdf', content: Buffer.from('%PDF-1.7\n'), mimeType: 'application/pdf' });
    await outgoing.getByText('2 files so far').waitFor();
    expect(await outgoing.getByText('building').count()).toBe(1);

    await sak.outgoing.send(messageId);
    const incoming = messageRow(page, KOMMUNE, 'in', messageId);
    await incoming.getByText('in the queue').waitFor();
    const arkiv = new IntegrasjonspunktClient({ baseUrl: ctx.server.baseUrl(KOMMUNE), retry: false });
    const peeked = await arkiv.incoming.peek();
    expect(peeked && messageIdOf(peeked)).toBe(messageId);
    await incoming.getByText('locked').waitFor();
    expect(await incoming.locator('td[data-label="Where"] time').count()).toBe(1); // the lock deadline
  });
});
