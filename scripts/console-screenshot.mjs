// `npm run console:screenshot`: starts the built simulator with a few messages in different states, opens its
// console in Debian's chromium at 1280×800 and writes docs/console.png (the README's picture).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { arkivmelding, arkivmeldingXml, IntegrasjonspunktClient, messageIdOf } from '../dist/index.js';
import { DEPARTEMENT, KOMMUNE, startSimulator } from '../dist/mock/index.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const OUT = join(ROOT, 'docs', 'console.png');

const server = await startSimulator({ port: 0, clock: { mode: 'manual', start: Date.parse('2026-08-20T09:00:00Z') }, autoDeliver: false });
const consoleUrl = server.consoleUrl ?? `${server.url}/console/`;
const api = (path, body) =>
  fetch(`${consoleUrl}api${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => {
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json();
  });

try {
  const sak = new IntegrasjonspunktClient({ baseUrl: server.baseUrl(DEPARTEMENT), retry: false });
  const titles = ['Vedtak i byggesak 2026/1234', 'Melding om tilsyn', 'Svar på innsynskrav', 'Høring: reguleringsplan Sentrum'];
  const sent = [];
  for (const tittel of titles) {
    const pdf = Buffer.from(`%PDF-1.7\n% ${tittel}\n`);
    const stored = await sak.send({
      sbd: arkivmelding({ receiver: KOMMUNE, hoveddokument: 'vedtak.pdf' }),
      files: [
        {
          filename: 'arkivmelding.xml',
          content: arkivmeldingXml({ tittel, files: ['vedtak.pdf'], saksaar: 2026, sakssekvensnummer: 1234 }),
        },
        { filename: 'vedtak.pdf', content: pdf, mimeType: 'application/pdf' },
      ],
    });
    sent.push(messageIdOf(stored));
  }
  const key = (id) => `${DEPARTEMENT}/out/${encodeURIComponent(id)}`;
  await api(`/messages/${key(sent[0])}/deliver`, { acknowledge: true });
  await api(`/messages/${key(sent[1])}/read`, {});
  await api(`/messages/${key(sent[2])}/deliver`, { acknowledge: false });
  await api('/compose', {
    from: KOMMUNE,
    to: DEPARTEMENT,
    type: 'arkivmelding',
    params: { tittel: 'Søknad om dispensasjon' },
    files: [{ filename: 'soknad.pdf', mimeType: 'application/pdf', text: '%PDF-1.7\n' }],
    deliverNow: true,
  });
  await api('/faults', { method: 'GET', path: '/api/statuses', status: 503, retryAfter: '1', times: 2 });

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'Europe/Oslo' });
    await page.goto(`${consoleUrl}#/messages`);
    await page.locator('.live[data-state="open"]').waitFor();
    await page.locator('table.messages tbody tr').nth(5).waitFor();
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: OUT });
    console.log(`wrote ${OUT}`);
  } finally {
    await browser.close();
  }
} finally {
  await server.close();
}
