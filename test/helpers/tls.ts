/**
 * A private PKI for the HTTPS tests, made in process with `node:crypto` (no openssl needed): a CA, a server
 * certificate for 127.0.0.1/localhost signed by it, and a client certificate, all ECDSA P-256, valid for two days.
 * The certificates are X.509 v3 (RFC 5280) written here in DER, the few structures the tests need and nothing more.
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

/** A CA, a server certificate for 127.0.0.1/localhost signed by it, and a client certificate (PEM). */
export interface TestPki {
  ca: string;
  serverKey: string;
  serverCert: string;
  clientKey: string;
  clientCert: string;
}

// --- DER encoding (ITU-T X.690), just the types a certificate uses ---

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
const octets = (content: Buffer) => tlv(0x04, content);
const bits = (content: Buffer) => tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
const bool = (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0]));
const explicit = (n: number, content: Buffer) => tlv(0xa0 | n, content);

function integer(value: Buffer | number): Buffer {
  let bytes = typeof value === 'number' ? Buffer.from([value]) : value;
  while (bytes.length > 1 && bytes[0] === 0 && (bytes[1] as number) < 0x80) bytes = bytes.subarray(1);
  if ((bytes[0] as number) >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
}

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const out = [40 * first + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function utcTime(date: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const text = `${p(date.getUTCFullYear() % 100)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}${p(date.getUTCHours())}${p(date.getUTCMinutes())}${p(date.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

const OID = {
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
} as const;

const name = (cn: string) => seq(set(seq(oid(OID.commonName), tlv(0x0c, Buffer.from(cn, 'utf8')))));
const extension = (id: string, critical: boolean, value: Buffer) => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

/** KeyUsage bits: digitalSignature (0), keyCertSign (5), cRLSign (6), as a DER BIT STRING. */
function keyUsage(ca: boolean): Buffer {
  return ca ? tlv(0x03, Buffer.from([0x01, 0x86])) : tlv(0x03, Buffer.from([0x07, 0x80]));
}

/** The SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2, method 1). */
function keyId(spki: Buffer): Buffer {
  // SPKI = SEQUENCE { AlgorithmIdentifier, BIT STRING }: for P-256 the key bits are the last 65 bytes.
  return createHash('sha1')
    .update(spki.subarray(spki.length - 65))
    .digest();
}

interface Issued {
  key: KeyObject;
  cert: Buffer;
  spki: Buffer;
  subject: Buffer;
}

function issue(options: { cn: string; ca?: boolean; issuer?: Issued; usage?: string; san?: { ip?: string[]; dns?: string[] } }): Issued {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const subject = name(options.cn);
  const signer = options.issuer ?? { key: privateKey, spki, subject };
  const now = Date.now();
  const extensions = [
    extension(OID.basicConstraints, true, options.ca ? seq(bool(true)) : seq()),
    extension(OID.keyUsage, true, keyUsage(options.ca === true)),
    extension(OID.subjectKeyIdentifier, false, octets(keyId(spki))),
    extension(OID.authorityKeyIdentifier, false, seq(tlv(0x80, keyId(signer.spki)))),
  ];
  if (options.usage) extensions.push(extension(OID.extKeyUsage, false, seq(oid(options.usage))));
  if (options.san) {
    const names = [
      ...(options.san.ip ?? []).map((ip) => tlv(0x87, Buffer.from(ip.split('.').map(Number)))),
      ...(options.san.dns ?? []).map((dns) => tlv(0x82, Buffer.from(dns, 'ascii'))),
    ];
    extensions.push(extension(OID.subjectAltName, false, seq(...names)));
  }
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const tbs = seq(
    explicit(0, integer(2)), // v3
    integer(serial),
    algorithm,
    signer.subject,
    seq(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 2 * 86_400_000))),
    subject,
    spki,
    explicit(3, seq(...extensions)),
  );
  const signature = sign('sha256', tbs, signer.key); // DER-encoded ECDSA-Sig-Value, as X.509 wants it
  return { key: privateKey, cert: seq(tbs, algorithm, bits(signature)), spki, subject };
}

function pem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

const keyPem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Makes a fresh PKI in memory (a new CA each call, so tests cannot trust each other's certificates by accident). */
export function createTestPki(): TestPki {
  const ca = issue({ cn: 'eformidling test CA', ca: true });
  const server = issue({ cn: '127.0.0.1', issuer: ca, usage: OID.serverAuth, san: { ip: ['127.0.0.1'], dns: ['localhost'] } });
  const client = issue({ cn: 'fagsystem', issuer: ca, usage: OID.clientAuth });
  return {
    ca: pem(ca.cert),
    serverKey: keyPem(server.key),
    serverCert: pem(server.cert),
    clientKey: keyPem(client.key),
    clientCert: pem(client.cert),
  };
}
