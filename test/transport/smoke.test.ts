import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { IntegrasjonspunktClient } from 'eformidling';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' } as never));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

it('gets capabilities', async () => {
  let ua = '';
  server.use(
    http.get('http://ip.test/api/capabilities/910075918', ({ request }) => {
      ua = request.headers.get('user-agent') ?? '';
      return HttpResponse.json({ capabilities: [] });
    }),
  );
  const ip = new IntegrasjonspunktClient({ baseUrl: 'http://ip.test/', userAgent: 'Acos Websak/1.1' });
  expect(await ip.capabilities.get('0192:910075918')).toEqual({ capabilities: [] });
  expect(ua).toMatch(/^Acos Websak\/1\.1 eformidling\/0\.1\.0 \(Node\.js 2\d\./);
});
