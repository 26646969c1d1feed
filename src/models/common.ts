import { z } from 'zod';

/**
 * A string type that suggests the known literals in editors but accepts any other string, so a value added by a
 * newer IP neither breaks parsing nor the types.
 * @category Models
 */
export type OpenEnum<T extends string> = T | (string & {});

/**
 * A lenient enum for responses: any string parses, the type lists the known values.
 * @internal
 */
export function openEnum<const T extends readonly [string, ...string[]]>(_values: T) {
  return z.string() as unknown as z.ZodType<OpenEnum<T[number]>, string>;
}

const fastChecks = new WeakMap<z.ZodType, (value: unknown) => boolean>();

/**
 * Registers a hand-written check that accepts only values the schema accepts unchanged (a loose schema with no
 * transforms). Parsing a hot response then skips zod when the check passes; zod still runs, and words the error, when
 * it does not. The check must never accept what the schema refuses (tested).
 * @internal
 */
export function withFastCheck<S extends z.ZodType>(schema: S, check: (value: unknown) => boolean): S {
  fastChecks.set(schema, check);
  return schema;
}

/** The fast check registered for a schema. @internal */
export function fastCheckOf(schema: z.ZodType): ((value: unknown) => boolean) | undefined {
  return fastChecks.get(schema);
}
