import type { z } from 'zod';
import { toPartOrPrimaryIdentifier, toPrimaryIdentifier } from '../models/identifiers.js';
import { type Page, PageSchema } from '../models/page.js';
import { type PagedAsyncIterable, paginate } from '../pagination.js';
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

  /** A paged GET: `query` plus `page`/`size`, each page parsed as a Spring `Page` of `item`. @internal */
  protected paged<S extends z.ZodType>(
    path: string,
    item: S,
    query: Query,
    options: RequestOptions,
    pageSize: number | undefined,
  ): PagedAsyncIterable<z.output<S>> {
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
 * `senderIdentifier` as the on-behalf-of part (or the organisation), `serviceIdentifier` upper case.
 * @internal
 */
export function identifierQuery<F extends { receiverIdentifier?: string; senderIdentifier?: string; serviceIdentifier?: string }>(
  filter: F,
): Omit<F, 'receiverIdentifier' | 'senderIdentifier' | 'serviceIdentifier'> & Query {
  const { receiverIdentifier, senderIdentifier, serviceIdentifier, ...rest } = filter;
  return {
    ...rest,
    receiverIdentifier: receiverIdentifier === undefined ? undefined : toPrimaryIdentifier(receiverIdentifier),
    senderIdentifier: senderIdentifier === undefined ? undefined : toPartOrPrimaryIdentifier(senderIdentifier),
    serviceIdentifier: serviceIdentifier?.toUpperCase(),
  } as Omit<F, 'receiverIdentifier' | 'senderIdentifier' | 'serviceIdentifier'> & Query;
}
