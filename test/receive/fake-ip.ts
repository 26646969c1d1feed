import { randomUUID } from 'node:crypto';
import type { StandardBusinessDocument } from 'eformidling';
import { HttpResponse, http } from 'msw';

/**
 * A small in-test incoming queue with the lock rules of the IP's `NextMoveMessageInController` (peek locks for
 * `lockMs`; pop and delete need the lock: `MessageNotLockedException`; unknown ids: `MessageNotFoundException`),
 * served by msw at `base`.
 *
 * Tests that the simulator (`eformidling/mock`, see test/helpers/simulator.ts) can serve use it instead (e.g.
 * receive-one.test.ts, acknowledge.test.ts, simulator.test.ts). This fake stays for what the simulator cannot play:
 * - SBDs the simulator refuses to send (no messageId, arbitrary document types) and container bytes exactly as given;
 * - one log in which the handler's steps are interleaved with the wire calls (`log`), to assert their order;
 * - how many locks one client (by User-Agent) held at once (`maxLocksBy`), to check the loop's concurrency bound.
 */
export interface QueuedMessage {
  sbd: StandardBusinessDocument;
  asic: Buffer | null;
  lockedUntil: number;
  lockedBy: string | undefined;
}

export function sbdFor(
  options: { messageId?: string; type?: string; process?: string; conversationId?: string } = {},
): StandardBusinessDocument {
  const type = options.type ?? 'arkivmelding';
  const standard =
    type === 'arkivmelding_kvittering' ? 'urn:no:difi:arkivmelding:xsd::arkivmelding_kvittering' : `urn:no:difi:arkivmelding:xsd::${type}`;
  return {
    standardBusinessDocumentHeader: {
      headerVersion: '1.0',
      sender: [{ identifier: { value: '0192:910077473', authority: 'iso6523-actorid-upis' } }],
      receiver: [{ identifier: { value: '0192:910075918', authority: 'iso6523-actorid-upis' } }],
      documentIdentification: {
        standard,
        typeVersion: '2.0',
        instanceIdentifier: options.messageId ?? randomUUID(),
        type,
        creationDateAndTime: '2026-08-20T08:55:41.207+02:00',
      },
      businessScope: {
        scope: [
          {
            type: 'ConversationId',
            instanceIdentifier: options.conversationId ?? randomUUID(),
            identifier:
              options.process ??
              (type === 'arkivmelding_kvittering'
                ? 'urn:no:difi:profile:arkivmelding:response:ver1.0'
                : 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0'),
            scopeInformation: [{ expectedResponseDateTime: '2026-08-21T08:55:41.207+02:00' }],
          },
        ],
      },
    },
    [type]:
      type === 'arkivmelding_kvittering'
        ? { receiptType: 'OK', relatedToMessageId: randomUUID(), messages: [] }
        : { hoveddokument: 'vedtak.pdf', sikkerhetsnivaa: 3 },
  };
}

function notLocked(path: string, id: string) {
  return HttpResponse.json(
    {
      timestamp: '2026-08-20T09:00:00+02:00',
      status: 400,
      error: 'Bad Request',
      exception: 'no.difi.meldingsutveksling.exceptions.MessageNotLockedException',
      message: `Message with messageId = ${id} was not locked`,
      path,
    },
    { status: 400 },
  );
}

function notFound(path: string, id: string) {
  return HttpResponse.json(
    {
      timestamp: '2026-08-20T09:00:00+02:00',
      status: 404,
      error: 'Not Found',
      exception: 'no.difi.meldingsutveksling.exceptions.MessageNotFoundException',
      message: `Message with messageId = ${id} was not found`,
      path,
    },
    { status: 404 },
  );
}

export class FakeIp {
  readonly base: string;
  readonly queue: QueuedMessage[] = [];
  readonly log: string[] = [];
  now = 1_000_000;
  lockMs = 300_000;
  /** Most locks held at once per User-Agent. */
  readonly maxLocksBy = new Map<string, number>();

  constructor(base = 'http://ip.test') {
    this.base = base;
  }

  add(sbd: StandardBusinessDocument, asic: Buffer | null): string {
    this.queue.push({ sbd, asic, lockedUntil: 0, lockedBy: undefined });
    return sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier as string;
  }

  has(id: string): boolean {
    return this.queue.some((m) => m.sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier === id);
  }

  advance(ms: number): void {
    this.now += ms;
  }

  count(prefix: string): number {
    return this.log.filter((l) => l.startsWith(prefix)).length;
  }

  #find(id: string) {
    return this.queue.find((m) => m.sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier === id);
  }

  handlers() {
    const base = this.base;
    return [
      http.get(`${base}/api/messages/in/peek`, ({ request }) => {
        const url = new URL(request.url);
        this.log.push(`PEEK${url.search}`);
        const who = request.headers.get('user-agent') ?? '';
        const service = url.searchParams.get('serviceIdentifier');
        if (service && !/^(DPO|DPV|DPI|DPF|DPE|DPH)$/.test(service)) return HttpResponse.json({ status: 500 }, { status: 500 });
        const process = url.searchParams.get('process');
        const candidate = this.queue.find(
          (m) =>
            m.lockedUntil <= this.now && (!process || m.sbd.standardBusinessDocumentHeader.businessScope.scope[0]?.identifier === process),
        );
        if (!candidate) return new HttpResponse(null, { status: 204 });
        candidate.lockedUntil = this.now + this.lockMs;
        candidate.lockedBy = who;
        const held = this.queue.filter((m) => m.lockedUntil > this.now && m.lockedBy === who).length;
        this.maxLocksBy.set(who, Math.max(this.maxLocksBy.get(who) ?? 0, held));
        return HttpResponse.json(candidate.sbd);
      }),
      http.get(`${base}/api/messages/in/pop/:id`, ({ params, request }) => {
        const id = String(params.id);
        this.log.push(`POP ${id}`);
        const m = this.#find(id);
        const path = new URL(request.url).pathname;
        if (!m) return notFound(path, id);
        if (m.lockedUntil <= this.now) return notLocked(path, id);
        if (!m.asic) return new HttpResponse(null, { status: 204 });
        return new HttpResponse(new Uint8Array(m.asic), {
          status: 200,
          headers: {
            'content-type': 'application/vnd.etsi.asic-e+zip',
            'content-disposition': 'attachment; filename=asic.zip',
            'content-length': String(m.asic.length),
          },
        });
      }),
      http.delete(`${base}/api/messages/in/:id`, ({ params, request }) => {
        const id = String(params.id);
        this.log.push(`DELETE ${id}`);
        const m = this.#find(id);
        const path = new URL(request.url).pathname;
        if (!m) return notFound(path, id);
        if (m.lockedUntil <= this.now) return notLocked(path, id);
        this.queue.splice(this.queue.indexOf(m), 1);
        return HttpResponse.json(m.sbd);
      }),
    ];
  }
}
