// Capabilities lookups through the SDK vs raw fetch against the same local server (target >= 0.95x).
import { createServer } from 'node:http';
import { IntegrasjonspunktClient } from '../dist/index.js';
import { compareRates, isMain, row } from './lib.mjs';

const BODY = JSON.stringify(
  {
    capabilities: [
      {
        process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
        serviceIdentifier: 'DPO',
        documentTypes: [{ type: 'arkivmelding', standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding' }],
      },
      {
        process: 'urn:no:difi:profile:arkivmelding:response:ver1.0',
        serviceIdentifier: 'DPO',
        documentTypes: [
          { type: 'arkivmelding_kvittering', standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding_kvittering' },
          { type: 'status', standard: 'urn:no:difi:arkivmelding:xsd::status' },
          { type: 'feil', standard: 'urn:no:difi:arkivmelding:xsd::feil' },
        ],
      },
      {
        process: 'urn:no:difi:profile:avtalt:avtalt:ver1.0',
        serviceIdentifier: 'DPO',
        documentTypes: [{ type: 'avtalt', standard: 'urn:no:difi:avtalt:xsd::avtalt' }],
      },
    ],
  },
  null,
  2,
);

export default async function run() {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) }).end(BODY);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const ip = new IntegrasjonspunktClient({ baseUrl: base, userAgent: 'bench/1.0' });
  const auth = 'Basic ' + Buffer.from('u:p').toString('base64');
  const ipAuth = ip.withOptions({ auth: { type: 'basic', username: 'u', password: 'p' } });
  try {
    const plain = await compareRates({
      raw: async (n) => {
        for (let i = 0; i < n; i++) {
          const res = await fetch(`${base}/api/capabilities/910075918`, { headers: { 'user-agent': 'bench/1.0' } });
          if (!res.ok) throw new Error(String(res.status));
          await res.json();
        }
      },
      sdk: async (n) => {
        for (let i = 0; i < n; i++) await ip.capabilities.get('910075918');
      },
    });
    const withAuth = await compareRates({
      raw: async (n) => {
        for (let i = 0; i < n; i++) {
          const res = await fetch(`${base}/api/capabilities/910075918`, { headers: { 'user-agent': 'bench/1.0', authorization: auth } });
          await res.json();
        }
      },
      sdk: async (n) => {
        for (let i = 0; i < n; i++) await ipAuth.capabilities.get('910075918');
      },
    });
    return [
      row({ name: 'capabilities.get (sequential)', value: plain.sdk, baseline: plain.raw, unit: 'req/s', target: 0.95 }),
      row({ name: 'capabilities.get with Basic auth', value: withAuth.sdk, baseline: withAuth.raw, unit: 'req/s', target: 0.95 }),
    ];
  } finally {
    server.closeAllConnections();
    server.close();
  }
}

if (isMain(import.meta.url)) console.table(await run());
