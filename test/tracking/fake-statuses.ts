/*
 * A hand-built fake of the IP's status endpoints, kept beside the simulator (`eformidling/mock`, used by
 * simulator.test.ts and wait-for-delivery.test.ts) for what the simulator cannot produce:
 * - statuses a test writes by hand: unknown values, duplicates, `LEST` without `LEVERT`, rows without a messageId,
 *   chosen ids and `lastUpdate` times (the `search` window and its late commits), a message the IP knows with no status;
 * - the exact request log per strategy (`requests`), which the request-count assertions read;
 * - faults at a chosen request and kills (faulty-fetch.ts: crash and soak tests), and status timing under fake timers
 *   (soak, polling-interval and the waitForDelivery timeout tests), where the simulator's own clock and deliveries would
 *   interleave with the tracker's.
 */
import { HttpResponse, http } from 'msw';

/** A status row as the fake keeps it. */
export interface FakeStatus {
  id: number;
  lastUpdate: string;
  status: string;
  messageId: string;
  conversationId: string;
  convId: number;
  description?: string;
}

/**
 * A small in-memory model of the IP's `/api/statuses` endpoints (`MessageStatusController`): window filter on
 * `lastUpdate` (both ends required), sort by id asc/desc, paging with `totalElements`, the status queue, a request
 * log, and `GET /api/conversations/messageId/{id}` (404 `MessageNotFoundException` for an id with no statuses that
 * is not in `conversations`).
 */
export class FakeStatuses {
  readonly rows: FakeStatus[] = [];
  readonly queue: number[] = [];
  readonly requests: string[] = [];
  nextId = 100;
  now = Date.parse('2026-08-20T09:00:00+02:00');
  queueEnabled = false;
  /** Outgoing conversations that exist without any status yet (a message id the IP knows). */
  readonly conversations = new Set<string>();

  add(messageId: string, status: string, options: { id?: number; at?: number; description?: string } = {}): FakeStatus {
    const id = options.id ?? this.nextId++;
    if (id >= this.nextId) this.nextId = id + 1;
    const row: FakeStatus = {
      id,
      lastUpdate: new Date(options.at ?? this.now).toISOString(),
      status,
      messageId,
      conversationId: `conv-${messageId}`,
      convId: 1,
      ...(options.description === undefined ? {} : { description: options.description }),
    };
    this.rows.push(row);
    if (this.queueEnabled) this.queue.push(id);
    return row;
  }

  deleteMessage(messageId: string): void {
    for (let i = this.rows.length - 1; i >= 0; i--) if (this.rows[i]?.messageId === messageId) this.rows.splice(i, 1);
  }

  tick(ms = 1000): void {
    this.now += ms;
  }

  handlers(base = 'http://ip.test') {
    return [
      http.get(`${base}/api/statuses/peek`, () => {
        this.requests.push('peek');
        const id = this.queue[0];
        if (id === undefined) return new HttpResponse(null, { status: 204 });
        return HttpResponse.json(this.rows.find((r) => r.id === id));
      }),
      http.delete(`${base}/api/statuses/:id`, ({ params }) => {
        this.requests.push(`delete ${params.id}`);
        const i = this.queue.indexOf(Number(params.id));
        if (i < 0) return new HttpResponse(null, { status: 404 });
        this.queue.splice(i, 1);
        return new HttpResponse(null, { status: 200 });
      }),
      http.get(`${base}/api/conversations/messageId/:messageId`, ({ params }) => {
        this.requests.push(`conversation ${params.messageId}`);
        const rows = this.rows.filter((r) => r.messageId === params.messageId).sort(byId);
        if (rows.length === 0 && !this.conversations.has(String(params.messageId))) {
          return HttpResponse.json(
            {
              status: 404,
              error: 'Not Found',
              exception: 'no.difi.meldingsutveksling.exceptions.MessageNotFoundException',
              message: `Message with messageId = ${params.messageId} was not found`,
              path: `/api/conversations/messageId/${params.messageId}`,
            },
            { status: 404 },
          );
        }
        return HttpResponse.json({
          id: 1,
          messageId: params.messageId,
          conversationId: `conv-${params.messageId}`,
          direction: 'OUTGOING',
          messageStatuses: rows.map(({ id, lastUpdate, status }) => ({ id, lastUpdate, status })),
        });
      }),
      http.get(`${base}/api/statuses/:messageId`, ({ params, request }) => {
        this.requests.push(`message ${params.messageId}`);
        const url = new URL(request.url);
        return HttpResponse.json(page(this.rows.filter((r) => r.messageId === params.messageId).sort(byId), url));
      }),
      http.get(`${base}/api/statuses`, ({ request }) => {
        const url = new URL(request.url);
        this.requests.push(`search ${url.searchParams.get('size')}`);
        let rows = [...this.rows];
        const from = url.searchParams.get('fromDateTime');
        const to = url.searchParams.get('toDateTime');
        if (from && to) {
          const f = Date.parse(from);
          const t = Date.parse(to);
          rows = rows.filter((r) => Date.parse(r.lastUpdate) >= f && Date.parse(r.lastUpdate) <= t);
        }
        rows.sort(byId);
        if (url.searchParams.get('sort') === 'id,desc') rows.reverse();
        return HttpResponse.json(page(rows, url));
      }),
    ];
  }
}

const byId = (a: FakeStatus, b: FakeStatus) => a.id - b.id;

function page(rows: FakeStatus[], url: URL) {
  const size = Number(url.searchParams.get('size') ?? 10);
  const number = Number(url.searchParams.get('page') ?? 0);
  const content = rows.slice(number * size, number * size + size);
  const totalPages = Math.ceil(rows.length / size);
  return {
    content,
    last: number >= totalPages - 1,
    first: number === 0,
    number,
    size,
    totalElements: rows.length,
    totalPages,
    numberOfElements: content.length,
    empty: content.length === 0,
  };
}
