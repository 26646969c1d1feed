import type { z } from 'zod';
import { isApiError, RequestValidationError } from '../errors.js';
import { path } from '../internal/path.js';
import {
  type Subscription,
  type SubscriptionCreateParams,
  SubscriptionCreateParamsSchema,
  SubscriptionSchema,
  type SubscriptionUpdateParams,
  SubscriptionUpdateParamsSchema,
} from '../models/subscription.js';
import type { PagedAsyncIterable } from '../pagination.js';
import type { RequestOptions } from '../transport/http.js';
import { toIssues } from '../transport/http.js';
import { checkId, Resource } from './resource.js';

/**
 * `/api/subscriptions`: webhook subscriptions.
 * @category Resources
 */
export class SubscriptionsResource extends Resource {
  list(options: RequestOptions & { pageSize?: number } = {}): PagedAsyncIterable<Subscription> {
    return this.pagedCall(() => {
      const { pageSize, ...requestOptions } = options ?? {};
      return this.paged('/api/subscriptions', SubscriptionSchema, {}, requestOptions, pageSize);
    });
  }

  /** @throws {@link NotFoundError} */
  get(id: number, options: RequestOptions = {}): Promise<Subscription> {
    return this.call(() => {
      checkId(id, 'id');
      return this.transport.json({ method: 'GET', path: path`/api/subscriptions/${id}` }, SubscriptionSchema, options);
    });
  }

  /**
   * Creates a subscription; the IP pings the endpoint first.
   * @throws {@link BadRequestError} with exception `SubscriptionWithSameNameAndPushEndpointAlreadyExists` for a duplicate.
   */
  create(params: SubscriptionCreateParams, options: RequestOptions = {}): Promise<Subscription> {
    return this.call(() => {
      const body = check(SubscriptionCreateParamsSchema, params);
      // Not retried: a repeat would be rejected as a duplicate (name + endpoint).
      return this.transport.json({ method: 'POST', path: '/api/subscriptions', json: body }, SubscriptionSchema, options);
    });
  }

  /** Partial update: only the given fields change. */
  async update(id: number, params: SubscriptionUpdateParams, options: RequestOptions = {}): Promise<void> {
    checkId(id, 'id');
    const body = check(SubscriptionUpdateParamsSchema, params);
    await this.transport.empty({ method: 'PUT', path: path`/api/subscriptions/${id}`, json: body }, options);
  }

  /** @throws {@link NotFoundError} when unknown. */
  async delete(id: number, options: RequestOptions = {}): Promise<void> {
    checkId(id, 'id');
    await this.transport.empty({ method: 'DELETE', path: path`/api/subscriptions/${id}` }, options);
  }

  /**
   * Makes sure a subscription with this `name` and `pushEndpoint` exists with these settings, whatever state the IP
   * is in: creates it when missing, updates `resource`/`event`/`filter` when they differ, and leaves it alone when it
   * matches. Safe to call at every start (the IP itself rejects a duplicate name + endpoint with 400).
   *
   * @remarks
   * The IP cannot clear a filter with a partial update, so an existing subscription with a filter you no longer give
   * is deleted and created again (it gets a new id). Two processes racing to create the same subscription both end
   * up with the one that won.
   * @param params - the wanted subscription.
   * @returns the subscription as it now is on the IP.
   * @example
   * ```ts
   * await ip.subscriptions.ensureSubscription({
   *   name: 'sak-arkiv',
   *   pushEndpoint: 'https://sak.example/hooks/eformidling',
   *   resource: 'messages',
   *   event: 'status',
   *   filter: 'direction=OUTGOING',
   * });
   * ```
   */
  async ensureSubscription(params: SubscriptionCreateParams, options: RequestOptions = {}): Promise<Subscription> {
    const wanted = check(SubscriptionCreateParamsSchema, params);
    for (let attempt = 0; ; attempt++) {
      const existing = await this.#find(wanted.name, wanted.pushEndpoint, options);
      if (existing === undefined) {
        try {
          return await this.create(wanted, options);
        } catch (error) {
          // Someone else created it between our list and our create: look again (once).
          if (attempt === 0 && isApiError(error) && error.exception === 'SubscriptionWithSameNameAndPushEndpointAlreadyExists') {
            continue;
          }
          throw error;
        }
      }
      const filterSame = (existing.filter ?? '') === (wanted.filter ?? '');
      if (existing.resource === wanted.resource && existing.event === wanted.event && filterSame) return existing;
      if (wanted.filter === undefined && existing.filter !== undefined && existing.filter !== '') {
        await this.delete(existing.id, options);
        return await this.create(wanted, options);
      }
      const changes: SubscriptionUpdateParams = { resource: wanted.resource, event: wanted.event };
      if (wanted.filter !== undefined) changes.filter = wanted.filter;
      await this.update(existing.id, changes, options);
      return { ...existing, ...changes };
    }
  }

  async #find(name: string, pushEndpoint: string, options: RequestOptions): Promise<Subscription | undefined> {
    for await (const s of this.list({ ...options, pageSize: 2000 })) {
      if (s.name === name && s.pushEndpoint === pushEndpoint) return s;
    }
    return undefined;
  }

  /** Deletes every subscription on the IP. */
  async deleteAll(options: RequestOptions = {}): Promise<void> {
    await this.transport.empty({ method: 'DELETE', path: '/api/subscriptions' }, options);
  }
}

function check<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = toIssues(result.error);
    throw new RequestValidationError(issues[0]?.path || 'params', issues[0]?.message ?? 'invalid', issues);
  }
  const endpoint = (result.data as { pushEndpoint?: unknown }).pushEndpoint;
  if (typeof endpoint === 'string') checkPushEndpoint(endpoint);
  return result.data;
}

/**
 * The IP POSTs events to the push endpoint (`UrlPusher`), so only an http(s) URL makes sense; a `javascript:`,
 * `file:` or `data:` URL is refused before it reaches the IP's subscription store.
 */
function checkPushEndpoint(endpoint: string): void {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new RequestValidationError('pushEndpoint', 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RequestValidationError('pushEndpoint', `must be an http: or https: URL, not ${url.protocol}`);
  }
  if (!url.hostname) throw new RequestValidationError('pushEndpoint', 'must name a host');
}
