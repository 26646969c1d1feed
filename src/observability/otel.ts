/**
 * The one door to OpenTelemetry. `@opentelemetry/api` is an optional peer dependency: it is loaded on first use,
 * synchronously, and when it is missing every helper here is a no-op. Without a registered provider the API would hand
 * out its own no-op tracer and meter; the helpers notice that and do nothing either, so an application that does not
 * collect telemetry pays for a few lookups per request and nothing else (measured by the `observability` row of
 * `npm run bench`).
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
let tracerProvider: Api.TracerProvider | undefined;
let noopTracerProvider: Api.TracerProvider | undefined;
let meter: Api.Meter | undefined;
let meterIsNoop = false;

/**
 * The SDK's tracer, or undefined without the API or without a registered provider. Taken anew whenever the global provider changed: the copy of the
 * API loaded here (CommonJS, through `createRequire`) may not be the copy the application registers its provider
 * with (an ESM `import`), and then a tracer taken before the registration would be the loaded copy's own proxy, which
 * never learns of it; `trace.disable()` and a new registration replace the proxy as well. @internal
 */
export function sdkTracer(): Api.Tracer | undefined {
  const api = otelApi();
  if (api === null) return undefined;
  const provider = api.trace.getTracerProvider();
  // Until an application registers a provider, the global one is the API's own proxy delegating to its no-op
  // provider, whose spans never record: then no span is started at all (a registration sets the proxy's delegate, so
  // this is asked on every call). A provider registered through another copy of the API is another proxy, with a
  // delegate: spans are started.
  noopTracerProvider ??= new api.ProxyTracerProvider().getDelegate();
  if (provider instanceof api.ProxyTracerProvider && provider.getDelegate() === noopTracerProvider) return undefined;
  if (tracer === undefined || tracerProvider !== provider) {
    tracer = provider.getTracer(INSTRUMENTATION_SCOPE, VERSION);
    tracerProvider = provider;
  }
  return tracer;
}

/**
 * The SDK's meter, or undefined without the API or without a registered provider. The API's global meter is no proxy at all: a meter taken before
 * `metrics.setGlobalMeterProvider()` stays a no-op. So it too is taken anew whenever the provider changed. @internal
 */
export function sdkMeter(): Api.Meter | undefined {
  const api = otelApi();
  if (api === null) return undefined;
  const provider = api.metrics.getMeterProvider();
  if (meter === undefined || meterProvider !== provider) {
    meter = provider.getMeter(INSTRUMENTATION_SCOPE, VERSION);
    meterProvider = provider;
    // With no provider registered the API hands out its no-op meter (one instance): nothing is measured then.
    meterIsNoop = meter === api.createNoopMeter();
  }
  return meterIsNoop ? undefined : meter;
}
let meterProvider: Api.MeterProvider | undefined;
