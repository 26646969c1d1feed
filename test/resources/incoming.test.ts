import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { normalizeIncomingFilter, RequestValidationError } from 'eformidling';
import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { buildAsic } from '../asic/fixtures.js';
import { sbdFor } from '../receive/fake-ip.js';
import { useFakeIp } from '../receive/harness.js';

const ctx = useFakeIp({ retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 }, tempPrefix: 'incoming-test-' });

describe('normalizeIncomingFilter', () => {
  it('strips the ICD prefix, upper-cases the service and trims', () => {
    expect(
      normalizeIncomingFilter({
        receiverIdentifier: '0192:910075918',
        senderIdentifier: '0192:910077473',
        serviceIdentifier: 'dpo',
        process: ' urn:no:difi:profile:arkivmelding:administrasjon:ver1.0 ',
        conversationId: undefined,
      }),
    ).toEqual({
      receiverIdentifier: '910075918',
      senderIdentifier: '910077473',
      serviceIdentifier: 'DPO',
      process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
    });
  });

  it('refuses unknown keys (the IP would silently ignore them) and empty values', () => {
    expect(() => normalizeIncomingFilter({ messageID: 'x' } as never)).toThrow(RequestValidationError);
    expect(() => normalizeIncomingFilter({ messageId: ' ' })).toThrow(/filter\.messageId/);
  });
});

describe('incoming wire calls', () => {
  it('pop returns a download handle, or null for a receipt', async () => {
    const bytes = await buildAsic([{ name: 'a.pdf', content: 'a' }]);
    const id = ctx.ip.add(sbdFor(), bytes);
    const receipt = ctx.ip.add(sbdFor({ type: 'arkivmelding_kvittering' }), null);
    await ctx.client.incoming.peek();
    await ctx.client.incoming.peek();
    const download = await ctx.client.incoming.pop(id);
    expect(Buffer.from((await download?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(bytes);
    expect(await ctx.client.incoming.pop(receipt)).toBeNull();
  });

  it('lists, deletes and saves a download to a file', async () => {
    const id = ctx.ip.add(sbdFor(), await buildAsic([{ name: 'a.pdf', content: 'a', mimeType: 'application/pdf' }]));
    ctx.server.use(
      http.get(`${ctx.ip.base}/api/messages/in`, () =>
        HttpResponse.json({
          content: [ctx.ip.queue[0]?.sbd],
          totalElements: 1,
          totalPages: 1,
          number: 0,
          size: 10,
          first: true,
          last: true,
          numberOfElements: 1,
          empty: false,
        }),
      ),
    );
    const listed: string[] = [];
    for await (const sbd of ctx.client.incoming.list({ serviceIdentifier: 'DPO' })) {
      listed.push(sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string);
    }
    expect(listed).toEqual([id]);
    await ctx.client.incoming.peek();
    const download = await ctx.client.incoming.pop(id);
    await download?.saveTo(join(ctx.dir, 'asic.zip'));
    expect(await readdir(ctx.dir)).toEqual(['asic.zip']);
    expect((await ctx.client.incoming.delete(id)).standardBusinessDocumentHeader.documentIdentification.instanceIdentifier).toBe(id);
  });
});
