import { RequestValidationError } from './errors.js';
import type { Page } from './models/page.js';

/** Settings for {@link PagedAsyncIterable.byPage}. @category Pagination */
export interface PageSettings {
  /** Items per page (the IP's default is 10, its maximum 2000). */
  pageSize?: number;
  /** Where to resume: the `continuationToken` of an earlier page. */
  continuationToken?: string;
}

/** A page with the token to resume after it. @category Pagination */
export type ContinuablePage<T> = Page<T> & {
  /** Pass to `byPage({ continuationToken })` to continue with the next page; `undefined` on the last page. */
  continuationToken: string | undefined;
};

/**
 * The result of a paged list: iterate it for items (pages are fetched as you go and stop when you break), or call
 * `byPage()` for whole pages with a resumable token. There is deliberately no "fetch all" helper.
 *
 * @example
 * ```ts
 * for await (const status of ip.statuses.list({ status: 'FEIL' })) console.log(status.messageId);
 * for await (const page of ip.statuses.list().byPage({ pageSize: 500 })) save(page.continuationToken);
 * ```
 * @category Pagination
 */
export interface PagedAsyncIterable<T> extends AsyncIterable<T> {
  byPage(settings?: PageSettings): AsyncIterableIterator<ContinuablePage<T>>;
}

/** @internal */
export type PageFetcher<T> = (page: number, size: number | undefined) => Promise<Page<T>>;

/** @internal */
export function paginate<T>(
  fetchPage: PageFetcher<T>,
  defaults: { pageSize?: number | undefined; startPage?: number | undefined } = {},
): PagedAsyncIterable<T> {
  async function* pages(settings: PageSettings = {}): AsyncIterableIterator<ContinuablePage<T>> {
    const size = settings.pageSize ?? defaults.pageSize;
    if (size !== undefined && (!Number.isInteger(size) || size < 1 || size > 2000)) {
      throw new RequestValidationError('pageSize', 'must be a whole number from 1 to 2000');
    }
    let page = settings.continuationToken === undefined ? (defaults.startPage ?? 0) : decodeToken(settings.continuationToken);
    while (true) {
      const result = await fetchPage(page, size);
      const last = result.last || result.content.length === 0;
      yield { ...result, continuationToken: last ? undefined : String(page + 1) };
      if (last) return;
      page += 1;
    }
  }
  return {
    byPage: pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page.content;
    },
  };
}

/** A list whose arguments were refused: iterating it (or its pages) rejects with `error`, before any request. @internal */
export function failedPages<T>(error: unknown): PagedAsyncIterable<T> {
  return {
    // biome-ignore lint/correctness/useYield: it fails before its first page
    async *byPage(): AsyncIterableIterator<ContinuablePage<T>> {
      throw error;
    },
    // biome-ignore lint/correctness/useYield: it fails before its first item
    async *[Symbol.asyncIterator]() {
      throw error;
    },
  };
}

function decodeToken(token: string): number {
  const page = Number(token);
  if (typeof token !== 'string' || token.trim() === '' || !Number.isInteger(page) || page < 0) {
    throw new RequestValidationError('continuationToken', `'${String(token).slice(0, 40)}' is not a token from an earlier page`);
  }
  return page;
}
