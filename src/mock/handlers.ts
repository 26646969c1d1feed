import { createRequire } from 'node:module';
import type { MswHttpHandler } from './msw-types.js';
import { MSW_HOST_SUFFIX, type SimulatorCore } from './routes/core.js';

/**
 * The msw face. msw is an optional peer dependency: it is loaded here, synchronously and only when
 * `sim.handlers` is first read (Node's `require()` of an ES module shares the instance with `import 'msw'`).
 * @internal
 * @module
 */

type Msw = typeof import('msw');
let msw: Msw | undefined;

function loadMsw(): Msw {
  if (msw) return msw;
  try {
    msw = createRequire(import.meta.url)('msw') as Msw;
  } catch (error) {
    throw new Error(
      `sim.handlers needs the optional peer dependency msw (npm install -D msw) on Node >= 22.12: ${(error as Error).message}`, // require() throws Errors
    );
  }
  return msw;
}

/** Base URL of an organisation's IP on the msw face. */
export function mswBaseUrl(orgnr: string): string {
  return `http://${orgnr}${MSW_HOST_SUFFIX}`;
}

/** One `http.all` handler per organisation, each delegating to the shared core. */
export function createHandlers(core: SimulatorCore, organisations: readonly string[]): MswHttpHandler[] {
  const { http } = loadMsw();
  return organisations.map((org) => http.all(`${mswBaseUrl(org)}/*`, ({ request }) => core.handle(request)));
}
