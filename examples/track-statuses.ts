/**
 * Know when a message is delivered: the three ways to follow statuses, side by side.
 *
 *   npm run example -- track-statuses
 *   IP_URL=https://localhost:9093 IP_RECEIVER=910075918 npm run example -- track-statuses
 *   IP_URL=… IP_RECEIVER=… TRACK_QUEUE=1 npm run example -- track-statuses   # also the status queue (see below)
 *
 * (see examples/support/connect.ts for IP_USERNAME, IP_PASSWORD, IP_CA.)
 *
 * Three messages are sent; each is followed with one strategy:
 * - `per-id` (what `ip.waitForDelivery()` uses): `GET /api/statuses/{messageId}` per pending message per cycle.
 *   Simplest; fine for a handful of messages.
 * - `search` (the default of `ip.track()`): one `GET /api/statuses` cursor for every tracked message, so a quiet
 *   cycle costs one small request however many messages are pending. The choice for a system that sends a lot.
 * - `queue`: `GET /api/statuses/peek` + `DELETE /api/statuses/{id}`. Only when the IP fills its status queue
 *   (`difi.move.feature.statusQueueIncludes`, empty by default) and this tracker is the queue's only reader: it
 *   deletes every entry it reads. The simulator here is started with `statusQueueIncludes: ['DPO']`; against a real
 *   IP it runs only with TRACK_QUEUE=1.
 * Polling is adaptive (the interval grows while nothing changes) and a webhook can make a tracker look at once
 * (see webhooks.ts). On the simulator a small receiver takes the messages so they reach LEVERT; against a real IP
 * the receiving organisation's system does that.
 */
import { arkivmelding, type IntegrasjonspunktClient, messageIdOf, type StatusTracker, type TrackStrategy, type Upload } from 'eformidling';
import { type ConnectOptions, connect, simulateReceiver } from './support/connect.ts';
import { arkivmeldingXml, pdf } from './support/content.ts';
import { runMain } from './support/run.ts';
import { type LogFn, shortId, timeline } from './support/timeline.ts';

/** Options of {@link main}. */
export interface TrackStatusesOptions extends ConnectOptions {
  /** Give up waiting for LEVERT after this long. @defaultValue 20 s on the simulator, 30 minutes on a real IP */
  timeoutMs?: number;
  log?: LogFn;
}

/** One message and what its tracker saw. */
export interface TrackedMessage {
  messageId: string;
  /** Statuses up to LEVERT, oldest first. */
  statuses: string[];
  /** Polling cycles the tracker ran (undefined for `waitForDelivery`, which hides its tracker). */
  cycles: number | undefined;
}

/** What {@link main} saw, per strategy (`queue` only when it ran). */
export type TrackStatusesResult = Partial<Record<TrackStrategy, TrackedMessage>>;

async function sendOne(ip: IntegrasjonspunktClient, receiver: string, sender: string | undefined, tittel: string): Promise<string> {
  const files: Upload[] = [
    { filename: 'arkivmelding.xml', content: arkivmeldingXml({ tittel, files: ['brev.pdf'] }), mimeType: 'application/xml' },
    { filename: 'brev.pdf', content: pdf(tittel), mimeType: 'application/pdf' },
  ];
  return messageIdOf(await ip.sendTo(receiver, arkivmelding({ sender, hoveddokument: 'brev.pdf' }), files)) as string;
}

export async function main(options: TrackStatusesOptions = {}): Promise<TrackStatusesResult> {
  const t = timeline(options.log);
  const env = options.env ?? process.env;
  // The simulator fills the status queue for DPO, as an IP with statusQueueIncludes=DPO would.
  const conn = await connect({ ...options, simulator: { statusQueueIncludes: ['DPO'], ...options.simulator } });
  const receiverLoop = simulateReceiver(conn);
  try {
    const ip = conn.sender;
    const receiver = conn.requireReceiver();
    const timeoutMs = options.timeoutMs ?? (conn.simulated ? 20_000 : 30 * 60_000);
    const pollIntervalMs = conn.pollIntervalMs;
    const strategies: TrackStrategy[] = conn.simulated || env.TRACK_QUEUE === '1' ? ['per-id', 'search', 'queue'] : ['per-id', 'search'];

    const sent = new Map<TrackStrategy, string>();
    for (const strategy of strategies) {
      const id = await sendOne(ip, receiver, conn.senderOrg, `Brev fulgt med ${strategy}`);
      sent.set(strategy, id);
      t.step(`sent ${shortId(id)} (to be followed with ${strategy})`);
    }

    const follow = async (strategy: TrackStrategy, messageId: string): Promise<TrackedMessage> => {
      if (strategy === 'per-id') {
        // One message, one promise: resolves with the history at LEVERT, rejects with DeliveryFailedError on
        // FEIL / LEVETID_UTLOPT and DeliveryTimeoutError after timeoutMs.
        const history = await ip.waitForDelivery(messageId, { pollIntervalMs, timeoutMs });
        t.step(`[per-id] ${shortId(messageId)} delivered: ${history.map((s) => s.status).join(' → ')}`);
        return { messageId, statuses: history.map((s) => s.status), cycles: undefined };
      }
      // A long-lived tracker: add ids as you send, listen to typed events, wait for any of them.
      const tracker: StatusTracker = ip.track([messageId], { strategy, pollIntervalMs, maxPollIntervalMs: pollIntervalMs * 10 });
      tracker.on('status', (u) => t.step(`[${strategy}] ${shortId(u.messageId)} ${u.status.status}`));
      tracker.on('warning', (message) => t.step(`[${strategy}] warning: ${message}`));
      try {
        const history = await tracker.waitFor(messageId, { until: 'LEVERT', timeoutMs });
        return { messageId, statuses: history.map((s) => s.status), cycles: tracker.stats.cycles };
      } finally {
        await tracker.stop();
      }
    };

    // All three at once: each status line is tagged with the strategy that found it.
    const results = await Promise.all([...sent].map(async ([strategy, id]) => [strategy, await follow(strategy, id)] as const));
    return Object.fromEntries(results);
  } finally {
    await receiverLoop?.stop();
    await conn.close();
  }
}

runMain(import.meta.url, main);
