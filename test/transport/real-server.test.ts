import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionError, IntegrasjonspunktClient, TimeoutError } from 'eformidling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Failure paths that need a real socket: a body that stalls after the headers, and a reset mid-body.
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/api/capabilities/910075918') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"capabilities":'); // …and never more
    } else if (req.url === '/api/capabilities/910077473') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"capabilities":');
      setTimeout(() => res.socket?.destroy(), 10);
    } else {
      res.writeHead(204).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('over a real socket', () => {
  it('times out a body that stops arriving after the headers', async () => {
    const ip = new IntegrasjonspunktClient({ baseUrl: base, retry: false, timeoutMs: 100 });
    const error = await ip.capabilities.get('910075918').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('reports a connection reset in the middle of a body as ConnectionError', async () => {
    const ip = new IntegrasjonspunktClient({ baseUrl: base, retry: false });
    const error = await ip.capabilities.get('910077473').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).not.toBeInstanceOf(TimeoutError);
  });

  it('rejects with the caller reason when aborted while the body is read', async () => {
    const ip = new IntegrasjonspunktClient({ baseUrl: base, retry: false, timeoutMs: 5_000 });
    const controller = new AbortController();
    const reason = new Error('stop');
    setTimeout(() => controller.abort(reason), 50);
    await expect(ip.capabilities.get('910075918', { signal: controller.signal })).rejects.toBe(reason);
  });
});
