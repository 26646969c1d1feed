import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTestPki } from './tls.js';

describe('the test PKI', () => {
  it('is made without openssl: a CA, a server certificate for 127.0.0.1/localhost and a client certificate', () => {
    const path = process.env.PATH;
    process.env.PATH = ''; // no external program can be found
    let pki: ReturnType<typeof createTestPki>;
    try {
      pki = createTestPki();
    } finally {
      process.env.PATH = path;
    }
    const ca = new X509Certificate(pki.ca);
    const server = new X509Certificate(pki.serverCert);
    const client = new X509Certificate(pki.clientCert);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    for (const cert of [server, client]) {
      expect(cert.checkIssued(ca)).toBe(true);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 86_400_000);
    }
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkPrivateKey(createPrivateKey(pki.serverKey))).toBe(true);
    expect(client.subject).toBe('CN=fagsystem');
    expect(server.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(client.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(createTestPki().ca).not.toBe(pki.ca); // a new CA every time
  });
});
