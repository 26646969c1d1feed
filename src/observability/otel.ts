/**
 * The one door to OpenTelemetry. `@opentelemetry/api` is an optional peer dependency: it is loaded on first use,
 * synchronously, and when it is missing every helper here is a no-op. Without a registered provider the API hands out
 * its own no-op tracer and meter, so an application that does not collect telemetry pays for a few no-op calls per
 * request and nothing else (measured by the `observability` rows of `npm run bench`).
 *
 * The API keeps its registrations on `globalThis` (one per major version), so the copy loaded here sees the provider an
 * application registered through its own `import` of the API, CommonJS or ESM.
 *
 * Nothing here is exported from the package: the OpenTelemetry types stay out of the SDK's declarations.
 * @internal
 * @module
 */
import { createRequire } from 'node:module';
import type * as Api from '@opentelemetry/api';
import { VERSION } from '../version.js';

/** The OpenTelemetry API module, when installed. @internal */
export type OtelApi = typeof Api;

/** The instrumentation scope every span and instrument of the SDK is created under. @internal */
export const INSTRUMENTATION_SCOPE = 'eformidling';

let loaded: OtelApi | null | undefined;

/** The `@opentelemetry/api` module, or `null` when the application has not installed it. Loaded once. @internal */
export function otelApi(): OtelApi | null {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

let tracer: Api.Tracer | undefined;
let meter: Api.Meter | undefined;

/**
 * The SDK's tracer, or undefined without the API. The API's tracer is a proxy that follows the global provider, so
 * one taken before the application registered its provider still records afterwards. @internal
 */
export function sdkTracer(): Api.Tracer | undefined {
  if (tracer === undefined) tracer = otelApi()?.trace.getTracer(INSTRUMENTATION_SCOPE, VERSION);
  return tracer;
}

/**
 * The SDK's meter, or undefined without the API. Unlike the tracer, the API's global meter is not a proxy: a meter
 * taken before `metrics.setGlobalMeterProvider()` stays a no-op. So it is taken anew until a real provider is
 * registered. @internal
 */
export function sdkMeter(): Api.Meter | undefined {
  const api = otelApi();
  if (api === null) return undefined;
  const provider = api.metrics.getMeterProvider();
  if (meter === undefined || meterProvider !== provider) {
    meter = provider.getMeter(INSTRUMENTATION_SCOPE, VERSION);
    meterProvider = provider;
  }
  return meter;
}
let meterProvider: Api.MeterProvider | undefined;
