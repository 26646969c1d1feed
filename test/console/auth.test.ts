import { arkivmelding, arkivmeldingXml, IntegrasjonspunktClient, messageIdOf } from 'eformidling';
import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import { describe, expect, it } from 'vitest';
import { services } from '../helpers/services.js';
import { messageRow, useConsole } from './browser.js';

describe.skipIf(!services().chromium)("simulator console behind the simulator's Basic auth", () => {
  const ctx = useConsole(() => ({ basicAuth: { username: 'fagsystem', password: 'hemmelig' } }));

  it('refuses the page without credentials, and works live with them (API calls and the event stream)', async () => {
    expect((await fetch(ctx.url)).status).toBe(401);
    const page = await ctx.open('messages');
    const ip = new IntegrasjonspunktClient({
      baseUrl: ctx.server.baseUrl(DEPARTEMENT),
      auth: { type: 'basic', username: 'fagsystem', password: 'hemmelig' },
      retry: false,
    });
    const stored = await ip.send({
      sbd: arkivmelding({ receiver: KOMMUNE, hoveddokument: 'a.pdf' }),
      files: [
        { filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel: 'Bak passord', files: ['a.pdf'] }) },
        { filename: 'a.pdf', content: Buffer.from('%PDF-1.7\n'), mimeType: 'application/pdf' },
      ],
    });
    await messageRow(page, DEPARTEMENT, 'out', messageIdOf(stored) as string).waitFor();
  });
});
