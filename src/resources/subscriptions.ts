import type { z } from 'zod';
import { RequestValidationError } from '../errors.js';
import { path } from '../internal/path.js';
import { PageSchema } from '../models/page.js';
import {
  type Subscription,
  type SubscriptionCreateParams,
  SubscriptionCreateParamsSchema,
  SubscriptionSchema,
  type SubscriptionUpdateParams,
  SubscriptionUpdateParamsSchema,
} from '../models/subscription.js';
import { type PagedAsyncIterable, paginate } from '../pagination.js';
import type { RequestOptions } from '../transport/http.js';
import { toIssues } from '../transport/http.js';
import { Resource } from './resource.js';

const SubscriptionPageSchema = PageSchema(SubscriptionSchema);

/**
 * `/api/subscriptions`: webhook subscriptions.
 * @category Resources
 */
export class SubscriptionsResource extends Resource {
  list(options: RequestOptions & { pageSize?: number } = {}): PagedAsyncIterable<Subscription> {
    const { pageSize, ...requestOptions } = options;
    return paginate(
      (page, size) =>
        this.transport.json({ method: 'GET', path: '/api/subscriptions', query: { page, size } }, SubscriptionPageSchema, requestOptions),
      { pageSize },
    );
  }

  /** @throws {@link NotFoundError} */
  get(id: number, options: RequestOptions = {}): Promise<Subscription> {
    return this.transport.json({ method: 'GET', path: path`/api/subscriptions/${id}` }, SubscriptionSchema, options);
  }

  /**
   * Creates a subscription; the IP pings the endpoint first.
   * @throws {@link BadRequestError} with exception `SubscriptionWithSameNameAndPushEndpointAlreadyExists` for a duplicate.
   */
  create(params: SubscriptionCreateParams, options: RequestOptions = {}): Promise<Subscription> {
    const body = check(SubscriptionCreateParamsSchema, params);
    // Not retried: a repeat would be rejected as a duplicate (name + endpoint).
    return this.transport.json({ method: 'POST', path: '/api/subscriptions', json: body }, SubscriptionSchema, options);
  }

  /** Partial update: only the given fields change. */
  async update(id: number, params: SubscriptionUpdateParams, options: RequestOptions = {}): Promise<void> {
    const body = check(SubscriptionUpdateParamsSchema, params);
    await this.transport.empty({ method: 'PUT', path: path`/api/subscriptions/${id}`, json: body }, options);
  }

  /** @throws {@link NotFoundError} when unknown. */
  async delete(id: number, options: RequestOptions = {}): Promise<void> {
    await this.transport.empty({ method: 'DELETE', path: path`/api/subscriptions/${id}` }, options);
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
  return result.data;
}
