import { formatDateTime } from '../format.js';
import { type FieldViolation, grouped, ipException, methodArgumentNotValid } from '../ip-error.js';
import type { ModelContext } from './context.js';
import type { IpState, SubscriptionRecord } from './records.js';
import { isObject } from './sbd.js';

/**
 * The subscriptions part (`SubscriptionController`, `Subscription`, `WebhookFilterValidator`, `WebhookFilterParser`):
 * create, update, read and delete an IP's webhook subscriptions. It owns `IpState.subscriptions`; the ping on
 * create goes out through the webhooks part.
 * @module
 */

/** What the subscriptions part needs of the webhooks part. @internal */
export interface Pinger {
  /** One webhook POST; resolves when it has finished, whatever the outcome. */
  post(ip: IpState, url: string, body: Record<string, unknown>): Promise<void>;
}

const SAME_NAME_AND_ENDPOINT = 'Subscription with same name and push endpoint already exists.';

/** @internal */
export class Subscriptions {
  constructor(
    readonly ctx: ModelContext,
    readonly webhooks: Pinger,
  ) {}

  #ping(ip: IpState, url: string): Promise<void> {
    return this.webhooks.post(ip, url, { createdTs: formatDateTime(this.ctx.now()), event: 'ping' });
  }

  /** `POST /api/subscriptions`; pings the endpoint (awaited, outcome ignored). */
  async create(ip: IpState, body: unknown): Promise<SubscriptionRecord> {
    const input = isObject(body) ? body : {};
    validateSubscription(input, 'create');
    const name = input.name as string;
    const pushEndpoint = input.pushEndpoint as string;
    if (ip.subscriptions.some((s) => s.name === name && s.pushEndpoint === pushEndpoint)) {
      throw ipException('SubscriptionWithSameNameAndPushEndpointAlreadyExists', SAME_NAME_AND_ENDPOINT);
    }
    await this.#ping(ip, pushEndpoint);
    const record: SubscriptionRecord = {
      id: this.ctx.nextId(),
      name,
      pushEndpoint,
      resource: input.resource as string,
      event: input.event as string,
      filter: typeof input.filter === 'string' ? input.filter : undefined,
    };
    ip.subscriptions.push(record);
    return record;
  }

  /** `PUT /api/subscriptions/{id}`: partial update. */
  async update(ip: IpState, id: number, body: unknown): Promise<void> {
    const sub = this.get(ip, id);
    const input = isObject(body) ? body : {};
    validateSubscription(input, 'update');
    const name = typeof input.name === 'string' ? input.name : sub.name;
    const pushEndpoint = typeof input.pushEndpoint === 'string' ? input.pushEndpoint : sub.pushEndpoint;
    if (ip.subscriptions.some((s) => s !== sub && s.name === name && s.pushEndpoint === pushEndpoint)) {
      throw ipException('SubscriptionWithSameNameAndPushEndpointAlreadyExists', SAME_NAME_AND_ENDPOINT);
    }
    if (pushEndpoint !== sub.pushEndpoint) await this.#ping(ip, pushEndpoint);
    sub.name = name;
    sub.pushEndpoint = pushEndpoint;
    if (typeof input.resource === 'string') sub.resource = input.resource;
    if (typeof input.event === 'string') sub.event = input.event;
    if (typeof input.filter === 'string') sub.filter = input.filter;
  }

  /** `GET /api/subscriptions` (unpaged; the route pages it). */
  list(ip: IpState): readonly SubscriptionRecord[] {
    return ip.subscriptions;
  }

  /** `GET /api/subscriptions/{id}`. */
  get(ip: IpState, id: number): SubscriptionRecord {
    const sub = ip.subscriptions.find((s) => s.id === id);
    if (!sub) throw ipException('SubscriptionNotFoundException', `Subscription with id = ${grouped(id)} was not found`);
    return sub;
  }

  /** `DELETE /api/subscriptions/{id}`. */
  delete(ip: IpState, id: number): void {
    const sub = this.get(ip, id);
    ip.subscriptions.splice(ip.subscriptions.indexOf(sub), 1);
  }

  /** `DELETE /api/subscriptions`: all of them. */
  deleteAll(ip: IpState): void {
    ip.subscriptions.splice(0);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Validation and filters (`Subscription`'s bean constraints, `WebhookFilterValidator`, `WebhookFilterParser`)

const FILTER_PART = /^(\w+)(=)(.+)$/;
const FILTER_NAMES = ['status', 'serviceIdentifier', 'direction'];

function validFilter(filter: string): boolean {
  return filter.split('&').every((part) => {
    const m = FILTER_PART.exec(part);
    return m !== null && FILTER_NAMES.includes(m[1] as string);
  });
}

function validUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

function validateSubscription(input: Record<string, unknown>, mode: 'create' | 'update'): void {
  const errors: FieldViolation[] = [];
  const required = mode === 'create';
  const check = (field: string, ok: (v: unknown) => boolean, code: string, message: string, javaType = 'java.lang.String') => {
    const value = input[field];
    if (value === undefined || value === null) {
      if (required && field !== 'filter') errors.push({ field, code: 'NotNull', message: 'must not be null', javaType });
      return;
    }
    if (!ok(value)) errors.push({ field, code, message, rejected: value, javaType });
  };
  if (mode === 'create' && input.id !== undefined && input.id !== null) {
    errors.push({ field: 'id', code: 'Null', message: 'must be null', rejected: input.id, javaType: 'java.lang.Long' });
  }
  check('name', (v) => typeof v === 'string' && v.trim().length > 0, 'NotEmpty', 'must not be empty');
  check('pushEndpoint', validUrl, 'URL', 'must be a valid URL');
  check(
    'resource',
    (v) => v === 'all' || v === 'messages',
    'OneOf',
    `'${String(input.resource)}' is not expected. Allowed values are: [all, messages]`,
  );
  check(
    'event',
    (v) => v === 'all' || v === 'status',
    'OneOf',
    `'${String(input.event)}' is not expected. Allowed values are: [all, status]`,
  );
  check('filter', (v) => typeof v === 'string' && validFilter(v), 'WebhookFilter', 'Must be a valid filter definition.');
  if (errors.length === 0) return;
  throw methodArgumentNotValid('subscription', errors);
}

/** True when a subscription filter accepts an event (case-insensitive values, every part must match). @internal */
export function filterMatches(filter: string | undefined, event: Record<string, string>): boolean {
  if (!filter) return true;
  return filter.split('&').every((part) => {
    const m = FILTER_PART.exec(part) as RegExpExecArray; // validated when the subscription was saved
    const actual = event[m[1] as string]?.toLowerCase();
    return (m[3] as string).split(',').some((v) => v.trim().toLowerCase() === actual);
  });
}
