import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleServed, isLoopback } from '../../src/mock/console/index.js';
import { openEvents, readAnswer, startConsole } from './console-harness.js';

/** The console's safety rules (docs/console-api.md, "Serving and safety") and its static page. */

/** A request with headers fetch will not set (Host). */
function raw(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode as number, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let page: string;
beforeAll(async () => {
  page = await mkdtemp(join(tmpdir(), 'console-page-'));
  await writeFile(join(page, 'index.html'), '<!doctype html><title>console</title><script type="module" src="app.js"></script>');
  await writeFile(join(page, 'app.js'), 'export {};');
  await writeFile(join(page, '.secret'), 'no');
});
afterAll(() => rm(page, { recursive: true, force: true }));

describe('where the console is served', () => {
  it('only on loopback unless consoleRemote, and never with console: false', () => {
    expect(consoleServed('127.0.0.1', {})).toBe(true);
    expect(consoleServed('::1', {})).toBe(true);
    expect(consoleServed('0.0.0.0', {})).toBe(false);
    expect(consoleServed('::', {})).toBe(false);
    expect(consoleServed('192.168.1.20', {})).toBe(false);
    expect(consoleServed('192.168.1.20', { consoleRemote: true })).toBe(true);
    expect(consoleServed('127.0.0.1', { console: false })).toBe(false);
  });

  it('knows the loopback names', () => {
    for (const host of ['localhost', 'LOCALHOST.', 'app.localhost', '127.0.0.1', '127.8.9.10', '[::1]', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopback(host), host).toBe(true);
    }
    for (const host of ['example.test', '10.0.0.1', '128.0.0.1', 'localhost.example', '[::2]', '0.0.0.0']) {
      expect(isLoopback(host), host).toBe(false);
    }
  });

  it('console: false leaves /console to the IP (an ordinary 404) and gives no URL', async () => {
    const { server } = await startConsole({ console: false });
    expect(server.consoleUrl).toBeUndefined();
    const res = await readAnswer(await fetch(`${server.url}/console/api/network`));
    expect(res.status).toBe(404);
    expect(res.body.exception).toBe('org.springframework.web.servlet.resource.NoResourceFoundException');
  });
});

describe('console guards', () => {
  it('refuses a Host that is not a loopback name (DNS rebinding)', async () => {
    const { server } = await startConsole();
    const url = `${server.url}/console/api/network`;
    const refused = await raw(url, { host: 'attacker.example:9093' });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'forbidden_host' });
    expect((await raw(url, { host: `localhost:${server.port}` })).status).toBe(200);
    // The simulated IPs themselves are not the console's business.
    expect((await raw(`${server.baseUrl('910077473')}/manage/health`, { host: 'attacker.example' })).status).toBe(200);
  });

  it('requires the simulator’s Basic auth on the API, the event stream and the page', async () => {
    const { server } = await startConsole({ basicAuth: { username: 'sak', password: 'hemmelig' }, consoleDir: page });
    const good = { authorization: `Basic ${Buffer.from('sak:hemmelig').toString('base64')}` };
    const bad = { authorization: `Basic ${Buffer.from('sak:feil').toString('base64')}` };
    for (const path of ['/console/api/network', '/console/api/events', '/console/']) {
      const denied = await fetch(`${server.url}${path}`);
      expect(denied.status, path).toBe(401);
      expect(denied.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect((await denied.json()).error).toBe('unauthorized');
      expect((await fetch(`${server.url}${path}`, { headers: bad })).status).toBe(401);
    }
    expect((await fetch(`${server.url}/console/api/network`, { headers: good })).status).toBe(200);
    expect((await fetch(`${server.url}/console/`, { headers: good })).status).toBe(200);
    const events = await openEvents(`${server.url}/console/api/events`, good);
    await events.close();
  });

  it('changes state only for JSON or multipart bodies from the same origin', async () => {
    const { server, api } = await startConsole();
    const advance = (headers: Record<string, string>, body = '{"ms":1}') =>
      fetch(`${server.url}/console/api/clock/advance`, { method: 'POST', headers, body }).then(readAnswer);
    expect(await advance({ 'content-type': 'text/plain' })).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } });
    expect((await advance({ 'content-type': 'application/x-www-form-urlencoded' }, 'ms=1')).status).toBe(415);
    expect((await advance({})).status).toBe(415);
    const crossSite = await advance({ 'content-type': 'application/json', origin: 'http://attacker.example' });
    expect(crossSite).toMatchObject({ status: 403, body: { error: 'forbidden_origin' } });
    expect((await advance({ 'content-type': 'application/json', origin: 'null' })).status).toBe(403);
    expect((await advance({ 'content-type': 'application/json', origin: server.url })).status).toBe(200);
    const deleteFromElsewhere = await fetch(`${server.url}/console/api/faults`, {
      method: 'DELETE',
      headers: { origin: 'http://attacker.example' },
    });
    expect(deleteFromElsewhere.status).toBe(403);
    // A multipart body is accepted only where the API reads one.
    const form = new FormData();
    form.append('ms', '1');
    expect((await fetch(`${server.url}/console/api/clock/advance`, { method: 'POST', body: form })).status).toBe(415);
    expect((await api('/clock')).body.nowMs).toBeGreaterThan(0);
  });
});

describe('the console page', () => {
  it('serves the static files with headers that keep the page on its own origin', async () => {
    const { server } = await startConsole({ consoleDir: page });
    const bare = await fetch(`${server.url}/console?x=1`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/console/?x=1');
    const index = await fetch(`${server.url}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toMatch(/^default-src 'self'/);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toContain('<title>console</title>');
    const script = await fetch(`${server.url}/console/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const head = await fetch(`${server.url}/console/app.js`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('10');
    for (const path of ['/console/.secret', '/console/..%2Fpackage.json', '/console/missing.js', '/console/%E0%A4%A', '/console/a//b']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
      expect((await res.json()).error).toBe('not_found');
    }
    const post = await fetch(`${server.url}/console/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(post.status).toBe(405);
  });

  it('says so when the page is not built, while the API still works', async () => {
    const { server, api } = await startConsole({ consoleDir: join(page, 'nowhere') });
    const res = await fetch(`${server.url}/console/`);
    expect(res.status).toBe(404);
    expect((await res.json()).message).toMatch(/not built/);
    expect((await api('/clock')).status).toBe(200);
  });
});
