/**
 * The SDK's metrics, through the OpenTelemetry API's global meter (no-ops without the API or a provider). One table
 * names every instrument, its unit and meaning; callers record by name.
 * @internal
 * @module
 */
import type * as Api from '@opentelemetry/api';
import { sdkMeter } from './otel.js';
import { cleanAttributes, type SpanAttributes } from './spans.js';

const COUNTERS = {
  'eformidling.messages.sent': { unit: '{message}', description: 'Messages the IP accepted for sending, by service and strategy' },
  'eformidling.messages.received': { unit: '{message}', description: 'Incoming messages handled and deleted, by service' },
  'eformidling.messages.failed': {
    unit: '{message}',
    description: 'Messages that failed: sends that did not reach the IP, handlers that failed, statuses FEIL/LEVETID_UTLOPT',
  },
  'eformidling.bytes.sent': { unit: 'By', description: 'Document bytes sent to the IP' },
  'eformidling.bytes.received': { unit: 'By', description: 'ASiC-E bytes downloaded from the IP' },
  'eformidling.http.retries': { unit: '{retry}', description: 'Requests sent again after a transient failure, by route' },
  'eformidling.receive.lock_expiries': { unit: '{lock}', description: 'Incoming messages whose lock ran out before the delete' },
  'eformidling.receive.dead_letters': { unit: '{message}', description: 'Incoming messages set aside as dead letters' },
  'messaging.client.sent.messages': {
    unit: '{message}',
    description:
      'Notifications the RabbitMQ bridge published, by CloudEvent type; error.type on those not confirmed or returned unroutable',
  },
} as const;

const HISTOGRAMS = {
  'http.client.request.duration': { unit: 's', description: 'Duration of HTTP requests to the IP, per attempt' },
  'eformidling.tracker.lag': { unit: 's', description: 'Time from a status at the IP to the tracker reporting it' },
} as const;

const GAUGES = {
  'eformidling.receive.queue_depth': { unit: '{message}', description: 'Incoming messages waiting at the IP, when known' },
} as const;

/** @internal */
export type CounterName = keyof typeof COUNTERS;
/** @internal */
export type HistogramName = keyof typeof HISTOGRAMS;
/** @internal */
export type GaugeName = keyof typeof GAUGES;

let instrumentsOf: Api.Meter | undefined;
let instruments = new Map<string, Api.Counter | Api.Histogram | Api.Gauge>();

function instrument<T extends Api.Counter | Api.Histogram | Api.Gauge>(name: string, make: (meter: Api.Meter) => T): T | undefined {
  const meter = sdkMeter();
  if (meter === undefined) return undefined;
  if (meter !== instrumentsOf) {
    instrumentsOf = meter;
    instruments = new Map();
  }
  let found = instruments.get(name) as T | undefined;
  if (found === undefined) {
    found = make(meter);
    instruments.set(name, found);
  }
  return found;
}

function clean(attributes: SpanAttributes | undefined): Api.Attributes | undefined {
  return attributes === undefined ? undefined : cleanAttributes(attributes);
}

/** Whether metrics go anywhere (the API is installed and a meter provider registered): callers skip building attributes when not. @internal */
export function metricsEnabled(): boolean {
  return sdkMeter() !== undefined;
}

/** Adds `value` (default 1) to a counter. @internal */
export function count(name: CounterName, attributes?: SpanAttributes, value = 1): void {
  instrument(name, (m) => m.createCounter(name, COUNTERS[name]))?.add(value, clean(attributes));
}

/** Records one value in a histogram. @internal */
export function record(name: HistogramName, value: number, attributes?: SpanAttributes): void {
  instrument(name, (m) => m.createHistogram(name, HISTOGRAMS[name]))?.record(value, clean(attributes));
}

/** Sets a gauge's current value. @internal */
export function gauge(name: GaugeName, value: number, attributes?: SpanAttributes): void {
  instrument(name, (m) => m.createGauge(name, GAUGES[name]))?.record(value, clean(attributes));
}
