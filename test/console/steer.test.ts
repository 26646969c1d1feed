import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IntegrasjonspunktClient, PROCESSES, type ReceivedMessage } from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { services } from '../helpers/services.js';
import { sendArkivmelding, useConsole } from './browser.js';

/** Steering the simulator from the console: a composed message reaches the SDK's receive loop; faults hit the SDK. */
describe.skipIf(!services().chromium)('simulator console: compose and faults', () => {
  const ctx = useConsole();

  it('composes a message with a file picked in the browser, and the SDK receive loop handles it', async () => {
    const arkiv = new IntegrasjonspunktClient({ baseUrl: ctx.server.baseUrl(KOMMUNE), retry: false });
    const received: { message: ReceivedMessage; entries: string[]; main: string | undefined }[] = [];
    const loop = arkiv.receive(
      async (message) => {
        const asic = await message.asic?.open();
        const main = asic?.mainDocument ? (await asic.readEntry(asic.mainDocument)).toString('utf8') : undefined;
        received.push({ message, entries: asic?.entries.map((e) => e.name) ?? [], main });
      },
      { maxMessages: 1, pollIntervalMs: 50 },
    );
    try {
      const page = await ctx.open('compose');
      await page.getByLabel('From', { exact: true }).selectOption(DEPARTEMENT);
      await page.getByLabel('To', { exact: true }).selectOption(KOMMUNE);
      await page.getByLabel('Type', { exact: true }).selectOption('arkivmelding');
      await page.getByLabel('Title (tittel)').fill('Svar på søknad om dispensasjon');
      await page
        .getByLabel('Files')
        .setInputFiles({ name: 'svar.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n% svar\n') });
      await page.getByLabel('Deliver at once').check();
      await page.getByRole('button', { name: 'Send' }).click();
      await page
        .getByRole('status')
        .getByText(/^Sent /)
        .waitFor();
      await loop.done;
    } finally {
      loop.stop();
    }
    expect(received).toHaveLength(1);
    const [{ message, entries, main }] = received as [(typeof received)[number]];
    expect(message.type).toBe('arkivmelding');
    expect(message.process).toBe(PROCESSES.arkivmelding.administrasjon);
    expect(message.sender).toContain(DEPARTEMENT);
    expect(entries).toEqual(expect.arrayContaining(['svar.pdf', 'arkivmelding.xml']));
    expect(main).toBe('%PDF-1.7\n% svar\n');
  });

  it('tells what the IP refused in a composed message', async () => {
    const page = await ctx.open('compose');
    await page.getByLabel('Type', { exact: true }).selectOption('arkivmelding');
    await page.getByRole('button', { name: 'Send' }).click(); // an arkivmelding needs at least one file
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^4\d\d: /);
    // The page reported the refusal; the browser's own log line for the refused fetch is the only error, and expected.
    expect(ctx.errors).toEqual([
      expect.stringMatching(/^console\.error: Failed to load resource: the server responded with a status of 4\d\d/),
    ]);
    ctx.errors.splice(0);
  });

  it('switches a fault on: the SDK retries past it, and the page shows the requests it hit', async () => {
    const page = await ctx.open('faults');
    await page.getByLabel('Route (path pattern)').fill('/api/capabilities/{receiverIdentifier}');
    await page.getByLabel('Method').selectOption('GET');
    await page.getByLabel('Effect').selectOption('status');
    await page.getByLabel('Status', { exact: true }).fill('503');
    await page.getByLabel('Retry-After (seconds)').fill('0');
    await page.getByLabel('Times').fill('2');
    await page.getByRole('button', { name: 'Add fault' }).click();
    await page.locator('li.fault').getByText('0 of 2 left').or(page.locator('li.fault').getByText('2 of 2 left')).waitFor();

    const sdkLines: string[] = [];
    const keep = (message: string) => {
      if (message.includes(' → ')) sdkLines.push(message);
    };
    const ip = new IntegrasjonspunktClient({
      baseUrl: ctx.server.baseUrl(DEPARTEMENT),
      retry: { retries: 3, minDelayMs: 1, maxDelayMs: 10 },
      logger: { debug: keep, info: keep, warn: keep, error: keep },
    });
    const { capabilities } = await ip.capabilities.get(KOMMUNE, { process: PROCESSES.arkivmelding.administrasjon });
    expect(capabilities.length).toBeGreaterThan(0);

    const fault = page.locator('li.fault');
    await fault.getByText('hit 2 times').waitFor();
    await fault.getByText('Requests it hit').click();
    const hits = await fault.locator('details li').allTextContents();
    expect(hits).toHaveLength(2);
    for (const hit of hits) expect(hit).toMatch(/GET \/api\/capabilities\/910075918.* → 503/);

    await page.getByRole('link', { name: 'Requests' }).click();
    const rows = page.locator('table.requests tbody tr');
    await rows.nth(2).waitFor();
    const answers = await rows.locator('td[data-label="Answer"]').allTextContents();
    expect(answers.slice(0, 3)).toEqual(['200', '503', '503']); // newest first: two refused, then the retry that passed

    // The same request lines as the SDK's debug log (and the CLI's --verbose), but for the timing and retry count.
    await page.getByText('As text').click();
    const text = (await page.locator('[data-request-lines]').textContent()) ?? '';
    const bare = (line: string) => line.replace(/ \d+ ms( \(retry \d+\))?$/, '');
    const consoleLines = text.split('\n').map((line) => bare(line.replace(/^\d+ /, '')));
    expect(sdkLines.map(bare)).toEqual([
      'GET /api/capabilities/910075918 → 503',
      'GET /api/capabilities/910075918 → 503',
      'GET /api/capabilities/910075918 → 200',
    ]);
    for (const line of sdkLines.map(bare)) expect(consoleLines).toContain(line);
  });

  it('switches an unlimited fault off and on from its switch', async () => {
    const toggle = await addHealthFault(await ctx.open('faults'));
    const page = ctx.page;
    expect(await toggle.isChecked()).toBe(true);
    const health = () => fetch(`${ctx.server.baseUrl(DEPARTEMENT)}/manage/health`).then((r) => r.status);
    expect(await health()).toBe(503);

    await toggle.uncheck();
    await page.locator('li.fault input[role="switch"]:not(:checked):enabled').waitFor();
    expect(await health()).toBe(200);
    await toggle.check();
    await page.locator('li.fault input[role="switch"]:checked:enabled').waitFor();
    expect(await health()).toBe(503);
    await page.getByRole('button', { name: /^Remove the fault/ }).click();
    await page.getByText('No fault rules').waitFor();
    expect(await health()).toBe(200);
  });

  it('keeps a switch where the user put it when a reload read before the change lands during it', async () => {
    const toggle = await addHealthFault(await ctx.open('faults'));
    const page = ctx.page;

    // The reload after switching off is read from the server at once (off) but answered only later; the next PATCH
    // (switching on again) is held until that stale answer has been rendered.
    const staleRead = Promise.withResolvers<void>();
    const staleAnswered = Promise.withResolvers<void>();
    const patchHeld = Promise.withResolvers<void>();
    const releasePatch = Promise.withResolvers<void>();
    let reads = 0;
    let patches = 0;
    await page.route('**/console/api/faults**', async (route) => {
      const method = route.request().method();
      if (method === 'GET' && ++reads === 1) {
        const response = await route.fetch();
        staleRead.resolve();
        await staleAnswered.promise;
        return route.fulfill({ response });
      }
      if (method === 'PATCH' && ++patches === 2) {
        patchHeld.resolve();
        await releasePatch.promise;
      }
      return route.fallback();
    });

    await toggle.uncheck();
    await staleRead.promise;
    await toggle.check();
    await patchHeld.promise;
    const answered = page.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith('/faults'));
    staleAnswered.resolve();
    await answered;
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
    expect(await toggle.isChecked(), 'the stale "off" must not undo the click').toBe(true);

    releasePatch.resolve();
    await page.locator('li.fault input[role="switch"]:checked:enabled').waitFor();
    expect(await fetch(`${ctx.server.baseUrl(DEPARTEMENT)}/manage/health`).then((r) => r.status)).toBe(503);
    expect(reads, 'the stale answer was read again').toBeGreaterThan(1);
  });

  it('shows a webhook subscription and each push with the endpoint answer', async () => {
    const endpoint = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/hooks/eformidling`;
    try {
      const page = await ctx.open('webhooks');
      await page.getByText('No subscriptions.').waitFor();
      const ip = new IntegrasjonspunktClient({ baseUrl: ctx.server.baseUrl(DEPARTEMENT), retry: false });
      await ip.subscriptions.create({ name: 'sak', pushEndpoint: hook, resource: 'messages', event: 'status' });
      const table = page.locator('table').filter({ hasText: hook });
      await table.waitFor();
      expect(await table.textContent()).toContain('messages · status');

      await sendArkivmelding(ctx.server, DEPARTEMENT, KOMMUNE, 'Med webhook');
      const pushes = page.locator('li.panel', { hasText: hook });
      await pushes
        .filter({ hasText: /^status/ })
        .first()
        .getByText('204')
        .waitFor();
      const ping = pushes.filter({ hasText: /^ping/ });
      await ping.getByText('204').waitFor();
      expect(await ping.textContent()).toMatch(/\d+ ms/);
    } finally {
      await new Promise((resolve) => endpoint.close(resolve));
    }
  });
});

/** Adds an unlimited 503 on /manage/health in the faults view; resolves with its switch, once it shows on. */
async function addHealthFault(page: Page): Promise<Locator> {
  await page.getByLabel('Route (path pattern)').fill('/manage/health');
  await page.getByLabel('Effect').selectOption('status');
  await page.getByLabel('Times').fill('');
  await page.getByRole('button', { name: 'Add fault' }).click();
  await page.locator('li.fault input[role="switch"]:checked:enabled').waitFor();
  return page.getByRole('switch');
}
