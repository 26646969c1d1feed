import { z } from 'zod';

const SortSchema = z.looseObject({
  sorted: z.boolean().optional(),
  unsorted: z.boolean().optional(),
  empty: z.boolean().optional(),
});

/**
 * Spring Data's `Page` JSON as the IP serializes it (`PageImpl` from `MessageStatusController`, `ConversationController`
 * and `NextMoveMessageOutController.getMessages`).
 * @category Models
 */
export function PageSchema<T extends z.ZodType>(item: T) {
  return z.looseObject({
    content: z.array(item),
    pageable: z
      .union([
        z.looseObject({
          sort: SortSchema.optional(),
          offset: z.number().optional(),
          pageNumber: z.number().optional(),
          pageSize: z.number().optional(),
          paged: z.boolean().optional(),
          unpaged: z.boolean().optional(),
        }),
        z.string(),
      ])
      .optional(),
    last: z.boolean(),
    totalElements: z.number().optional(),
    totalPages: z.number().optional(),
    size: z.number().optional(),
    number: z.number(),
    sort: SortSchema.optional(),
    numberOfElements: z.number().optional(),
    first: z.boolean().optional(),
    empty: z.boolean().optional(),
  });
}

/** One page of results. @category Models */
export interface Page<T> {
  content: T[];
  last: boolean;
  number: number;
  totalElements?: number | undefined;
  totalPages?: number | undefined;
  size?: number | undefined;
  numberOfElements?: number | undefined;
  first?: boolean | undefined;
  empty?: boolean | undefined;
  [key: string]: unknown;
}

/** Paging query parameters (Spring `Pageable`). @category Models */
export interface PageParams {
  /** 0-based page index. */
  page?: number;
  /** Page size; the IP's default is 10 and its maximum 2000. */
  size?: number;
  /** Sort, e.g. `'id,asc'` or `['lastUpdate,desc', 'id']`. */
  sort?: string | string[];
}
