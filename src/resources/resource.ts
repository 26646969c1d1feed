import type { z } from 'zod';
import { RequestValidationError } from '../errors.js';
import { type IdentifierOptions, parseIdentifier, toPartOrPrimaryIdentifier, toPrimaryIdentifier } from '../models/identifiers.js';
import { type Page, PageSchema } from '../models/page.js';
import { failedPages, type PagedAsyncIterable, paginate } from '../pagination.js';
import type { Query, RequestOptions, Transport } from '../transport/http.js';

/**
 * Base of the thin resource classes: each builds paths, calls the transport and parses with a schema.
 * @internal
 */
export abstract class Resource {
  /** @internal */
  protected readonly transport: Transport;

  /** @internal */
  constructor(transport: Transport) {
    this.transport = transport;
  }

  /**
   * Runs a method's argument checks and its request: a check that throws becomes a rejected promise, so a bad
   * argument never throws synchronously. @internal
   */
  protected call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return fn();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Like {@link call} for a paged list: a check that throws makes the first page (or item) reject. @internal */
  protected pagedCall<T>(fn: () => PagedAsyncIterable<T>): PagedAsyncIterable<T> {
    try {
      return fn();
    } catch (error) {
      return failedPages(error);
    }
  }

  /** A paged GET: `query` plus `page`/`size`, each page parsed as a Spring `Page` of `item`. @internal */
  protected paged<S extends z.ZodType>(
    path: string,
    item: S,
    query: Query,
    options: RequestOptions,
    pageSize: number | undefined,
  ): PagedAsyncIterable<z.output<S>> {
    checkPageSize(pageSize, 'pageSize');
    const schema = pageSchema(item);
    return paginate(
      (page, size) =>
        this.transport.json({ method: 'GET', path, query: { ...query, page, size } }, schema, options) as Promise<Page<z.output<S>>>,
      { pageSize },
    );
  }
}

const pageSchemas = new WeakMap<z.ZodType, z.ZodType>();

/** One `Page` schema per item schema (built once). */
function pageSchema(item: z.ZodType): z.ZodType {
  let schema = pageSchemas.get(item);
  if (!schema) {
    schema = PageSchema(item);
    pageSchemas.set(item, schema);
  }
  return schema;
}

/**
 * The identifier filters the IP matches exactly against stored bare values: `receiverIdentifier` without the ICD,
 * `senderIdentifier` as the on-behalf-of part (or the organisation), `serviceIdentifier` upper case. Each identifier
 * is checked as {@link parseIdentifier} checks it.
 * @internal
 */
export function identifierQuery<F extends { receiverIdentifier?: string; senderIdentifier?: string; serviceIdentifier?: string }>(
  filter: F,
  identifiers: IdentifierOptions = {},
): Omit<F, 'receiverIdentifier' | 'senderIdentifier' | 'serviceIdentifier'> & Query {
  const { receiverIdentifier, senderIdentifier, serviceIdentifier, ...rest } = filter;
  if (receiverIdentifier !== undefined) parseIdentifier(receiverIdentifier, 'filter.receiverIdentifier', identifiers);
  if (senderIdentifier !== undefined) parseIdentifier(senderIdentifier, 'filter.senderIdentifier', identifiers);
  if (serviceIdentifier !== undefined) checkString(serviceIdentifier, 'filter.serviceIdentifier');
  return {
    ...rest,
    receiverIdentifier: receiverIdentifier === undefined ? undefined : toPrimaryIdentifier(receiverIdentifier),
    senderIdentifier: senderIdentifier === undefined ? undefined : toPartOrPrimaryIdentifier(senderIdentifier),
    serviceIdentifier: serviceIdentifier?.toUpperCase(),
  } as Omit<F, 'receiverIdentifier' | 'senderIdentifier' | 'serviceIdentifier'> & Query;
}

/** Describes a value for an error message without echoing it at length. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

/** A non-empty string (a message id, a conversation id, a filter value). @internal */
export function checkString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new RequestValidationError(field, `must be a string, got ${kindOf(value)}`);
  if (value.trim() === '') throw new RequestValidationError(field, 'must not be empty');
  return value;
}

/** A numeric id the IP keeps as a `long` (subscriptions, conversations, statuses). @internal */
export function checkId(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new RequestValidationError(field, `must be a whole number >= 0, got ${kindOf(value)}`);
  }
  return value;
}

/** A page size the IP accepts (1-2000). @internal */
export function checkPageSize(value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 2000) {
    throw new RequestValidationError(field, `must be a whole number from 1 to 2000, got ${kindOf(value)}`);
  }
}

/** Rejects keys a filter does not know: the IP would silently ignore them (and a typo would match everything). */
export function checkKeys(filter: unknown, known: readonly string[], field = 'filter'): void {
  if (filter === undefined) return;
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
    throw new RequestValidationError(field, `must be an object, got ${kindOf(filter)}`);
  }
  for (const key of Object.keys(filter)) {
    if (!known.includes(key)) {
      throw new RequestValidationError(`${field}.${key}`, `unknown filter; the IP would silently ignore it. Known: ${known.join(', ')}`);
    }
  }
}
