import { Clock, type ClockOptions } from '../clock.js';
import type { SimulatedService } from '../network.js';

/**
 * The simulator's options and their defaults (the IP's own settings where one exists: `difi.move.nextmove.*`,
 * `NextMoveFileSizeValidator`).
 * @module
 */

/** Options for {@link createSimulator}. @category Simulator */
export interface SimulatorOptions {
  /** Peek lock duration (`difi.move.nextmove.lockTimeoutMinutes`). @defaultValue 300 000 (5 minutes) */
  lockTimeoutMs?: number;
  /** Services whose statuses feed `/api/statuses/peek` (`statusQueueIncludes`). @defaultValue none (peek is always 204) */
  statusQueueIncludes?: readonly SimulatedService[];
  /** Services for which the receiver sends MOTTATT/LEVERT back (`status-services`). @defaultValue DPO, DPE */
  statusServices?: readonly SimulatedService[];
  /** Default `expectedResponseDateTime` = now + this (`default-ttl-hours`). @defaultValue 24 */
  defaultTtlHours?: number;
  /** Per-service total attachment limits in bytes (`NextMoveFileSizeValidator`). */
  uploadSizeLimits?: Partial<Record<SimulatedService, number>>;
  /**
   * Transmission timing. Without `autoDeliver`, whatever crosses the network (a sent message, a MOTTATT/LEVERT
   * status going back, DPV/DPI receipts) waits in the carrier until `deliverAll()`/`settle()` runs or the clock is
   * advanced past `deliveryDelayMs` after it was queued. With `autoDeliver`, a real timer of `deliveryDelayMs`
   * delivers it in the background (what the HTTP server and the examples use).
   * @defaultValue 1000 without autoDeliver, 20 with
   */
  deliveryDelayMs?: number;
  /** Deliver in the background with a real timer. @defaultValue false (true for {@link startSimulator}) */
  autoDeliver?: boolean;
  /** The clock, or options for a new one. @defaultValue a manual clock starting now */
  clock?: Clock | ClockOptions;
  /** Uploaded files larger than this go to a temp file. @defaultValue 1 MiB */
  spillThresholdBytes?: number;
  /** Webhook POST timeout. @defaultValue 10 000 */
  webhookTimeoutMs?: number;
  /** fetch used for webhook POSTs. @defaultValue `globalThis.fetch` at call time */
  fetch?: typeof fetch;
  /** Require HTTP Basic auth on every IP (except `/manage/<one segment>` and `/error`). */
  basicAuth?: { username: string; password: string };
}

/** {@link SimulatorOptions} with every default applied. @internal */
export type ResolvedOptions = Required<Omit<SimulatorOptions, 'clock' | 'fetch' | 'basicAuth' | 'uploadSizeLimits' | 'deliveryDelayMs'>> & {
  deliveryDelayMs: number;
  uploadSizeLimits: Record<SimulatedService, number>;
  fetch: typeof fetch | undefined;
  basicAuth: { username: string; password: string } | undefined;
};

/** Total attachment size per service (`NextMoveFileSizeValidator`'s defaults). */
const DEFAULT_LIMITS: Record<SimulatedService, number> = {
  DPO: 1024 ** 3,
  DPV: 250 * 1024 ** 2,
  DPI: 50 * 1024 ** 2,
  DPF: 1024 ** 3,
  DPE: 2 * 1024 ** 2,
  DPH: 18 * 1024 ** 2,
};

/** Applies the defaults. @internal */
export function resolveOptions(options: SimulatorOptions): ResolvedOptions {
  const autoDeliver = options.autoDeliver ?? false;
  return {
    lockTimeoutMs: options.lockTimeoutMs ?? 5 * 60_000,
    statusQueueIncludes: options.statusQueueIncludes ?? [],
    statusServices: options.statusServices ?? ['DPO', 'DPE'],
    defaultTtlHours: options.defaultTtlHours ?? 24,
    uploadSizeLimits: { ...DEFAULT_LIMITS, ...options.uploadSizeLimits },
    deliveryDelayMs: options.deliveryDelayMs ?? (autoDeliver ? 20 : 1000),
    autoDeliver,
    spillThresholdBytes: options.spillThresholdBytes ?? 1024 * 1024,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
    fetch: options.fetch,
    basicAuth: options.basicAuth,
  };
}

/** The clock the options ask for. @internal */
export function clockFor(options: SimulatorOptions): Clock {
  return options.clock instanceof Clock ? options.clock : new Clock(options.clock ?? {});
}
