import type { setupServer } from 'msw/node';
import { afterEach, beforeEach } from 'vitest';

/**
 * Records the incoming-queue requests a client sends through an msw server, in order, as `PEEK?<query>`,
 * `POP <id>` and `DELETE <id>`: what the receive tests assert about the wire, whichever IP answers.
 * Call at the top level of a test file; the returned list is emptied before each test.
 */
export function useRequestLog(server: ReturnType<typeof setupServer>): string[] {
  const log: string[] = [];
  const record = ({ request }: { request: Request }) => {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path.endsWith('/api/messages/in/peek')) log.push(`PEEK${url.search}`);
    else if (path.includes('/api/messages/in/pop/')) log.push(`POP ${decodeURIComponent(path.slice(path.lastIndexOf('/') + 1))}`);
    else if (request.method === 'DELETE' && path.includes('/api/messages/in/'))
      log.push(`DELETE ${decodeURIComponent(path.slice(path.lastIndexOf('/') + 1))}`);
  };
  beforeEach(() => {
    log.length = 0;
    server.events.on('request:start', record);
  });
  afterEach(() => {
    server.events.removeListener('request:start', record);
  });
  return log;
}
