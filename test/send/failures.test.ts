import { Readable } from 'node:stream';
import { IntegrasjonspunktClient, NotFoundError, type Upload } from 'eformidling';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { dpoFiles, PDF } from './fixtures.js';
import { sendFailure, useFakeIpServer } from './harness.js';

const { setup } = useFakeIpServer();

const OUT = /^\/api\/messages\/out$/;
const ONE = /^\/api\/messages\/out\/[0-9a-f-]{36}$/;
const MULTI = /^\/api\/messages\/out\/multipart$/;

describe('multi-step: a failure at each step', () => {
  it('create without a definite answer (500): SendError step create, the maybe-created message is deleted', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', OUT, (c) => ip.error(500, 'NextMoveRuntimeException', 'boom', c.path));
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' }));
    expect(error).toMatchObject({ step: 'create', messageId: id, cleanedUp: true, status: 500 });
    expect(ip.lines()).toEqual(['POST /api/messages/out', `DELETE /api/messages/out/${id}`]);
  });

  it('create refused (400): nothing to clean up', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', OUT, (c) =>
      ip.error(400, 'ReceiverDoesNotAcceptProcessException', 'Receiver do not accept the document process', c.path),
    );
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' }));
    expect(error).toMatchObject({ step: 'create', messageId: id, cleanedUp: false, exception: 'ReceiverDoesNotAcceptProcessException' });
    expect(ip.lines()).toEqual(['POST /api/messages/out']);
  });

  it('upload refused: SendError step upload names the file; the half-built message is deleted; never sent', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('PUT', ONE, (c, n) => (n === 2 ? ip.error(400, 'MaxFileSizeExceededException', 'too big', c.path) : undefined));
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' }));
    expect(error).toMatchObject({ step: 'upload', messageId: id, filename: 'vedtak.pdf', cleanedUp: true, kept: false });
    expect(error.cause).toMatchObject({ exception: 'MaxFileSizeExceededException' });
    expect(ip.lines().slice(-1)).toEqual([`DELETE /api/messages/out/${id}`]);
    expect(ip.outgoing.has(id)).toBe(false);
    expect(ip.sent).toEqual([]);
  });

  it('send refused (TimeToLiveException): SendError step send; deleted', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', ONE, (c) => ip.error(400, 'TimeToLiveException', 'ExpectedResponseDateTime has been exceeded', c.path));
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' }));
    expect(error).toMatchObject({ step: 'send', messageId: id, cleanedUp: true, exception: 'TimeToLiveException' });
    expect(ip.lines(({ method }) => method !== 'PUT')).toEqual([
      'POST /api/messages/out',
      `POST /api/messages/out/${id}`,
      `DELETE /api/messages/out/${id}`,
    ]);
  });

  it('keepOnFailure keeps the message; resumeSend uploads what is missing and sends once', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('PUT', ONE, (_c, n) => (n === 3 ? HttpResponse.json({ status: 503 }, { status: 503 }) : undefined));
    const files = dpoFiles();
    const client0 = client.withOptions({ retry: false });
    const error = await sendFailure(client0.send({ sbd, files }, { strategy: 'multi-step', keepOnFailure: true }));
    expect(error).toMatchObject({ step: 'upload', filename: 'vedlegg.pdf', kept: true, cleanedUp: false });
    expect(ip.outgoing.get(id)?.files.size).toBe(2);
    expect(ip.lines().filter((l) => l.startsWith('DELETE'))).toEqual([]);

    const stored = await client.resumeSend(error.messageId, files);
    expect(stored.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier).toBe(id);
    expect(ip.sent).toEqual([id]);
    expect(ip.lines().filter((l) => l === `POST /api/messages/out/${id}`)).toHaveLength(1);
    await expect(client.resumeSend(id, files)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('an aborted send rejects with the reason and still cleans up', async () => {
    const { ip, client, sbd, id } = setup();
    const controller = new AbortController();
    const reason = new Error('user gave up');
    ip.on('PUT', ONE, () => {
      controller.abort(reason);
      return undefined;
    });
    await expect(client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step', signal: controller.signal })).rejects.toBe(reason);
    expect(ip.lines().at(-1)).toBe(`DELETE /api/messages/out/${id}`);
    expect(ip.sent).toEqual([]);
  });
});

describe('lost responses: no duplicate, never sent twice', () => {
  it('a lost create response: the retry finds the stored message instead of creating a duplicate', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', OUT, (_c, n) => (n === 1 ? 'store-then-drop' : undefined));
    await client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' });
    expect(ip.lines(({ method }) => method !== 'PUT')).toEqual([
      'POST /api/messages/out',
      `GET /api/messages/out/${id}`,
      `POST /api/messages/out/${id}`,
    ]);
    expect(ip.conversations.size).toBe(1);
    expect(ip.sent).toEqual([id]);
  });

  it('a lost create response met by MessageAlreadyExistsException on the retry resolves to the stored message', async () => {
    const { ip, client, sbd, id } = setup();
    // The look after the lost response misses the message (the first attempt was still running), so the create is
    // posted again and meets the duplicate check.
    ip.on('POST', OUT, (_c, n) => (n === 1 ? 'store-then-drop' : undefined));
    ip.on('GET', ONE, (c, n) => (n === 1 ? ip.error(404, 'MessageNotFoundException', 'not found', c.path) : undefined));
    await client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' });
    expect(ip.lines(({ method, path }) => method === 'POST' && path === '/api/messages/out')).toHaveLength(2);
    expect(ip.conversations.size).toBe(1);
    expect(ip.sent).toEqual([id]);
  });

  it('a lost upload response: the retry meets DuplicateFilenameException and counts it as done', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('PUT', ONE, (_c, n) => (n === 2 ? 'store-then-drop' : undefined));
    await client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' });
    expect(ip.lines(({ method }) => method === 'PUT')).toHaveLength(4);
    expect(ip.sent).toEqual([id]);
  });

  it('a lost send response: the message is found transmitted, and send is not repeated', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', ONE, () => 'store-then-drop');
    await client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' });
    expect(ip.lines(({ method, path }) => method === 'POST' && path.endsWith(id))).toHaveLength(1);
    expect(ip.sent).toEqual([id]);
  });

  it('a send whose outcome cannot be known is reported as uncertain, not repeated and not deleted', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', ONE, () => HttpResponse.error());
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step', outcomeTimeoutMs: 30 }));
    expect(error).toMatchObject({ step: 'send', uncertain: true, cleanedUp: false });
    // It kept looking for the outcome before it gave up.
    expect(ip.lines(({ method, path }) => method === 'GET' && path.endsWith(id)).length).toBeGreaterThan(1);
    expect(ip.lines(({ method, path }) => method === 'POST' && path.endsWith(id))).toHaveLength(1);
    expect(ip.lines(({ method }) => method === 'DELETE')).toEqual([]);
    expect(ip.outgoing.has(id)).toBe(true);
  });

  it('one-step: a lost response is resolved by looking the message up and waiting until the IP takes it, never by posting again', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', MULTI, () => 'store-then-drop');
    // The IP transmits it in the background: on the second look it has left the outgoing queue.
    ip.on('GET', ONE, async (_c, n) => {
      if (n === 2) await ip.transmit(id);
    });
    const stored = await client.send({ sbd, files: dpoFiles() }, { strategy: 'one-step', outcomeTimeoutMs: 5000 });
    expect(stored.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier).toBe(id);
    expect(ip.lines()).toEqual([
      'POST /api/messages/out/multipart',
      `GET /api/messages/out/${id}`,
      `GET /api/conversations/messageId/${id}`,
      `GET /api/messages/out/${id}`,
      `GET /api/conversations/messageId/${id}`,
    ]);
    expect(ip.sent).toEqual([id]);
  });

  it('one-step: a stored message that the IP never takes is not reported as sent: uncertain, not posted again, not deleted', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', MULTI, () => 'store-then-drop');
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'one-step', outcomeTimeoutMs: 30 }));
    expect(error).toMatchObject({ step: 'one-step', messageId: id, uncertain: true, cleanedUp: false, kept: false });
    expect(error.message).toContain('do not send it again');
    expect(ip.lines(({ method }) => method !== 'GET')).toEqual(['POST /api/messages/out/multipart']);
    expect(ip.outgoing.has(id)).toBe(true);
    expect(ip.sent).toEqual([]);
  });

  it('one-step: a connection failure before the IP got anything is retried with the same messageId', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', MULTI, (_c, n) => (n === 1 ? HttpResponse.error() : undefined));
    await client.send({ sbd, files: dpoFiles() }, { strategy: 'one-step' });
    expect(ip.lines()).toEqual([
      'POST /api/messages/out/multipart',
      `GET /api/messages/out/${id}`,
      `GET /api/conversations/messageId/${id}`,
      'POST /api/messages/out/multipart',
    ]);
    expect(ip.sent).toEqual([id]);
  });
});

describe('one-step failures', () => {
  it('a 400 after the IP committed create+upload (NextMoveMessageOutController.createAndSendMessage) is detected and cleaned up', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', MULTI, (c) => ({
      storeThen: ip.error(400, 'MissingArkivmeldingFileException', 'File(s) defined in arkivmelding, but not found in message', c.path),
    }));
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'one-step' }));
    expect(error).toMatchObject({ step: 'send', messageId: id, cleanedUp: true, exception: 'MissingArkivmeldingFileException' });
    expect(ip.lines()).toEqual(['POST /api/messages/out/multipart', `GET /api/messages/out/${id}`, `DELETE /api/messages/out/${id}`]);
    expect(ip.outgoing.has(id)).toBe(false);
  });

  it('the same with keepOnFailure keeps it for resumeSend', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', MULTI, (c) => ({ storeThen: ip.error(400, 'TimeToLiveException', 'expired', c.path) }));
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'one-step', keepOnFailure: true }));
    expect(error).toMatchObject({ step: 'send', kept: true, cleanedUp: false });
    expect(ip.outgoing.has(id)).toBe(true);
    await client.resumeSend(id, dpoFiles());
    expect(ip.sent).toEqual([id]);
  });

  it('a 400 before anything was stored: SendError step one-step, nothing to delete', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', MULTI, (c) => ip.error(400, 'DuplicateFilenameException', 'a.txt, a.txt', c.path));
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'one-step' }));
    expect(error).toMatchObject({ step: 'one-step', cleanedUp: false });
    expect(ip.lines()).toEqual(['POST /api/messages/out/multipart', `GET /api/messages/out/${id}`]);
  });

  it('MessageAlreadyExistsException: the other message with that id is left alone', async () => {
    const { ip, client, sbd, id } = setup();
    await ip.occupy(id, sbd);
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'one-step' }));
    expect(error).toMatchObject({ step: 'one-step', exception: 'MessageAlreadyExistsException', cleanedUp: false });
    expect(ip.lines()).toEqual(['POST /api/messages/out/multipart']);
  });
});

/** The DPO files with the attachment as a one-shot stream of known size (one-step can send it, but not twice). */
function streamedFiles(): Upload[] {
  const files = dpoFiles();
  files[2] = { filename: 'vedlegg.pdf', content: Readable.from([PDF]), size: PDF.length };
  return files;
}

describe('cleanup that fails', () => {
  it('is logged and reported as cleanedUp: false; the error still names the step that failed', async () => {
    const warnings: Array<[string, Record<string, unknown> | undefined]> = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (m: string, meta?: Record<string, unknown>) => warnings.push([m, meta]) };
    const { ip, sbd, id } = setup();
    const client = new IntegrasjonspunktClient({ baseUrl: ip.base, logger, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 2 } });
    ip.on('PUT', ONE, (c) => ip.error(400, 'MaxFileSizeExceededException', 'too big', c.path));
    ip.on('DELETE', ONE, (c) => ip.error(500, 'NextMoveRuntimeException', 'database down', c.path));
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step' }));
    expect(error).toMatchObject({ step: 'upload', filename: 'arkivmelding.xml', cleanedUp: false, kept: false });
    expect(error.exception).toBe('MaxFileSizeExceededException');
    const warning = warnings.find(([m]) => m.startsWith('could not delete'));
    expect(warning?.[0]).toBe(`could not delete half-built message ${id}`);
    expect(warning?.[1]?.error).toMatchObject({ status: 500, exception: 'NextMoveRuntimeException' });
    expect(ip.outgoing.has(id)).toBe(true);
    expect(ip.sent).toEqual([]);
  });
});

describe('one-step: lost responses and one-shot streams', () => {
  it('a lost response after the IP already transmitted the message: found by its conversation, not posted again', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', MULTI, () => 'send-then-drop');
    const stored = await client.send({ sbd, files: dpoFiles() }, { strategy: 'one-step' });
    expect(stored.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier).toBe(id);
    expect(ip.lines()).toEqual([
      'POST /api/messages/out/multipart',
      `GET /api/messages/out/${id}`,
      `GET /api/conversations/messageId/${id}`,
    ]);
    expect(ip.sent).toEqual([id]);
  });

  it('with a stream (never retried), a lost response is settled by a lookup: transmitted counts as sent, stored only as uncertain', async () => {
    for (const mode of ['store-then-drop', 'send-then-drop'] as const) {
      const { ip, client, sbd, id } = setup();
      ip.on('POST', MULTI, () => mode);
      const result = client.send({ sbd, files: streamedFiles() }, { strategy: 'one-step', outcomeTimeoutMs: 30 });
      if (mode === 'send-then-drop') {
        const stored = await result;
        expect(stored.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier).toBe(id);
      } else {
        expect(await sendFailure(result)).toMatchObject({ step: 'one-step', messageId: id, uncertain: true });
      }
      expect(ip.lines(({ path }) => path === '/api/messages/out/multipart')).toHaveLength(1);
      expect(ip.lines(({ method }) => method === 'DELETE')).toEqual([]);
    }
  });

  it('with a stream, a connection failure before the IP stored anything is a SendError (the stream cannot be sent again)', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', MULTI, () => HttpResponse.error());
    const error = await sendFailure(client.send({ sbd, files: streamedFiles() }, { strategy: 'one-step' }));
    expect(error).toMatchObject({ step: 'one-step', messageId: id, uncertain: false, cleanedUp: false });
    expect(ip.lines()).toEqual([
      'POST /api/messages/out/multipart',
      `GET /api/messages/out/${id}`,
      `GET /api/conversations/messageId/${id}`,
    ]);
  });

  it('when the lookup after a lost response fails too, the outcome is reported as uncertain; nothing is deleted', async () => {
    // The lookup fails at the outgoing queue, or (message not there) at the conversations.
    for (const failing of [ONE, /^\/api\/conversations\/messageId\//]) {
      const { ip, client, sbd } = setup();
      ip.on('POST', MULTI, () => HttpResponse.error());
      ip.on('GET', failing, (c) => ip.error(503, 'ServiceUnavailable', 'busy', c.path));
      const error = await sendFailure(client.send({ sbd, files: streamedFiles() }, { strategy: 'one-step', outcomeTimeoutMs: 30 }));
      expect(error).toMatchObject({ step: 'one-step', uncertain: true, cleanedUp: false });
      expect(error.message).toContain('The outcome is unknown');
      expect(ip.lines(({ path }) => path === '/api/messages/out/multipart')).toHaveLength(1);
      expect(ip.lines(({ method }) => method === 'DELETE')).toEqual([]);
    }
  });

  it('an aborted one-step send rejects with the reason; nothing is looked up, posted again or deleted', async () => {
    const { ip, client, sbd } = setup();
    const controller = new AbortController();
    const reason = new Error('user gave up');
    ip.on('POST', MULTI, () => {
      controller.abort(reason);
      return undefined;
    });
    await expect(client.send({ sbd, files: dpoFiles() }, { strategy: 'one-step', signal: controller.signal })).rejects.toBe(reason);
    expect(ip.lines()).toEqual(['POST /api/messages/out/multipart']);
  });
});

describe('multi-step: the send step without an answer', () => {
  it('a lost send response whose lookup fails as well is uncertain: not repeated, not deleted', async () => {
    const { ip, client, sbd, id } = setup();
    ip.on('POST', ONE, () => HttpResponse.error());
    ip.on('GET', ONE, (c) => ip.error(500, 'NextMoveRuntimeException', 'boom', c.path));
    const error = await sendFailure(client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step', outcomeTimeoutMs: 30 }));
    expect(error).toMatchObject({ step: 'send', uncertain: true, cleanedUp: false });
    expect(ip.lines(({ method, path }) => method === 'POST' && path.endsWith(id))).toHaveLength(1);
    expect(ip.lines(({ method }) => method === 'DELETE')).toEqual([]);
  });

  it('an abort during the send call: resolves when the IP got the message, else rejects with the reason (never deleted)', async () => {
    const reason = new Error('user gave up');
    for (const got of [true, false]) {
      const { ip, client, sbd, id } = setup();
      const controller = new AbortController();
      ip.on('POST', ONE, () => {
        controller.abort(reason);
        return got ? undefined : HttpResponse.error();
      });
      const result = client.send({ sbd, files: dpoFiles() }, { strategy: 'multi-step', signal: controller.signal });
      if (got) {
        await expect(result).resolves.toMatchObject({
          standardBusinessDocumentHeader: { documentIdentification: { instanceIdentifier: id } },
        });
        expect(ip.sent).toEqual([id]);
      } else {
        await expect(result).rejects.toBe(reason);
        expect(ip.sent).toEqual([]);
      }
      expect(ip.lines(({ method }) => method === 'DELETE')).toEqual([]);
    }
  });
});
