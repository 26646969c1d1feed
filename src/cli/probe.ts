/**
 * A cheap authenticated call that tells whether the URL is an integrasjonspunkt API and the credentials are good:
 * `GET /api/statuses?size=1`. With the IP's Basic auth on (the default, `Oauth2ClientSecurityConfig`), everything but
 * `/manage/*` needs credentials, so `/manage/health` answering UP proves neither.
 * @internal
 * @module
 */
import type { IntegrasjonspunktClient } from '../client.js';

/** The path the probe asks. @internal */
export const PROBE_PATH = '/api/statuses?size=1';

/** Resolves when the IP answered the authenticated probe; rejects with the SDK's error otherwise. @internal */
export async function probeApi(ip: IntegrasjonspunktClient, signal: AbortSignal): Promise<void> {
  const pages = ip.statuses.list({ pageSize: 1 }, { signal }).byPage();
  try {
    await pages.next();
  } finally {
    await pages.return?.(undefined);
  }
}
