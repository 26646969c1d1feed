import type { Status } from '../models/status.js';

/**
 * What a single status means for the sender:
 * - `pending`: still on its way (`OPPRETTET`, `SENDT`, `MOTTATT`, `ANNET`, `INNKOMMENDE_MOTTATT`, and any value this
 *   SDK does not know yet),
 * - `delivered`: `LEVERT` (and `INNKOMMENDE_LEVERT` for incoming messages),
 * - `read`: `LEST`,
 * - `failed`: `FEIL` or `LEVETID_UTLOPT`.
 * @category Tracking
 */
export type StatusKind = 'pending' | 'delivered' | 'read' | 'failed';

/**
 * Where a tracked message stands after all statuses seen so far. `failed` wins over everything (a print message can
 * get `FEIL` after `LEVERT`), `read` wins over `delivered`, and a status arriving late never moves it back.
 * @category Tracking
 */
export type DeliveryState = StatusKind;

const KINDS: Readonly<Record<string, StatusKind>> = {
  OPPRETTET: 'pending',
  SENDT: 'pending',
  MOTTATT: 'pending',
  ANNET: 'pending',
  INNKOMMENDE_MOTTATT: 'pending',
  LEVERT: 'delivered',
  INNKOMMENDE_LEVERT: 'delivered',
  LEST: 'read',
  FEIL: 'failed',
  LEVETID_UTLOPT: 'failed',
};

/**
 * Classifies one status value. The single place where the SDK decides what a status means; values a newer IP may add
 * are `pending` (keep watching), never an error.
 * @param status - a status value as the IP sends it, e.g. `'LEVERT'`.
 * @example
 * ```ts
 * classifyStatus('LEVERT'); // 'delivered'
 * classifyStatus('LEVETID_UTLOPT'); // 'failed'
 * classifyStatus('SOMETHING_NEW'); // 'pending'
 * ```
 * @category Tracking
 */
export function classifyStatus(status: Status): StatusKind {
  return Object.hasOwn(KINDS, status) ? (KINDS[status] as StatusKind) : 'pending';
}

/** True when the SDK knows this status value (the IP's `ReceiptStatus`). @category Tracking */
export function isKnownStatus(status: Status): boolean {
  return Object.hasOwn(KINDS, status);
}

const RANK: Readonly<Record<DeliveryState, number>> = { pending: 0, delivered: 1, read: 2, failed: 3 };

/** The state after `kind` is seen in `state`: never moves backwards. @internal */
export function nextState(state: DeliveryState, kind: StatusKind): DeliveryState {
  return RANK[kind] > RANK[state] ? kind : state;
}
