import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IntegrasjonspunktClient, NotIntegrasjonspunktError, ServerError } from 'eformidling';
import { afterEach, describe, expect, it } from 'vitest';

// ip.manage against servers that answer as a DOWN IP, a gateway or a broken IP would (the simulator is always UP).
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A server answering every request with `status` and `body` (a stand-in for an IP reporting itself). */
async function answering(status: number, body: string): Promise<string> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('ip.manage against other answers', () => {
  it('health() reads a 503 with Spring’s DOWN body as a report, not an error', async () => {
    const body = JSON.stringify({ status: 'DOWN', components: { db: { status: 'DOWN', details: { error: 'timeout' } } } });
    const ip = new IntegrasjonspunktClient({ baseUrl: await answering(503, body), retry: false });
    await expect(ip.manage.health()).resolves.toEqual({
      status: 'DOWN',
      components: { db: { status: 'DOWN', details: { error: 'timeout' } } },
      httpStatus: 503,
    });
  });

  it('health() says DOWN for a 503 without Spring’s body and UNKNOWN for a 200 without it', async () => {
    const down = new IntegrasjonspunktClient({ baseUrl: await answering(503, '<html>unavailable</html>'), retry: false });
    await expect(down.manage.health()).resolves.toEqual({ status: 'DOWN', components: {}, httpStatus: 503 });
    const odd = new IntegrasjonspunktClient({ baseUrl: await answering(200, '{"hello":1}'), retry: false });
    await expect(odd.manage.health()).resolves.toEqual({ status: 'UNKNOWN', components: {}, httpStatus: 200 });
  });

  it('health() still fails on other errors', async () => {
    const ip = new IntegrasjonspunktClient({
      baseUrl: await answering(500, '{"status":500,"error":"Internal Server Error"}'),
      retry: false,
    });
    await expect(ip.manage.health()).rejects.toBeInstanceOf(ServerError);
  });

  it('info() fails when a gateway closed the endpoint, and is not retried', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html>not here</html>');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const ip = new IntegrasjonspunktClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    await expect(ip.manage.info()).rejects.toBeInstanceOf(NotIntegrasjonspunktError);
    expect(requests).toBe(1);
  });
});
