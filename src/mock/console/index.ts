import type { Simulator } from '../simulator.js';
import { actionRoutes } from './actions.js';
import { composeRoutes } from './compose.js';
import { faultRoutes } from './faults.js';
import { guard, isLoopback } from './guard.js';
import { type ApiRoute, ConsoleError, dispatch, errorResponse } from './http.js';
import { Journal } from './journal.js';
import { messageRoutes } from './messages.js';
import { type ConsoleContext, networkRoutes } from './network.js';
import { EventStreams } from './sse.js';
import { consoleDirUrl, DEFAULT_CONSOLE_DIR, serveStatic } from './static.js';
import { API } from './views.js';

/**
 * The simulator console's server side: the page at `/console/`, the JSON API at `/console/api/` and the live
 * event stream, all on the simulator's HTTP face (docs/console-api.md). It observes the simulator through the
 * model's events, the core's request reports and the fault rules' changes (`journal.ts`), reads through the model's
 * read API (`views.ts`) and steers through the model's `otherSide` part and the fault injector.
 * @internal
 * @module
 */

export { isLoopback } from './guard.js';

/**
 * Whether a server bound to `address` serves the console: on unless `console` is false, and only on a loopback
 * address unless `consoleRemote` is set.
 */
export function consoleServed(address: string, options: { console?: boolean; consoleRemote?: boolean }): boolean {
  return options.console !== false && (isLoopback(address) || options.consoleRemote === true);
}

/** Options of {@link SimulatorConsole}. */
export interface ConsoleServeOptions {
  /** The server is bound to a loopback address: requests must name a loopback host (DNS rebinding guard). */
  loopbackBound: boolean;
  /** The page's folder. @defaultValue the built page next to this code (`dist/console/`) */
  dir?: string | URL | undefined;
  /** Keep-alive interval of the event stream. @defaultValue 15 000 */
  keepAliveMs?: number;
}

export class SimulatorConsole {
  readonly #simulator: Simulator;
  readonly #options: ConsoleServeOptions;
  readonly #journal: Journal;
  readonly #streams: EventStreams;
  readonly #routes: ApiRoute[];
  readonly #dir: URL;

  constructor(simulator: Simulator, options: ConsoleServeOptions) {
    this.#simulator = simulator;
    this.#options = options;
    this.#journal = new Journal(simulator);
    this.#streams = new EventStreams(this.#journal, options.keepAliveMs);
    this.#dir = consoleDirUrl(options.dir ?? DEFAULT_CONSOLE_DIR);
    const context: ConsoleContext = { simulator, journal: this.#journal };
    this.#routes = [
      ...networkRoutes(context),
      ...messageRoutes(context),
      ...actionRoutes(context),
      ...composeRoutes(context),
      ...faultRoutes(context),
    ];
  }

  /** Whether a request path belongs to the console (`/console`, `/console/…`). */
  static owns(pathname: string): boolean {
    return pathname === '/console' || pathname.startsWith('/console/');
  }

  /** Answers a request for a console path; never throws (errors are the JSON `{ error, message }`). */
  async handle(request: Request): Promise<Response> {
    try {
      guard(request, { loopbackBound: this.#options.loopbackBound, basicAuth: this.#simulator.model.options.basicAuth });
      const url = new URL(request.url);
      if (url.pathname === '/console') return new Response(null, { status: 308, headers: { location: `/console/${url.search}` } });
      if (url.pathname === API || url.pathname.startsWith(`${API}/`)) {
        const path = url.pathname.slice(API.length) || '/';
        if (path === '/events') {
          if (request.method !== 'GET')
            throw new ConsoleError(405, 'method_not_allowed', 'the event stream is GET only', undefined, { allow: 'GET' });
          return this.#streams.open(request.headers.get('last-event-id') ?? url.searchParams.get('lastEventId'));
        }
        return await dispatch(this.#routes, request, url, path);
      }
      return await serveStatic(this.#dir, url.pathname.slice('/console/'.length), request.method);
    } catch (error) {
      return errorResponse(error);
    }
  }

  /** Ends the event streams and stops observing the simulator. */
  close(): void {
    this.#streams.close();
    this.#journal.close();
  }
}
