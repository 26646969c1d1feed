import { arkivmelding, IntegrasjonspunktClient, isEformidlingError, MULTIPART_PART_LIMIT } from 'eformidling';
import { StandardBusinessDocumentRequestSchema } from 'eformidling/schemas';
import { describe, expect, it } from 'vitest';
import { uploadTimeoutMs } from '../../src/resources/outgoing.js';
import { isPlainRequestSbd } from '../../src/send/validate.js';
import { useFakeIpServer } from '../send/harness.js';

const { serve } = useFakeIpServer();

describe('outgoing resource', () => {
  it('upload: a one-shot stream goes once, with its Content-Length when the size is given', async () => {
    const { ip, client } = serve({}, {});
    const created = await client.outgoing.create(arkivmelding({ receiver: '910075918' }));
    const id = created.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('hei'));
        c.close();
      },
    });
    await client.outgoing.upload(id, { filename: 'a.txt', content: stream, size: 3 }, { title: 'A' });
    const put = ip.requests.at(-1);
    expect(put?.headers['content-length']).toBe('3');
    expect(put?.search).toBe('?title=A');
    // A spent web stream cannot be replayed; the second upload fails instead of sending an empty file.
    await expect(client.outgoing.upload(id, { filename: 'b.txt', content: stream })).rejects.toSatisfy(isEformidlingError);
    expect(ip.outgoing.get(id)?.files.has('b.txt')).toBe(false);
  });

  it('sendMultipart refuses a part over 5 MiB before sending', async () => {
    const client = new IntegrasjonspunktClient({ baseUrl: 'http://ip.test' });
    await expect(
      client.outgoing.sendMultipart(arkivmelding({ receiver: '910075918' }), [
        { filename: 'a.pdf', content: new Uint8Array(MULTIPART_PART_LIMIT + 1) },
      ]),
    ).rejects.toMatchObject({ field: 'files[0]' });
  });

  it('gives large uploads time: the client timeout plus the size at 256 KiB/s', () => {
    expect(uploadTimeoutMs(30_000, 0)).toBe(30_000);
    expect(uploadTimeoutMs(30_000, 1024 ** 3)).toBe(30_000 + 4096 * 1000);
    expect(uploadTimeoutMs(30_000, undefined)).toBe(3_600_000);
  });

  it('the hand-written SBD check never accepts what the schema refuses', () => {
    const base = arkivmelding({ receiver: '910075918', expectedResponseDateTime: '2030-01-01T00:00:00Z' }) as Record<string, unknown>;
    const variants: unknown[] = [base, null, [], {}, { ...base, extra: {} }, { ...base, arkivmelding: [] }];
    const header = base.standardBusinessDocumentHeader as Record<string, unknown>;
    const doc = header.documentIdentification as Record<string, unknown>;
    const edits: Array<Record<string, unknown>> = [
      { headerVersion: 1 },
      { sender: {} },
      { receiver: [{ identifier: { value: 1, authority: 'x' } }] },
      { receiver: [{}, {}] },
      { documentIdentification: { ...doc, type: 'Arkivmelding' } },
      { documentIdentification: { ...doc, standard: 'x::avtalt' } },
      { documentIdentification: { ...doc, instanceIdentifier: 'nope' } },
      { documentIdentification: { ...doc, multipleType: 'yes' } },
      { businessScope: { scope: [] } },
      { businessScope: { scope: [{ type: 'ConversationId' }] } },
      { businessScope: { scope: [{ type: 'ConversationId', identifier: 'p', instanceIdentifier: 'x' }] } },
      { businessScope: { scope: [{ type: 'ConversationId', identifier: 'p', scopeInformation: [{ expectedResponseDateTime: 5 }] }] } },
      { manifest: { numberOfItems: 'x' } },
      { sender: [null] },
      { sender: [{ identifier: { value: '0192:910077473', authority: 'iso6523-actorid-upis' }, contactInformation: [] }] },
      { documentIdentification: 'arkivmelding' },
      { documentIdentification: { ...doc, typeVersion: undefined } },
      { businessScope: 'x' },
      { businessScope: { scope: 'x' } },
      { businessScope: { scope: [null] } },
      { businessScope: { scope: [{ type: 'ConversationId', identifier: 'p', scopeInformation: {} }] } },
      { businessScope: { scope: [{ type: 'ConversationId', identifier: 'p', scopeInformation: [null] }] } },
      {
        businessScope: {
          scope: [{ type: 'ConversationId', identifier: 'p', scopeInformation: [{ requestingDocumentInstanceIdentifier: 5 }] }],
        },
      },
    ];
    for (const edit of edits) variants.push({ ...base, standardBusinessDocumentHeader: { ...header, ...edit } });
    for (const v of variants) {
      if (isPlainRequestSbd(v)) expect(StandardBusinessDocumentRequestSchema.safeParse(v).success).toBe(true);
    }
    expect(isPlainRequestSbd(base)).toBe(true);
  });
});
