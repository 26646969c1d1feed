/**
 * msw's handler type for `sim.handlers`, without making msw's types a requirement: msw is an optional peer, and a
 * TypeScript consumer without it (and with `skipLibCheck: false`) must still compile against `eformidling/mock`.
 * Without msw installed the type is `any`; with it, it is msw's own `HttpHandler`. The directive is a JSDoc comment
 * on purpose: declaration emit keeps it, so the published `.d.ts` carries it too.
 * @internal
 * @module
 */

// biome-ignore lint/suspicious/noTsIgnore: @ts-expect-error would fail where msw is installed; the import must resolve or be `any`
/** @ts-ignore -- msw is an optional peer dependency; without it `HttpHandler` is `any`. */
import type { HttpHandler } from 'msw';

/** msw's `HttpHandler` (or `any` when msw is not installed). @category Simulator */
export type MswHttpHandler = HttpHandler;
