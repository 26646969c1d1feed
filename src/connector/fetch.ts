import type { IntegrasjonspunktClient } from '../client.js';
import { RequestValidationError } from '../errors.js';
import type { StandardBusinessDocument } from '../models/sbd.js';
import type { Download } from '../resources/incoming.js';
import type { NotificationDelivery, NotificationHandler } from './consume.js';
import { RetryNotificationLater } from './consume.js';
import { isIncomingNotification, type NotificationEvent } from './events.js';

/** What {@link fetchIncoming} hands your handler. @category RabbitMQ */
export interface FetchedIncomingMessage {
  /** The message id. */
  messageId: string;
  /** The SBD, as returned by the IP's peek (the message is locked for you). */
  sbd: StandardBusinessDocument;
  /** The ASiC-E, to be read once; `null` for receipt types that have none. */
  download: Download | null;
  /** The notification that triggered the fetch. */
  event: NotificationEvent;
  /** Where the notification came from. */
  delivery: NotificationDelivery;
}

/** Options for {@link fetchIncoming}. @category RabbitMQ */
export interface FetchIncomingOptions {
  /** Called for notifications that are not about an incoming message; by default they are acknowledged and ignored. */
  onOtherNotification?: NotificationHandler | undefined;
}

/**
 * Notify-then-fetch: turns a handler for incoming messages into a {@link NotificationHandler} for
 * {@link consumeNotifications}. On an incoming-message notification it locks exactly that message on the IP
 * (`peek` filtered by `messageId`), downloads it (`pop`), runs your handler, and only then acknowledges it on the IP
 * (`DELETE`); the notification is acked after that.
 *
 * @remarks
 * Many workers, in one queue or in several, can share one IP safely: the IP's lock lets only one of them have the
 * message. A worker whose peek finds nothing checks whether the message is still queued: if it is gone (another
 * worker handled it, or it expired) the notification is simply acknowledged; if it is still there (locked by
 * another worker) the notification is requeued with {@link RetryNotificationLater}, so that if that worker fails,
 * someone takes the message over when the IP's lock expires (`lockTimeoutMinutes`, default 5). If your handler
 * throws, the message is not deleted on the IP and the notification is requeued; keep handlers well inside the lock
 * time, or two workers may end up with the same message.
 *
 * @param ip - the client for the IP that received the messages.
 * @param handler - your processing; resolve when the message is safely stored.
 * @param options - what to do with other notifications.
 * @example
 * ```ts
 * consumeNotifications({
 *   amqpUrl, queue: 'sak.innkommende', bindings: ['eformidling.event.incoming.#'],
 *   handler: fetchIncoming(ip, async ({ sbd, download }) => {
 *     if (download) await download.saveTo(`/data/in/${messageIdOf(sbd)}.asice`);
 *   }),
 * });
 * ```
 * @category RabbitMQ
 */
export function fetchIncoming(
  ip: IntegrasjonspunktClient,
  handler: (message: FetchedIncomingMessage) => Promise<void> | void,
  options: FetchIncomingOptions = {},
): NotificationHandler {
  if (!ip || typeof ip !== 'object') throw new RequestValidationError('ip', 'an IntegrasjonspunktClient is required');
  if (typeof handler !== 'function') throw new RequestValidationError('handler', 'must be a function');
  return async (event, delivery) => {
    if (!isIncomingNotification(event)) {
      await options.onOtherNotification?.(event, delivery);
      return;
    }
    const messageId = event.data.messageId;
    const signal = delivery.signal;
    const sbd = await ip.incoming.peek({ messageId }, { signal });
    if (sbd === null) {
      if (await stillQueued(ip, messageId, signal)) {
        throw new RetryNotificationLater(`message ${messageId} is locked by another consumer`);
      }
      return; // handled by someone else, or expired: nothing to do
    }
    const download = await ip.incoming.pop(messageId, { signal });
    try {
      await handler({ messageId, sbd, download, event, delivery });
    } finally {
      // A handler that did not read the download must not leave the HTTP response open.
      await download?.stream.cancel().catch(() => {});
    }
    await ip.incoming.delete(messageId, { signal });
  };
}

async function stillQueued(ip: IntegrasjonspunktClient, messageId: string, signal: AbortSignal): Promise<boolean> {
  for await (const page of ip.incoming.list({ messageId, pageSize: 1 }, { signal }).byPage()) {
    return page.content.length > 0;
  }
  return false;
}
