import { formatRequestLine } from '../../observability/request-line.js';
import { type ActiveFault, type FaultKind, faultKind } from '../faults.js';
import type { ConversationRecord, FileRecord, MessageRecord, SimulatorModel, WebhookDelivery } from '../model/index.js';
import type { RequestRecord } from '../routes/core.js';

/**
 * The console API's JSON views of the model (docs/console-api.md, "Types"): read-only, from the model's read API
 * (`model.view`), with the few facts only the console's journal remembers (a message was popped or transmitted).
 * @internal
 * @module
 */

export type Direction = 'in' | 'out';

export interface StatusEntry {
  id: number;
  status: string;
  description: string | null;
  at: string;
}

export interface FileEntry {
  dokumentnummer: number;
  filename: string;
  title: string | null;
  mimeType: string;
  size: number;
  primary: boolean;
  url: string;
}

export interface MessageSummary {
  key: string;
  messageId: string;
  conversationId: string;
  direction: Direction;
  owner: string;
  sender: string | null;
  receiver: string | null;
  serviceIdentifier: string;
  process: string;
  documentType: string;
  type: string;
  title: string;
  status: string | null;
  statuses: StatusEntry[];
  createdAt: string;
  lastUpdate: string;
  expiry: string;
  finished: boolean;
  outgoing: { state: 'building' | 'queued' | 'transmitted' | 'removed'; files: FileEntry[] } | null;
  incoming: {
    state: 'queued' | 'locked' | 'acknowledged' | 'removed';
    lockedUntil: string | null;
    popped: boolean;
    files: FileEntry[];
  } | null;
}

export interface RequestEntry {
  id: number;
  at: string;
  face: 'http' | 'msw';
  org: string;
  method: string;
  path: string;
  query: string;
  template: string | null;
  status: number | null;
  durationMs: number;
  fault: { id: number; kind: FaultKind } | null;
  /** The request as one line, in the format of the SDK's debug log and the CLI's `--verbose`. */
  line: string;
}

export interface WebhookEntry {
  id: number;
  from: string;
  url: string;
  event: 'ping' | 'status';
  body: object;
  at: string;
  done: boolean;
  status: number | null;
  error: string | null;
  durationMs: number | null;
}

/** What the journal remembers of a message's life in a queue, by key. */
export interface Marks {
  popped: ReadonlySet<string>;
  transmitted: ReadonlySet<string>;
  /** The title another side of the message has (the IP keeps an incoming conversation's messageTitle empty). */
  titleOf?(messageId: string): string | undefined;
}

/** Where the API lives (`/console/api`). */
export const API = '/console/api';

export const iso = (ms: number): string => new Date(ms).toISOString();

export const keyOf = (owner: string, direction: Direction, messageId: string): string => `${owner}/${direction}/${messageId}`;

export const messageUrl = (key: string): string => {
  const [owner, direction, ...rest] = key.split('/');
  return `${API}/messages/${owner}/${direction}/${encodeURIComponent(rest.join('/'))}`;
};

/** The queue records of one IP by messageId, both directions (an `IpState` is one). */
export interface Queues {
  outgoing: ReadonlyMap<string, Readonly<MessageRecord>>;
  incoming: ReadonlyMap<string, Readonly<MessageRecord>>;
}

export function queuesOf(model: SimulatorModel, owner: string): Queues {
  const byId = (records: readonly Readonly<MessageRecord>[]) => new Map(records.map((m) => [m.messageId, m]));
  return { outgoing: byId(model.view.messages(owner, 'out')), incoming: byId(model.view.messages(owner, 'in')) };
}

export function fileEntries(key: string, files: readonly FileRecord[]): FileEntry[] {
  return files.map((f) => ({
    dokumentnummer: f.dokumentnummer,
    filename: f.filename,
    title: f.title ?? null,
    mimeType: f.mimeType,
    size: f.content.size,
    primary: f.primary,
    url: `${messageUrl(key)}/files/${f.dokumentnummer}`,
  }));
}

/** The list entry of one conversation. */
export function summary(owner: string, conv: Readonly<ConversationRecord>, queues: Queues, marks: Marks): MessageSummary {
  const direction: Direction = conv.direction === 'OUTGOING' ? 'out' : 'in';
  const key = keyOf(owner, direction, conv.messageId);
  const record = (direction === 'out' ? queues.outgoing : queues.incoming).get(conv.messageId);
  const statuses = conv.statuses.map((s) => ({ id: s.id, status: s.status, description: s.description ?? null, at: iso(s.lastUpdate) }));
  const has = (status: string) => conv.statuses.some((s) => s.status === status);
  let outgoing: MessageSummary['outgoing'] = null;
  let incoming: MessageSummary['incoming'] = null;
  if (direction === 'out') {
    const state = record ? (record.sendRequested ? 'queued' : 'building') : marks.transmitted.has(key) ? 'transmitted' : 'removed';
    outgoing = { state, files: record ? fileEntries(key, record.files) : [] };
  } else {
    const state = record
      ? record.lockTimeout === undefined
        ? 'queued'
        : 'locked'
      : has('INNKOMMENDE_LEVERT')
        ? 'acknowledged'
        : 'removed';
    incoming = {
      state,
      lockedUntil: record?.lockTimeout === undefined ? null : iso(record.lockTimeout),
      popped: marks.popped.has(key),
      files: record ? fileEntries(key, record.files) : [],
    };
  }
  return {
    key,
    messageId: conv.messageId,
    conversationId: conv.conversationId,
    direction,
    owner,
    sender: conv.sender ?? null,
    receiver: conv.receiver ?? null,
    serviceIdentifier: conv.serviceIdentifier,
    process: conv.processIdentifier,
    documentType: conv.documentIdentifier,
    type: /::([^:]+)$/.exec(conv.documentIdentifier)?.[1] ?? conv.documentIdentifier,
    title: conv.messageTitle || (marks.titleOf?.(conv.messageId) ?? ''),
    status: statuses.at(-1)?.status ?? null,
    statuses,
    createdAt: statuses[0]?.at ?? iso(conv.lastUpdate),
    lastUpdate: iso(conv.lastUpdate),
    expiry: iso(conv.expiry),
    finished: conv.finished,
    outgoing,
    incoming,
  };
}

/** Every conversation of the network, newest (latest `lastUpdate`) first. */
export function allSummaries(model: SimulatorModel, marks: Marks): MessageSummary[] {
  const out: { summary: MessageSummary; lastUpdate: number; id: number }[] = [];
  for (const participant of model.view.participants()) {
    if (!participant.hasIntegrationPoint) continue;
    const queues = queuesOf(model, participant.id);
    for (const conv of model.view.conversations(participant.id)) {
      out.push({ summary: summary(participant.id, conv, queues, marks), lastUpdate: conv.lastUpdate, id: conv.id });
    }
  }
  return out.sort((a, b) => b.lastUpdate - a.lastUpdate || b.id - a.id).map((e) => e.summary);
}

/** The conversation behind a key, with its owner's queues; undefined when there is none. */
export function findConversation(
  model: SimulatorModel,
  owner: string,
  direction: Direction,
  messageId: string,
): { conv: Readonly<ConversationRecord>; queues: Queues } | undefined {
  if (!model.ips.has(owner)) return undefined;
  const wanted = direction === 'out' ? 'OUTGOING' : 'INCOMING';
  const conv = model.view.conversations(owner).find((c) => c.direction === wanted && c.messageId === messageId);
  return conv && { conv, queues: queuesOf(model, owner) };
}

export function requestEntry(r: RequestRecord): RequestEntry {
  return {
    id: r.id,
    at: iso(r.at),
    face: r.face,
    org: r.org,
    method: r.method,
    path: r.path,
    query: r.query,
    template: r.template ?? null,
    status: r.status ?? null,
    durationMs: Math.round(r.durationMs * 1000) / 1000,
    fault: r.fault ?? null,
    line: formatRequestLine({
      method: r.method,
      target: r.path,
      status: r.status,
      error: r.status === undefined ? (r.fault?.kind ?? 'no answer') : undefined,
      durationMs: r.durationMs,
    }),
  };
}

export function webhookEntry(id: number, d: WebhookDelivery, at: number, durationMs: number | undefined): WebhookEntry {
  return {
    id,
    from: d.from,
    url: d.url,
    event: d.body.event === 'ping' ? 'ping' : 'status',
    body: d.body,
    at: iso(at),
    done: durationMs !== undefined,
    status: d.status ?? null,
    error: d.error ?? null,
    durationMs: durationMs === undefined ? null : Math.round(durationMs * 1000) / 1000,
  };
}

export function faultView(f: ActiveFault, recentHits: readonly number[]): Record<string, unknown> {
  const r = f.rule;
  const unlimited = (n: number) => (Number.isFinite(n) ? n : null);
  return {
    id: f.id,
    kind: faultKind(f.rule),
    org: r.org ?? null,
    method: r.method ?? null,
    path: r.path instanceof RegExp ? String(r.path) : r.path,
    pathIsRegExp: r.path instanceof RegExp,
    times: unlimited(f.times),
    left: unlimited(f.left),
    enabled: f.enabled,
    status: r.status ?? null,
    retryAfter: r.retryAfter ?? null,
    exception: r.exception ?? null,
    message: r.message ?? null,
    reset: r.reset === true,
    delayMs: r.delayMs ?? null,
    slowBody: r.slowBody ? { delayMs: r.slowBody.delayMs, chunkBytes: r.slowBody.chunkBytes ?? 1024 } : null,
    malformed: r.malformed === true,
    lostResponse: r.lostResponse === true,
    source: f.source,
    hits: f.hits,
    recentHits: [...recentHits],
  };
}

export function clockView(model: SimulatorModel): { mode: 'manual' | 'real'; now: string; nowMs: number } {
  const now = model.now();
  return { mode: model.clock.mode, now: iso(now), nowMs: now };
}
