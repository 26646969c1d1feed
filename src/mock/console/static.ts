import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConsoleError, notFound } from './http.js';

/**
 * The console page: static files from one folder (`dist/console/` when built, `src/console/` from source), with
 * headers that keep the page on the simulator's own origin (docs/console-api.md, "The page").
 * @internal
 * @module
 */

/** The folder of the built page, next to this code: `dist/mock/console/` → `dist/console/`. */
export const DEFAULT_CONSOLE_DIR = new URL('../../console/', import.meta.url);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers of every page file. */
export const PAGE_HEADERS = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
};

/** The folder as a `file:` URL ending in `/`. */
export function consoleDirUrl(dir: string | URL): URL {
  const url = typeof dir === 'string' ? pathToFileURL(dir) : dir;
  return url.href.endsWith('/') ? url : new URL(`${url.href}/`);
}

/**
 * Answers `GET /console/<relative>` from `dir`; `''` is `index.html`. Refuses `..`, dotfiles and anything that is
 * not a plain file in the folder.
 */
export async function serveStatic(dir: URL, relative: string, method: string): Promise<Response> {
  if (method !== 'GET' && method !== 'HEAD') {
    throw new ConsoleError(405, 'method_not_allowed', `${method} is not allowed on the console page`, undefined, { allow: 'GET, HEAD' });
  }
  let segments: string[];
  try {
    segments = (relative === '' ? 'index.html' : relative).split('/').map((s) => decodeURIComponent(s));
  } catch {
    throw notFound(`no console file ${relative}`);
  }
  if (segments.some((s) => s === '' || s.startsWith('.') || /[\\/\0]/.test(s))) throw notFound(`no console file ${relative}`);
  const file = new URL(segments.map(encodeURIComponent).join('/'), dir);
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    const missing = relative === '' && !(await stat(dir).catch(() => undefined));
    throw notFound(missing ? `the console page is not built: ${fileURLToPath(dir)} is missing` : `no console file ${relative}`);
  }
  const body = method === 'HEAD' ? null : await readFile(file);
  const type = TYPES[extname(file.pathname).toLowerCase()] ?? 'application/octet-stream';
  return new Response(body, { status: 200, headers: { ...PAGE_HEADERS, 'content-type': type, 'content-length': String(info.size) } });
}
