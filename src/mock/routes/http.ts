import { jacksonJson } from '../format.js';
import { frameworkError, type IpError } from '../ip-error.js';
import type { Filter, IpState, SimulatorModel } from '../model/index.js';

/**
 * What every route group shares: the route shape, JSON and empty answers, and the argument binding of Spring MVC
 * that the IP's controllers rely on (path variables, `@RequestBody` JSON, query filters).
 * @module
 */

/** One request as a route sees it. @internal */
export interface Context {
  ip: IpState;
  request: Request;
  url: URL;
  path: string;
  params: string[];
}

/** @internal */
export type Handler = (ctx: Context) => Promise<Response> | Response;

/** @internal */
export interface Route {
  method: string;
  /** The path as declared, e.g. `/api/messages/out/{messageId}` (the request log shows it). */
  template: string;
  pattern: RegExp;
  handler: Handler;
}

/** The routes of one endpoint group, built on the model. @internal */
export type RouteGroup = (model: SimulatorModel) => Route[];

/** A route; each `{name}` in the path is one path segment, passed on in `params` (in order). @internal */
export function route(method: string, path: string, handler: Handler): Route {
  return { method, template: path, pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '([^/]+)')}$`), handler };
}

/** @internal */
export const JSON_TYPE = { 'content-type': 'application/json' };

/** A JSON answer, written the way the IP's Jackson writes it. @internal */
export function json(body: unknown, status = 200, headers: Record<string, string> = JSON_TYPE): Response {
  return new Response(jacksonJson(body), { status, headers });
}

/** An answer without body. @internal */
export const empty = (status = 200) => new Response(null, { status });

/** @internal */
export function notFound(path: string): IpError {
  return frameworkError(
    404,
    'org.springframework.web.servlet.resource.NoResourceFoundException',
    `No static resource ${path.replace(/^\//, '')}.`,
  );
}

/** @internal */
export function missingHeader(name: string): IpError {
  return frameworkError(
    400,
    'org.springframework.web.bind.MissingRequestHeaderException',
    `Required request header '${name}' for method parameter type String is not present`,
  );
}

/** @internal */
export function intParam(name: string, value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw frameworkError(
      400,
      'org.springframework.web.method.annotation.MethodArgumentTypeMismatchException',
      `Failed to convert value of type 'java.lang.String' to required type 'java.lang.Integer'; For input string: "${value}"`,
    );
  }
  void name;
  return n;
}

/** @internal */
export function longParam(name: string, value: string): number {
  if (!/^-?\d+$/.test(value)) {
    throw frameworkError(
      400,
      'org.springframework.web.method.annotation.MethodArgumentTypeMismatchException',
      `Method parameter '${name}': Failed to convert value of type 'java.lang.String' to required type 'java.lang.Long'; For input string: "${value}"`,
    );
  }
  return Number(value);
}

/** @internal */
export async function readJson(request: Request, exactlyJson = false): Promise<unknown> {
  const type = request.headers.get('content-type');
  const accepted = exactlyJson ? /^application\/json\s*(;|$)/i : /^application\/([\w.+-]+\+)?json\b/i;
  if (!type || !accepted.test(type.trim())) {
    throw frameworkError(
      415,
      'org.springframework.web.HttpMediaTypeNotSupportedException',
      `Content-Type '${type ?? ''}' is not supported`,
    );
  }
  const text = await request.text();
  try {
    return JSON.parse(text);
  } catch (error) {
    throw frameworkError(
      400,
      'org.springframework.http.converter.HttpMessageNotReadableException',
      `JSON parse error: ${(error as SyntaxError).message}`,
    );
  }
}

/** The query parameters that are filters (not paging). @internal */
export function filters(url: URL): Filter {
  const out: Filter = {};
  for (const [key, value] of url.searchParams) {
    if (key === 'page' || key === 'size' || key === 'sort') continue;
    if (!(key in out)) out[key] = value;
  }
  return out;
}
