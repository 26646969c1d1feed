import type { z } from 'zod';

/**
 * What the console's endpoint groups share: the route shape, JSON answers, the error JSON `{ error, message }` and
 * reading a JSON body against a zod schema (docs/console-api.md, "Conventions").
 * @internal
 * @module
 */

/** An error the console API answers with. */
export class ConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ConsoleError';
  }
}

export const badRequest = (message: string) => new ConsoleError(400, 'bad_request', message);
export const notFound = (message: string) => new ConsoleError(404, 'not_found', message);
export const conflict = (message: string) => new ConsoleError(409, 'conflict', message);

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/** A JSON answer. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** The error JSON of any thrown value (an unexpected one is a 500 `internal_error`). */
export function errorResponse(error: unknown): Response {
  if (error instanceof ConsoleError) {
    const body: Record<string, unknown> = { error: error.code, message: error.message };
    if (error.details !== undefined) body.details = error.details;
    return json(body, error.status, error.headers);
  }
  return json({ error: 'internal_error', message: error instanceof Error ? error.message : String(error) }, 500);
}

/** One request as an endpoint sees it. */
export interface ApiContext {
  request: Request;
  url: URL;
  /** The decoded path segments the route's `{name}`s matched; a trailing `{*name}` takes the rest of the path. */
  params: string[];
}

export interface ApiRoute {
  method: string;
  pattern: RegExp;
  handler: (ctx: ApiContext) => Promise<Response> | Response;
}

/** A route under `/console/api`: `{name}` is one path segment, a final `{*name}` the rest of the path. */
export function apiRoute(method: string, path: string, handler: ApiRoute['handler']): ApiRoute {
  const pattern = path.replace(/\{\*\w+\}$/, '(.+)').replace(/\{\w+\}/g, '([^/]+)');
  return { method, pattern: new RegExp(`^${pattern}$`), handler };
}

/** Routes a request; 404 for an unknown path, 405 (with `Allow`) for a known path and another method. */
export async function dispatch(routes: readonly ApiRoute[], request: Request, url: URL, path: string): Promise<Response> {
  const allowed: string[] = [];
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method !== request.method) {
      allowed.push(route.method);
      continue;
    }
    let params: string[];
    try {
      params = m.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      throw badRequest(`the path ${path} is not well encoded`);
    }
    return route.handler({ request, url, params });
  }
  if (allowed.length) {
    throw new ConsoleError(405, 'method_not_allowed', `${request.method} is not allowed on ${path}`, undefined, {
      allow: allowed.join(', '),
    });
  }
  throw notFound(`no console API at ${path}`);
}

/** Reads a JSON body (the guard checked its content type) and checks it against a schema. */
export async function readJson<T>(request: Request, schema: z.ZodType<T>): Promise<T> {
  if (!/^application\/json\s*(;|$)/i.test(request.headers.get('content-type') ?? '')) {
    throw new ConsoleError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  const text = await request.text();
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw badRequest(`the body is not JSON: ${(error as SyntaxError).message}`);
  }
  return parseWith(schema, value);
}

/** Checks a value against a schema; the first issue becomes a 400 naming the field. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  const field = issue.path.length ? issue.path.join('.') : 'body';
  throw badRequest(`${field}: ${issue.message}`);
}

/** A whole-number query parameter, capped at `max`; 400 for anything else. */
export function intQuery(url: URL, name: string, fallback: number, max: number): number {
  const value = url.searchParams.get(name);
  if (value === null) return fallback;
  if (!/^\d+$/.test(value)) throw badRequest(`${name} must be a whole number, not '${value}'`);
  return Math.min(Number(value), max);
}
