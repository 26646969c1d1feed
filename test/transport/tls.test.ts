import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ConnectionError, IntegrasjonspunktClient } from 'eformidling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki, type TestPki } from '../helpers/tls.js';

let pki: TestPki;
let server: Server;
let base: string;
let seenClientCert: string | undefined;
let uploaded: { size: number; length: string | undefined; disposition: string | undefined } | undefined;

beforeAll(async () => {
  pki = createTestPki();
  server = createServer(
    { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as import('node:tls').TLSSocket;
      const cn = socket.getPeerCertificate()?.subject?.CN;
      seenClientCert = Array.isArray(cn) ? cn[0] : cn;
      if (req.method === 'PUT' && req.url?.startsWith('/api/messages/out/')) {
        let size = 0;
        req.on('data', (chunk: Buffer) => {
          size += chunk.length;
        });
        req.on('end', () => {
          uploaded = { size, length: req.headers['content-length'], disposition: req.headers['content-disposition'] };
          res.writeHead(200).end();
        });
        return;
      }
      if (req.url === '/api/capabilities/910075918') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"capabilities":[]}');
      } else {
        res.writeHead(404).end();
      }
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('HTTPS with a private CA', () => {
  it('verifies the IP against the given CA', async () => {
    const ip = new IntegrasjonspunktClient({ baseUrl: base, tls: { ca: pki.ca }, retry: false });
    await expect(ip.capabilities.get('910075918')).resolves.toEqual({ capabilities: [] });
  });

  it('presents a client certificate for mutual TLS', async () => {
    const ip = new IntegrasjonspunktClient({ baseUrl: base, tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey }, retry: false });
    await ip.capabilities.get('910075918');
    expect(seenClientCert).toBe('fagsystem');
  });

  it('refuses an IP whose certificate it cannot verify', async () => {
    const ip = new IntegrasjonspunktClient({ baseUrl: base, retry: false });
    const error = await ip.capabilities.get('910075918').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/certificate|SELF_SIGNED|UNABLE_TO_VERIFY/i);
  });

  it('cannot switch verification off', () => {
    expect(() => new IntegrasjonspunktClient({ baseUrl: base, tls: { ca: pki.ca, rejectUnauthorized: false } as never })).toThrow(
      /cannot be switched off/,
    );
  });

  it('streams an upload with Content-Length through the TLS path', async () => {
    const ip = new IntegrasjonspunktClient({ baseUrl: base, tls: { ca: pki.ca }, retry: false });
    const chunk = new Uint8Array(64 * 1024).fill(7);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 16; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    await ip.outgoing.upload('5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90', { filename: 'kart.pdf', content: stream, size: 16 * chunk.length });
    expect(uploaded).toEqual({ size: 1_048_576, length: '1048576', disposition: 'attachment; filename="kart.pdf"' });
  });

  it('maps an HTTP error through the TLS path too', async () => {
    const ip = new IntegrasjonspunktClient({ baseUrl: base, tls: { ca: pki.ca }, retry: false });
    await expect(ip.conversations.get(1)).rejects.toMatchObject({ status: 404 });
  });
});
