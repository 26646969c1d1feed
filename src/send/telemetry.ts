/**
 * The send workflow's span and metrics: one `eformidling.send` span per `send()`, `sendTo()` or `resumeSend()`, with
 * the message's ids and shape as attributes; the requests the workflow makes (capabilities, create, upload, send or
 * the one multipart request, the looks after a lost answer, the cleanup) are its children through the active
 * context. Metrics: `eformidling.messages.sent` and `eformidling.bytes.sent` when the IP took the message,
 * `eformidling.messages.failed` (stage `send`) when it did not. File contents and credentials never become attributes.
 * @internal
 * @module
 */

import { type StandardBusinessDocument, typeOf } from '../models/sbd.js';
import { EFORMIDLING, HTTP, messageAttributes } from '../observability/attributes.js';
import { count } from '../observability/metrics.js';
import { type SpanScope, withSpan } from '../observability/spans.js';
import { sizeOf } from '../resources/multipart.js';
import type { Upload } from '../uploads.js';
import { isSendError } from './errors.js';

/** What a send tells its span once it knows the message. @internal */
export interface SendTelemetry {
  /** The message, its files and the strategy chosen (called once validation passed). */
  describe(sbd: StandardBusinessDocument, files: readonly Upload[], strategy: 'one-step' | 'multi-step', resumed?: boolean): void;
  /** The service (`DPO`, `DPE`…) when the capabilities said which (`sendTo()`). */
  service(serviceIdentifier: string | undefined): void;
}

/** Runs a send inside the `eformidling.send` span and counts how it ended. @internal */
export function traceSend<T>(fn: (telemetry: SendTelemetry) => Promise<T>): Promise<T> {
  return withSpan('eformidling.send', {}, async (span) => {
    const facts = new SendFacts(span);
    try {
      const result = await fn(facts);
      count('eformidling.messages.sent', facts.dimensions());
      if (facts.bytes > 0) count('eformidling.bytes.sent', facts.dimensions(), facts.bytes);
      return result;
    } catch (error) {
      const step = isSendError(error) ? error.step : undefined;
      if (step !== undefined) span.set({ [EFORMIDLING.step]: step });
      count('eformidling.messages.failed', {
        ...facts.dimensions(),
        [EFORMIDLING.stage]: 'send',
        [EFORMIDLING.step]: step,
        [HTTP.errorType]: error instanceof Error ? error.name : 'Error',
      });
      throw error;
    }
  });
}

class SendFacts implements SendTelemetry {
  bytes = 0;
  #strategy: string | undefined;
  #messageType: string | undefined;
  #service: string | undefined;
  readonly #span: SpanScope;

  constructor(span: SpanScope) {
    this.#span = span;
  }

  describe(sbd: StandardBusinessDocument, files: readonly Upload[], strategy: 'one-step' | 'multi-step', resumed = false): void {
    this.#strategy = strategy;
    this.#messageType = typeOf(sbd);
    // Sizes the SDK knows up front (a stream without `size` is not counted).
    let bytes = 0;
    for (const file of files) bytes += sizeOf(file) ?? 0;
    this.bytes = bytes;
    if (!this.#span.recording) return;
    this.#span.set({
      ...messageAttributes(sbd),
      [EFORMIDLING.strategy]: strategy,
      [EFORMIDLING.fileCount]: files.length,
      [EFORMIDLING.bytes]: bytes,
      [EFORMIDLING.resumed]: resumed || undefined,
    });
  }

  service(serviceIdentifier: string | undefined): void {
    this.#service = serviceIdentifier;
    this.#span.set({ [EFORMIDLING.service]: serviceIdentifier });
  }

  /** The low-cardinality attributes of the send's metrics. */
  dimensions() {
    return {
      [EFORMIDLING.service]: this.#service,
      [EFORMIDLING.messageType]: this.#messageType,
      [EFORMIDLING.strategy]: this.#strategy,
    };
  }
}
