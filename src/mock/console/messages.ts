import { Readable } from 'node:stream';
import { openAsic } from '../../asic/index.js';
import { isReceiptType } from '../../models/business-messages.js';
import { type ArkivmeldingFacts, parseArkivmelding } from '../arkivmelding.js';
import type { FileRecord, MessageRecord } from '../model/index.js';
import { type ApiContext, type ApiRoute, apiRoute, badRequest, intQuery, json, notFound } from './http.js';
import type { ConsoleContext } from './network.js';
import { allSummaries, type Direction, findConversation, type MessageSummary, messageUrl, summary } from './views.js';

/**
 * `/console/api/messages`: the list with its filters, one message's detail (SBD, files, ASiC-E entries, the
 * arkivmelding's facts) and the downloads (docs/console-api.md, "Messages").
 * @internal
 * @module
 */

/** Entries larger than this are not served from the ASiC-E (download the whole container instead). */
const MAX_ENTRY_BYTES = 512 * 1024 * 1024;

function direction(value: string): Direction {
  if (value !== 'in' && value !== 'out') throw badRequest(`direction must be in or out, not '${value}'`);
  return value;
}

/** The conversation and queue record a `{owner}/{direction}/{messageId}` path names. */
export function resolveKey(context: ConsoleContext, params: readonly string[]) {
  const [owner, dir, messageId] = params as [string, string, string];
  const found = findConversation(context.simulator.model, owner, direction(dir), messageId);
  if (!found) throw notFound(`no message ${owner}/${dir}/${messageId}`);
  const record = (dir === 'out' ? found.queues.outgoing : found.queues.incoming).get(messageId);
  return { ...found, owner, record, summary: summary(owner, found.conv, found.queues, context.journal) };
}

function download(body: Readable | Buffer, mimeType: string, filename: string): Response {
  const stream = Readable.toWeb(Buffer.isBuffer(body) ? Readable.from([body]) : body) as ReadableStream<Uint8Array>;
  return new Response(stream, {
    headers: {
      'content-type': mimeType,
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Whether the ASiC-E can be built: an incoming message in the queue with files, not a receipt. */
function hasAsic(record: Readonly<MessageRecord> | undefined, dir: Direction): record is Readonly<MessageRecord> {
  return dir === 'in' && record !== undefined && record.files.length > 0 && !isReceiptType(record.type);
}

export function messageRoutes(context: ConsoleContext): ApiRoute[] {
  const { model } = context.simulator;
  const key = '/messages/{owner}/{direction}/{messageId}';

  const asicOf = async (params: readonly string[]) => {
    const found = resolveKey(context, params);
    if (!hasAsic(found.record, found.summary.direction)) throw notFound(`no ASiC-E for ${found.summary.key}`);
    return { found, record: found.record, bytes: await readAll(model.view.asic(found.record)) };
  };

  const arkivmeldingFile = (record: Readonly<MessageRecord> | undefined): FileRecord | undefined =>
    record?.files.find((f) => f.filename === 'arkivmelding.xml');

  return [
    apiRoute('GET', '/messages', ({ url }) => {
      const q = (name: string) => url.searchParams.get(name);
      const dir = q('direction');
      if (dir !== null) direction(dir);
      const limit = intQuery(url, 'limit', 500, 5000);
      const text = q('q')?.toLowerCase();
      const matches = (m: MessageSummary) =>
        (q('participant') === null || m.owner === q('participant')) &&
        (dir === null || m.direction === dir) &&
        (q('status') === null || m.status === q('status')) &&
        (q('service') === null || m.serviceIdentifier === q('service')) &&
        (!text || m.messageId.toLowerCase().includes(text) || m.conversationId.toLowerCase().includes(text));
      const all = allSummaries(model, context.journal).filter(matches);
      return json({ messages: all.slice(0, limit), total: all.length });
    }),
    apiRoute('GET', key, async ({ params }: ApiContext) => {
      const found = resolveKey(context, params);
      const { record, summary: s } = found;
      const url = messageUrl(s.key);
      let asic: { url: string; entries: { name: string; kind: string; size: number; url: string }[] } | null = null;
      if (hasAsic(record, s.direction)) {
        const container = await openAsic(model.view.asic(record));
        try {
          asic = {
            url: `${url}/asic`,
            entries: container.entries.map((e) => ({
              name: e.name,
              kind: e.kind,
              size: e.size,
              url: `${url}/asic/${e.name.split('/').map(encodeURIComponent).join('/')}`,
            })),
          };
        } finally {
          await container.close();
        }
      }
      let arkivmelding: (Record<keyof ArkivmeldingFacts, unknown> & { url: string }) | null = null;
      const xml = arkivmeldingFile(record);
      if (xml) {
        try {
          const facts = parseArkivmelding(await readAll(model.view.open(xml)));
          arkivmelding = {
            offentligTittel: facts.offentligTittel ?? null,
            saksmappeSystemId: facts.saksmappeSystemId ?? null,
            journalpostnummer: facts.journalpostnummer ?? null,
            referencedFiles: facts.referencedFiles,
            url: `${url}/arkivmelding`,
          };
        } catch {
          // An incoming arkivmelding.xml the sender's IP did not read (DPE, external senders): no summary.
        }
      }
      return json({ ...s, sbd: record?.sbd ?? null, asic, arkivmelding });
    }),
    apiRoute('GET', `${key}/files/{dokumentnummer}`, ({ params }) => {
      const { record, summary: s } = resolveKey(context, params);
      const file = record?.files.find((f) => String(f.dokumentnummer) === params[3]);
      if (!file) throw notFound(`no file ${params[3]} in ${s.key} (the IP may no longer hold it)`);
      return download(model.view.open(file), file.mimeType, file.filename);
    }),
    apiRoute('GET', `${key}/arkivmelding`, ({ params }) => {
      const { record, summary: s } = resolveKey(context, params);
      const file = arkivmeldingFile(record);
      if (!file) throw notFound(`no arkivmelding.xml in ${s.key}`);
      return download(model.view.open(file), 'application/xml', file.filename);
    }),
    apiRoute('GET', `${key}/asic`, async ({ params }) => {
      const { bytes } = await asicOf(params);
      return download(bytes, 'application/vnd.etsi.asic-e+zip', 'asic.zip');
    }),
    apiRoute('GET', `${key}/asic/{*entry}`, async ({ params }) => {
      const { bytes, found, record } = await asicOf(params);
      const name = params[3] as string;
      const container = await openAsic(bytes);
      try {
        const entry = container.entry(name);
        if (!entry || entry.kind === 'directory') throw notFound(`no entry ${name} in the ASiC-E of ${found.summary.key}`);
        const mime = record.files.find((f) => f.filename === name)?.mimeType ?? 'application/octet-stream';
        return download(await container.readEntry(entry, MAX_ENTRY_BYTES), mime, name.split('/').at(-1) as string);
      } finally {
        await container.close();
      }
    }),
  ];
}
