/**
 * Webhooks: the IP POSTs every new status to your endpoint; a tracker polls at once instead of on its next cycle.
 *
 *   npm run example -- webhooks
 *   IP_URL=https://localhost:9093 IP_RECEIVER=910075918 npm run example -- webhooks          # IP on this machine
 *   IP_URL=… IP_RECEIVER=… WEBHOOK_URL=https://sak.example/hooks/eformidling WEBHOOK_PORT=8080 npm run example -- webhooks
 *
 * (see examples/support/connect.ts for IP_USERNAME, IP_PASSWORD, IP_CA.)
 *
 * Pieces:
 * - a plain `node:http` server with `createWebhookHandler()` (the same handler works in Express and Fastify). It
 *   answers 200 at once (the IP waits at most 10 s and never retries), validates each event, and notifies the
 *   tracker;
 * - `ip.subscriptions.ensureSubscription()`: creates the subscription once, safe to call at every start;
 * - a tracker with a long polling interval: the webhook makes it look when something happened. Webhooks are a
 *   supplement, not a guarantee (the IP neither persists nor retries them), so the tracker still polls now and then.
 *
 * The IP must reach the endpoint: by default http://127.0.0.1:<port>/hooks/eformidling (an IP on this machine, or
 * the simulator); elsewhere set WEBHOOK_URL to the public address that forwards to WEBHOOK_PORT here. The IP sends
 * no credentials or signatures, so expose the endpoint only where the IP can reach it.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { arkivmelding, createWebhookHandler, messageIdOf, type Upload } from 'eformidling';
import { type ConnectOptions, connect, simulateReceiver } from './support/connect.ts';
import { arkivmeldingXml, pdf } from './support/content.ts';
import { runMain } from './support/run.ts';
import { type LogFn, shortId, timeline } from './support/timeline.ts';

/** Options of {@link main}. */
export interface WebhooksOptions extends ConnectOptions {
  /** Give up waiting for LEVERT after this long. @defaultValue 20 s on the simulator, 30 minutes on a real IP */
  timeoutMs?: number;
  log?: LogFn;
}

/** What {@link main} saw. */
export interface WebhooksResult {
  messageId: string;
  /** The subscription's id on the IP (deleted again at the end). */
  subscriptionId: number;
  /** True when the IP's ping reached the endpoint. */
  pinged: boolean;
  /** Statuses of the message that arrived as webhook events, in arrival order. */
  webhookStatuses: string[];
  /** The tracker's history at LEVERT. */
  statuses: string[];
  /** Polling cycles the tracker ran (few: it polls when a webhook arrives). */
  trackerCycles: number;
}

export async function main(options: WebhooksOptions = {}): Promise<WebhooksResult> {
  const t = timeline(options.log);
  const env = options.env ?? process.env;
  const conn = await connect(options);
  const receiverLoop = simulateReceiver(conn);
  const ip = conn.sender;
  // Poll rarely: the webhook is what makes the tracker look.
  const tracker = ip.track([], { strategy: 'search', pollIntervalMs: 60_000, maxPollIntervalMs: 300_000 });
  const server = createServer();
  let subscriptionId: number | undefined;
  try {
    let pinged = false;
    const webhookStatuses: string[] = [];
    let watched: string | undefined;
    server.on(
      'request',
      createWebhookHandler({
        trackers: [tracker],
        onPing: () => {
          pinged = true;
          t.step('webhook: ping (the subscription works)');
        },
        onStatus: (event) => {
          if (event.messageId !== watched) return;
          webhookStatuses.push(event.status);
          t.step(`webhook: ${shortId(event.messageId)} ${event.status} (${event.direction})`);
        },
      }),
    );
    server.listen(Number(env.WEBHOOK_PORT ?? 0), '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const pushEndpoint = env.WEBHOOK_URL ?? `http://127.0.0.1:${port}/hooks/eformidling`;
    t.step(`webhook endpoint listening on 127.0.0.1:${port}`);

    // Creates it, or finds the one an earlier run created (same name and endpoint).
    const subscription = await ip.subscriptions.ensureSubscription({
      name: 'eformidling-examples',
      pushEndpoint,
      resource: 'messages',
      event: 'status',
      filter: 'direction=OUTGOING',
    });
    subscriptionId = subscription.id;
    t.step(`subscription ${subscription.id} → ${pushEndpoint}`);

    const files: Upload[] = [
      {
        filename: 'arkivmelding.xml',
        content: arkivmeldingXml({ tittel: 'Varsel om tilsyn', files: ['varsel.pdf'] }),
        mimeType: 'application/xml',
      },
      { filename: 'varsel.pdf', content: pdf('Varsel om tilsyn'), mimeType: 'application/pdf' },
    ];
    const sbd = arkivmelding({ sender: conn.senderOrg, hoveddokument: 'varsel.pdf' });
    watched = messageIdOf(sbd);
    const messageId = messageIdOf(await ip.sendTo(conn.requireReceiver(), sbd, files)) as string;
    t.step(`sent ${shortId(messageId)}`);

    tracker.add(messageId);
    const history = await tracker.waitFor(messageId, {
      until: 'LEVERT',
      timeoutMs: options.timeoutMs ?? (conn.simulated ? 20_000 : 30 * 60_000),
    });
    const statuses = history.map((s) => s.status);
    t.step(`tracker: ${shortId(messageId)} delivered after ${tracker.stats.cycles} polling cycles: ${statuses.join(' → ')}`);
    return { messageId, subscriptionId: subscription.id, pinged, webhookStatuses, statuses, trackerCycles: tracker.stats.cycles };
  } finally {
    await tracker.stop();
    // A demo cleans up after itself; a service keeps its subscription (ensureSubscription finds it next time).
    if (subscriptionId !== undefined) await ip.subscriptions.delete(subscriptionId).catch(() => {});
    server.closeAllConnections();
    server.close();
    await receiverLoop?.stop();
    await conn.close();
  }
}

runMain(import.meta.url, main);
