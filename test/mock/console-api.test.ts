import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openAsic } from 'eformidling';
import { describe, expect, it } from 'vitest';
import { errorResponse } from '../../src/mock/console/http.js';
import { START } from './both-faces.js';
import { sendWithSdk, startConsole } from './console-harness.js';
import { DEPARTEMENT, KOMMUNE } from './fixtures.js';

/** The console API's contract (docs/console-api.md): each endpoint's answer and errors, against a real HTTP server. */

describe('console API: network and clock', () => {
  it('lists the participants with their services, base URLs and queues, the root and the clock', async () => {
    const { api, server } = await startConsole();
    const { status, body } = await api('/network');
    expect(status).toBe(200);
    expect(body.root).toBe(DEPARTEMENT);
    expect(body.clock).toEqual({ mode: 'manual', now: new Date(START).toISOString(), nowMs: START });
    const kommune = body.participants.find((p: { id: string }) => p.id === KOMMUNE);
    expect(kommune).toMatchObject({
      name: 'Eksempel kommune',
      hasIntegrationPoint: true,
      baseUrl: server.baseUrl(KOMMUNE),
      queues: { outgoing: 0, incoming: 0 },
    });
    expect(kommune.enabledServices).toContain('DPO');
    expect(kommune.accepts).toContainEqual(
      expect.objectContaining({ service: 'DPO', process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0', securityLevel: 4 }),
    );
    const withoutIp = body.participants.find((p: { hasIntegrationPoint: boolean }) => !p.hasIntegrationPoint);
    expect(withoutIp).toMatchObject({ baseUrl: null, enabledServices: [], queues: null });
    expect(server.consoleUrl).toBe(`${server.url}/console/`);
    // The values for the page's filters come from the SDK's models, not a copy in the page.
    expect(body.statuses).toEqual(expect.arrayContaining(['OPPRETTET', 'LEVERT', 'LEST', 'FEIL', 'LEVETID_UTLOPT', 'INNKOMMENDE_LEVERT']));
    expect(body.services).toEqual(['DPO', 'DPV', 'DPI', 'DPF', 'DPE', 'DPH']);
  });

  it('advances the clock, and refuses a negative or missing amount', async () => {
    const { api } = await startConsole();
    expect((await api('/clock/advance', { method: 'POST', json: { ms: 60_000 } })).body).toMatchObject({ nowMs: START + 60_000 });
    expect((await api('/clock')).body.nowMs).toBe(START + 60_000);
    const negative = await api('/clock/advance', { method: 'POST', json: { ms: -1 } });
    expect(negative.status).toBe(400);
    expect(negative.body).toMatchObject({ error: 'bad_request', message: expect.stringMatching(/^ms: /) });
    expect((await api('/clock/advance', { method: 'POST', json: {} })).status).toBe(400);
    const notJson = await api('/clock/advance', { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } });
    expect(notJson.body).toMatchObject({ error: 'bad_request', message: expect.stringMatching(/not JSON/) });
  });

  it('answers unknown paths, wrong methods and bad encodings with the error JSON', async () => {
    const { api } = await startConsole();
    expect(await api('/nothing')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    const wrong = await api('/network', { method: 'DELETE' });
    expect(wrong).toMatchObject({ status: 405, body: { error: 'method_not_allowed' } });
    expect(wrong.headers.get('allow')).toBe('GET');
    expect((await api('/events', { method: 'POST', json: {} })).status).toBe(405);
    expect((await api(`/messages/${DEPARTEMENT}/out/%E0%A4%A`)).body.error).toBe('bad_request');
    const notAnObject = await api('/clock/advance', { method: 'POST', json: 5 });
    expect(notAnObject.body.message).toMatch(/^body: /);
  });

  it('an empty JSON body is an empty object; an unexpected failure is a 500 internal_error', async () => {
    const { api, client } = await startConsole();
    const id = await sendWithSdk(client(DEPARTEMENT));
    const empty = await api(`/messages/${DEPARTEMENT}/out/${id}/deliver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.status).toBe(200);
    const internal = errorResponse(new TypeError('boom'));
    expect(internal.status).toBe(500);
    expect(await internal.json()).toEqual({ error: 'internal_error', message: 'boom' });
    expect(await errorResponse('odd').json()).toEqual({ error: 'internal_error', message: 'odd' });
  });
});

describe('console API: messages', () => {
  it('shows an outgoing message while it is built, queued and transmitted, and the incoming one at the receiver', async () => {
    const { api, client, server } = await startConsole();
    const id = await sendWithSdk(client(DEPARTEMENT), 'Byggesak 2026/7');
    const out = await api(`/messages/${DEPARTEMENT}/out/${id}`);
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({
      key: `${DEPARTEMENT}/out/${id}`,
      messageId: id,
      direction: 'out',
      owner: DEPARTEMENT,
      serviceIdentifier: 'DPO',
      process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
      documentType: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
      type: 'arkivmelding',
      title: 'Byggesak 2026/7',
      status: 'OPPRETTET',
      finished: false,
      incoming: null,
      outgoing: { state: 'queued' },
      arkivmelding: { offentligTittel: 'Byggesak 2026/7', journalpostnummer: '17', referencedFiles: ['vedtak.pdf'] },
      asic: null,
    });
    expect(out.body.sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier).toBe(id);
    expect(out.body.statuses).toEqual([
      { id: expect.any(Number), status: 'OPPRETTET', description: null, at: new Date(START).toISOString() },
    ]);
    const pdf = out.body.outgoing.files.find((f: { filename: string }) => f.filename === 'vedtak.pdf');
    expect(pdf).toMatchObject({ mimeType: 'application/pdf', size: 15, primary: true, dokumentnummer: 2 });
    const file = await fetch(`${server.url}${pdf.url}`);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''vedtak.pdf");
    expect(await file.text()).toBe('%PDF-1.7 vedtak');
    expect(await (await fetch(`${server.url}${out.body.arkivmelding.url}`)).text()).toContain(
      '<offentligTittel>Byggesak 2026/7</offentligTittel>',
    );

    server.simulator.deliverAll();
    const sent = await api(`/messages/${DEPARTEMENT}/out/${id}`);
    expect(sent.body.outgoing).toEqual({ state: 'transmitted', files: [] });
    expect(sent.body.statuses.map((s: { status: string }) => s.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT']);
    expect(sent.body.sbd).toBeNull();

    const incoming = await api(`/messages/${KOMMUNE}/in/${id}`);
    expect(incoming.body).toMatchObject({
      direction: 'in',
      owner: KOMMUNE,
      // The IP keeps an incoming conversation's messageTitle empty; the console shows the sending side's.
      title: 'Byggesak 2026/7',
      status: 'INNKOMMENDE_MOTTATT',
      outgoing: null,
      incoming: { state: 'queued', lockedUntil: null, popped: false },
    });
    const names = incoming.body.asic.entries.map((e: { name: string }) => e.name);
    expect(names).toEqual(expect.arrayContaining(['mimetype', 'manifest.xml', 'arkivmelding.xml', 'vedtak.pdf', 'META-INF/manifest.xml']));
    const entry = incoming.body.asic.entries.find((e: { name: string }) => e.name === 'vedtak.pdf');
    expect(await (await fetch(`${server.url}${entry.url}`)).text()).toBe('%PDF-1.7 vedtak');
    const manifest = incoming.body.asic.entries.find((e: { name: string }) => e.name === 'META-INF/manifest.xml');
    expect(await (await fetch(`${server.url}${manifest.url}`)).text()).toContain('manifest:file-entry');
    const zip = await fetch(`${server.url}${incoming.body.asic.url}`);
    expect(zip.headers.get('content-type')).toBe('application/vnd.etsi.asic-e+zip');
    const container = await openAsic(Buffer.from(await zip.arrayBuffer()));
    expect(container.documents.map((d) => d.name)).toEqual(['vedtak.pdf', 'arkivmelding.xml']);
    await container.close();
    expect((await api(`/messages/${KOMMUNE}/in/${id}/asic/nothing.pdf`)).status).toBe(404);

    // Peek locks it: the console shows the lock and its deadline; nothing the console read popped or locked it.
    await client(KOMMUNE).incoming.peek();
    const locked = await api(`/messages/${KOMMUNE}/in/${id}`);
    expect(locked.body.incoming).toMatchObject({ state: 'locked', lockedUntil: new Date(START + 5 * 60_000).toISOString(), popped: false });
    await client(KOMMUNE).incoming.pop(id);
    expect((await api(`/messages/${KOMMUNE}/in/${id}`)).body.incoming.popped).toBe(true);
    await client(KOMMUNE).incoming.delete(id);
    const gone = await api(`/messages/${KOMMUNE}/in/${id}`);
    expect(gone.body.incoming).toEqual({ state: 'acknowledged', lockedUntil: null, popped: true, files: [] });
    expect(gone.body.asic).toBeNull();
    expect((await api(`/messages/${KOMMUNE}/in/${id}/asic`)).status).toBe(404);
    expect((await api(`/messages/${KOMMUNE}/in/${id}/files/1`)).status).toBe(404);
    expect((await api(`/messages/${KOMMUNE}/in/${id}/arkivmelding`)).status).toBe(404);
  });

  it('lists both directions newest first, filtered by participant, direction, status, service and id', async () => {
    const { api, client, server } = await startConsole();
    const first = await sendWithSdk(client(DEPARTEMENT));
    server.simulator.deliverAll();
    const second = await sendWithSdk(client(DEPARTEMENT));
    const all = await api('/messages');
    expect(all.body.total).toBe(3);
    expect(all.body.messages.map((m: { key: string }) => m.key)).toEqual([
      `${DEPARTEMENT}/out/${second}`,
      `${KOMMUNE}/in/${first}`,
      `${DEPARTEMENT}/out/${first}`,
    ]);
    const keys = async (query: string) => (await api(`/messages?${query}`)).body.messages.map((m: { key: string }) => m.key);
    expect(await keys(`participant=${KOMMUNE}`)).toEqual([`${KOMMUNE}/in/${first}`]);
    expect(await keys('direction=out&status=OPPRETTET')).toEqual([`${DEPARTEMENT}/out/${second}`]);
    expect(await keys('service=DPV')).toEqual([]);
    expect(await keys(`q=${first.slice(0, 8).toUpperCase()}`)).toEqual([`${KOMMUNE}/in/${first}`, `${DEPARTEMENT}/out/${first}`]);
    const limited = await api('/messages?limit=1');
    expect(limited.body).toMatchObject({ total: 3, messages: [{ messageId: second }] });
    expect((await api('/messages?direction=sideways')).status).toBe(400);
    expect((await api('/messages?limit=-1')).status).toBe(400);
    expect((await api(`/messages/${DEPARTEMENT}/in/${second}`)).body.error).toBe('not_found');
    expect((await api(`/messages/123456789/out/${second}`)).status).toBe(404);
    expect((await api(`/messages/${DEPARTEMENT}/up/${second}`)).status).toBe(400);
  });
});

describe('console API: files spilled to disk', () => {
  it('serves files and ASiC-E entries the simulator keeps in temp files', async () => {
    const { api, client, server } = await startConsole({ spillThresholdBytes: 4 });
    const id = await sendWithSdk(client(DEPARTEMENT));
    const out = (await api(`/messages/${DEPARTEMENT}/out/${id}`)).body;
    const pdf = out.outgoing.files.find((f: { filename: string }) => f.filename === 'vedtak.pdf');
    expect(await (await fetch(`${server.url}${pdf.url}`)).text()).toBe('%PDF-1.7 vedtak');
    server.simulator.deliverAll();
    const incoming = (await api(`/messages/${KOMMUNE}/in/${id}`)).body;
    expect(incoming.arkivmelding.journalpostnummer).toBe('17');
    const entry = incoming.asic.entries.find((e: { name: string }) => e.name === 'vedtak.pdf');
    expect(await (await fetch(`${server.url}${entry.url}`)).text()).toBe('%PDF-1.7 vedtak');
  });
});

describe('console API: logs', () => {
  it('logs every request to the IPs with its route template, status and face', async () => {
    const { api, client } = await startConsole();
    const id = await sendWithSdk(client(DEPARTEMENT));
    const { body } = await api(`/requests?participant=${DEPARTEMENT}`);
    const templates = body.requests.map((r: { method: string; template: string }) => `${r.method} ${r.template}`);
    expect(templates).toContain('POST /api/messages/out/multipart');
    const multipart = body.requests.find((r: { template: string }) => r.template === '/api/messages/out/multipart');
    expect(multipart).toMatchObject({
      face: 'http',
      org: DEPARTEMENT,
      path: '/api/messages/out/multipart',
      status: 200,
      fault: null,
      query: '',
    });
    expect(multipart.durationMs).toBeGreaterThanOrEqual(0);
    // The line the SDK's debug log and the CLI's --verbose print for a request.
    expect(multipart.line).toMatch(/^POST \/api\/messages\/out\/multipart → 200 \d+ ms$/);
    await client(DEPARTEMENT).conversations.getByMessageId(id);
    const last = await api(`/requests?since=${multipart.id}&limit=1`);
    expect(last.body.requests).toEqual([
      expect.objectContaining({ template: '/api/conversations/messageId/{messageId}', path: `/api/conversations/messageId/${id}` }),
    ]);
    await fetch(`${client(DEPARTEMENT).baseUrl}/api/nothing?x=1`);
    const unknown = (await api('/requests?limit=1')).body.requests[0];
    expect(unknown).toMatchObject({ template: null, status: 404, query: '?x=1' });
    expect((await api('/requests?face=msw')).body.requests).toEqual([]);
    expect((await api('/requests?face=carrier-pigeon')).status).toBe(400);
    expect((await api('/requests?limit=0')).body.requests).toEqual([]);
  });

  it('shows the webhook subscriptions and each push with its answer and timing', async () => {
    const pushes: string[] = [];
    const receiver = createServer((req, res) => {
      req.resume();
      pushes.push(req.url as string);
      res.writeHead(req.url === '/broken' ? 500 : 204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    try {
      const { api, client, server } = await startConsole();
      const ip = client(DEPARTEMENT);
      await ip.subscriptions.create({ name: 'statuses', pushEndpoint: `${endpoint}/hook`, resource: 'all', event: 'all' });
      await ip.subscriptions.create({
        name: 'broken',
        pushEndpoint: `${endpoint}/broken`,
        resource: 'all',
        event: 'all',
        filter: 'status=LEVERT',
      });
      await sendWithSdk(ip);
      await server.simulator.settle();
      const { body } = await api('/webhooks');
      expect(body.subscriptions).toEqual([
        expect.objectContaining({ owner: DEPARTEMENT, name: 'statuses', pushEndpoint: `${endpoint}/hook`, filter: null }),
        expect.objectContaining({ owner: DEPARTEMENT, name: 'broken', filter: 'status=LEVERT' }),
      ]);
      const pings = body.deliveries.filter((d: { event: string }) => d.event === 'ping');
      expect(pings.map((d: { url: string; status: number }) => [d.url, d.status])).toEqual([
        [`${endpoint}/hook`, 204],
        [`${endpoint}/broken`, 500],
      ]);
      const statuses = body.deliveries.filter((d: { event: string }) => d.event === 'status');
      expect(statuses.map((d: { body: { status: string } }) => d.body.status)).toEqual(['OPPRETTET', 'SENDT', 'MOTTATT']);
      for (const d of body.deliveries) {
        expect(d).toMatchObject({ from: DEPARTEMENT, done: true, error: null });
        expect(d.durationMs).toBeGreaterThanOrEqual(0);
      }
      expect(new Set(body.deliveries.map((d: { id: number }) => d.id)).size).toBe(body.deliveries.length);
      expect(pushes).toHaveLength(5);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
