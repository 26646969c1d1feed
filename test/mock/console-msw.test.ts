import { IntegrasjonspunktClient } from 'eformidling';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsole } from './console-harness.js';
import { DEPARTEMENT } from './fixtures.js';

/** Both faces in one request log: the msw handlers of a served simulator answer from the same model. */

const msw = setupServer();
beforeAll(() => msw.listen({ onUnhandledFrame: 'bypass' }));
afterAll(() => msw.close());

describe('console request log across faces', () => {
  it('shows requests made through the msw handlers next to those over HTTP', async () => {
    const session = await startConsole();
    msw.resetHandlers(...session.server.simulator.handlers);
    const viaMsw = new IntegrasjonspunktClient({ baseUrl: `http://${DEPARTEMENT}.ip.eformidling.test` });
    await viaMsw.manage.health();
    await session.client(DEPARTEMENT).manage.health();
    const requests = (await session.api('/requests?limit=2')).body.requests;
    expect(requests.map((r: { face: string; template: string; org: string }) => [r.face, r.template, r.org])).toEqual([
      ['msw', '/manage/health', DEPARTEMENT],
      ['http', '/manage/health', DEPARTEMENT],
    ]);
    expect((await session.api('/requests?face=msw')).body.requests).toHaveLength(1);
  });
});
