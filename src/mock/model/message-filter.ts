import { frameworkError } from '../ip-error.js';
import type { Filter, MessageRecord } from './records.js';

/**
 * The exact-match filters of the message lists: `NextMoveMessageOutController.getMessages` (QuerydslPredicate on
 * `NextMoveOutMessage`) and `NextMoveMessageInController.findMessages` (`NextMoveInMessageQueryInput`).
 * @module
 */

const SERVICES = ['DPO', 'DPV', 'DPI', 'DPF', 'DPE', 'DPH', 'UNKNOWN'];

/** Messages of a queue matching the filters. @internal */
export function filterMessages(queue: Iterable<MessageRecord>, direction: 'in' | 'out', filter: Filter): MessageRecord[] {
  const service = filter.serviceIdentifier;
  if (service !== undefined && !SERVICES.includes(service)) {
    throw frameworkError(
      500,
      'java.lang.IllegalArgumentException',
      `No enum constant no.difi.meldingsutveksling.ServiceIdentifier.${service}`,
    );
  }
  // NextMoveInMessageQueryInput names the field `process`; the out list binds NextMoveOutMessage's `processIdentifier`
  // (QuerydslPredicate). Any other name is ignored.
  const process = direction === 'in' ? filter.process : filter.processIdentifier;
  return [...queue].filter(
    (m) =>
      (filter.conversationId === undefined || m.conversationId === filter.conversationId) &&
      (filter.messageId === undefined || m.messageId === filter.messageId) &&
      (filter.receiverIdentifier === undefined || m.receiverIdentifier === filter.receiverIdentifier) &&
      (filter.senderIdentifier === undefined || m.senderIdentifier === filter.senderIdentifier) &&
      (service === undefined || m.service === service) &&
      (process === undefined || m.process === process),
  );
}
