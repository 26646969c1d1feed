// A fixed-answer server for bench/capabilities.bench.mjs, run as a child process.
import { createServer } from 'node:http';

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

const server = createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) }).end(BODY);
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
