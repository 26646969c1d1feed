import { RequestValidationError } from './errors.js';
import type { StandardBusinessDocument } from './models/sbd.js';
import type { MessageStatus } from './models/status.js';
import {
  type IncomingReceiveOne,
  type MessageHandler,
  type ReceiveContext,
  ReceiveLoop,
  type ReceiveOneOptions,
  type ReceiveOptions,
  receiveOne,
} from './receive/index.js';
import { CapabilitiesResource } from './resources/capabilities.js';
import { ConversationsResource } from './resources/conversations.js';
import { type IncomingFilter, IncomingResource } from './resources/incoming.js';
import { ManageResource } from './resources/manage.js';
import { OutgoingResource } from './resources/outgoing.js';
import { StatusesResource } from './resources/statuses.js';
import { SubscriptionsResource } from './resources/subscriptions.js';
import {
  type ResumeSendOptions,
  resumeSend,
  type SendContext,
  type SendInput,
  type SendOptions,
  type SendToOptions,
  sendMessage,
  sendTo,
} from './send/index.js';
import { createTracker, type StatusTracker, type TrackOptions, type WaitForDeliveryOptions, waitForDelivery } from './tracking/index.js';
import type { AuthOption } from './transport/auth.js';
import { Transport } from './transport/http.js';
import type { Logger } from './transport/logger.js';
import type { RetryOptions } from './transport/retry.js';
import type { FetchLike, TlsOptions } from './transport/tls.js';
import type { UserAgentOption } from './transport/user-agent.js';
import type { Upload } from './uploads.js';

/**
 * Options for {@link IntegrasjonspunktClient}.
 * @category Client
 */
export interface IntegrasjonspunktClientOptions {
  /**
   * The IP's base URL, e.g. `https://ip.kommune.no:9093`. A path prefix (an API gateway) is kept; trailing slashes
   * are removed (the IP answers 404 to a trailing slash).
   */
  baseUrl: string | URL;
  /**
   * Your system's part of the `User-Agent`, e.g. `'Acos Websak/1.1'` or `{ name: 'Acos Websak', version: '1.1' }`.
   * The SDK appends `eformidling/<version> (Node.js <version>; <platform> <arch>)`.
   */
  userAgent?: UserAgentOption;
  /** Credentials: Basic (the IP v4 default), Bearer, or an API key for a gateway. */
  auth?: AuthOption;
  /** A private CA and/or a client certificate. Verification cannot be switched off. */
  tls?: TlsOptions;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Timeout per attempt, in ms. @defaultValue 30 000 */
  timeoutMs?: number;
  /** Retry policy for safe requests; a number is the retry count; `false` turns retries off. @defaultValue 3 retries */
  retry?: RetryOptions | number | false;
  /**
   * A fetch implementation (tests, proxies). Given one, every request goes through it. Without it, small requests
   * (no body, or a string or bytes) go straight to undici's dispatcher, the engine under Node's `fetch`, which is the
   * one `fetch` would use (`setGlobalDispatcher` proxies and mock agents are honoured); streams and downloads use
   * `fetch`. A global `fetch` replaced by an interceptor such as msw is noticed and used for every request.
   */
  fetch?: FetchLike;
  /** Where the SDK logs requests, retries and warnings; silent by default. */
  logger?: Logger;
  /**
   * Refuse an organisation number whose MOD11 check digit is wrong. The IP does not check it (its own test
   * organisations include such numbers), so by default the SDK sends it and logs a warning through `logger`.
   * What the IP refuses (a wrong length, letters, a malformed ICD prefix) is refused either way.
   * @defaultValue false
   */
  strictIdentifiers?: boolean;
}

/**
 * The client for one integrasjonspunkt: every endpoint of the eFormidling 2 API as resources, plus the send
 * strategies, status trackers and the receive loop.
 *
 * @example
 * ```ts
 * import { IntegrasjonspunktClient } from 'eformidling';
 *
 * const ip = new IntegrasjonspunktClient({
 *   baseUrl: 'https://localhost:9093',
 *   auth: { type: 'basic', username: 'fagsystem', password: process.env.IP_PASSWORD! },
 *   userAgent: 'Acos Websak/1.1',
 * });
 * const { capabilities } = await ip.capabilities.get('910075918');
 * ```
 * @category Client
 */
export class IntegrasjonspunktClient {
  /** `GET /api/capabilities/{receiver}`. */
  readonly capabilities: CapabilitiesResource;
  /** `/api/messages/out`. */
  readonly outgoing: OutgoingResource;
  /** `/api/messages/in`. */
  readonly incoming: IncomingResource & IncomingReceiveOne;
  /** `/api/statuses`. */
  readonly statuses: StatusesResource;
  /** `/api/conversations`. */
  readonly conversations: ConversationsResource;
  /** `/api/subscriptions`. */
  readonly subscriptions: SubscriptionsResource;
  /** `/manage`: the IP's health and build information (Spring Boot Actuator). */
  readonly manage: ManageResource;
  // The engine under the resources: private, so only the resources (and through them the workflows) send requests.
  readonly #transport: Transport;
  readonly #options: IntegrasjonspunktClientOptions;
  #sendContext: SendContext | undefined;
  readonly #receiveContext: ReceiveContext;

  /**
   * @throws {@link RequestValidationError} naming the option when an option is not valid (nothing is sent).
   */
  constructor(options: IntegrasjonspunktClientOptions) {
    if (!options || typeof options !== 'object') throw new RequestValidationError('options', 'are required: { baseUrl, ... }');
    this.#options = { ...options };
    const transport = new Transport(options);
    this.#transport = transport;
    this.capabilities = new CapabilitiesResource(transport);
    this.outgoing = new OutgoingResource(transport);
    const incoming = new IncomingResource(transport);
    this.statuses = new StatusesResource(transport);
    this.conversations = new ConversationsResource(transport);
    // What the receive workflow gets: the incoming wire calls, conversations, the retry policy and the timeout.
    const receiveContext: ReceiveContext = {
      incoming,
      conversations: this.conversations,
      retry: (fn, retryOptions) => transport.withRetry(fn, retryOptions),
      timeoutMs: transport.timeoutMs,
    };
    this.#receiveContext = receiveContext;
    this.incoming = Object.assign(incoming, {
      receiveOne: (filter?: IncomingFilter, receiveOptions?: ReceiveOneOptions) => receiveOne(receiveContext, filter, receiveOptions),
    });
    this.subscriptions = new SubscriptionsResource(transport);
    this.manage = new ManageResource(transport);
  }

  /** What the send workflow gets: the resources it calls, the retry policy, the logger and the identifier rules. */
  get #send(): SendContext {
    const transport = this.#transport;
    this.#sendContext ??= {
      outgoing: this.outgoing,
      conversations: this.conversations,
      capabilities: this.capabilities,
      retry: transport.withRetry,
      logger: transport.logger,
      identifiers: transport.identifiers,
    };
    return this.#sendContext;
  }

  /** The normalised base URL. */
  get baseUrl(): string {
    return this.#transport.baseUrl;
  }

  /** The `User-Agent` sent on every request. */
  get userAgent(): string {
    return this.#transport.userAgent;
  }

  /** Whether an organisation number with a wrong check digit is refused (see the `strictIdentifiers` option). */
  get strictIdentifiers(): boolean {
    return this.#transport.identifiers.strict === true;
  }

  /**
   * A new client with some options changed; this one is left as it is.
   * @example const patient = ip.withOptions({ timeoutMs: 120_000 });
   */
  withOptions(overrides: Partial<IntegrasjonspunktClientOptions>): IntegrasjonspunktClient {
    return new IntegrasjonspunktClient({ ...this.#options, ...overrides });
  }

  /**
   * Sends a message with its files: one-step multipart when everything is small, otherwise create → upload (each
   * file streamed) → send. Validates locally first, never leaves a half-sent message behind (unless
   * `keepOnFailure`), never creates a duplicate after a lost response and never sends twice.
   * @param input - the SBD (see the message builders, e.g. `arkivmelding()`) and its files.
   * @param options - `strategy` (`'auto'`), `onProgress`, `signal`, `keepOnFailure`, `oneStepMaxBytes`, `timeoutMs`.
   * @returns the SBD as the IP stored it.
   * @throws {@link RequestValidationError} when a local check fails (nothing was sent).
   * @throws {@link SendError} when a step failed; it names the step and carries the messageId.
   * @example
   * ```ts
   * const sbd = arkivmelding({ sender: '910077473', receiver: '910075918', hoveddokument: 'vedtak.pdf' });
   * await ip.send({ sbd, files: [{ filename: 'arkivmelding.xml', content: xml }, await fromPath('./vedtak.pdf')] });
   * ```
   */
  send(input: SendInput, options?: SendOptions): Promise<StandardBusinessDocument> {
    return sendMessage(this.#send, input, options);
  }

  /**
   * Finishes a message kept after a failed send (`keepOnFailure: true`): uploads the files the IP does not have yet
   * and sends it once.
   * @param messageId - the id from {@link SendError.messageId}.
   * @param files - all of the message's files (those already uploaded are skipped).
   * @throws {@link NotFoundError} when the message is unknown or was already transmitted.
   */
  resumeSend(messageId: string, files?: readonly Upload[], options?: ResumeSendOptions): Promise<StandardBusinessDocument> {
    return resumeSend(this.#send, messageId, files, options);
  }

  /**
   * Addresses a message to `receiver`, checks the receiver's capabilities for the message's process and document
   * type, then sends it like {@link IntegrasjonspunktClient.send}.
   * @param receiver - organisation number (`910075918` or `0192:910075918`), personal id (DPI) or NHN id.
   * @param message - an SBD from a message builder.
   * @throws {@link ReceiverNotCapableError} when the receiver cannot take that process or document type.
   * @example
   * ```ts
   * await ip.sendTo('910075918', arkivmelding({ hoveddokument: 'vedtak.pdf' }), files);
   * ```
   */
  sendTo(
    receiver: string,
    message: StandardBusinessDocument,
    files?: readonly Upload[],
    options?: SendToOptions,
  ): Promise<StandardBusinessDocument> {
    return sendTo(this.#send, receiver, message, files, options);
  }

  /**
   * Follows the statuses of messages until they are delivered, read or failed: a {@link StatusTracker} with typed
   * events, `waitFor()`, `for await`, adaptive polling and an optional store for restarts.
   * @param messageIds - messages to track now; more can be added with `tracker.add(id)`.
   * @param options - strategy (`'search'` by default, `'per-id'`, `'queue'`), intervals, store, signal.
   * @example
   * ```ts
   * const tracker = ip.track([sbd.standardBusinessDocumentHeader.documentIdentification.instanceIdentifier]);
   * tracker.on('delivered', (u) => console.log('delivered', u.messageId));
   * ```
   */
  track(messageIds?: readonly string[], options?: TrackOptions): StatusTracker {
    return createTracker(this, messageIds, { logger: this.#transport.logger, ...options });
  }

  /**
   * Waits until one message is delivered (`LEVERT`, or `LEST` with `until: 'LEST'`), polling its statuses by id.
   * `LEVERT` comes only after the receiver has taken the message (its receive loop popped and deleted it), so start
   * the receiving side first. Times out after one hour by default (`timeoutMs: Infinity` waits without limit).
   * @returns the status history, ascending by id.
   * @throws {@link NotFoundError} at once when the IP has no conversation for the id;
   * {@link DeliveryFailedError} on `FEIL` / `LEVETID_UTLOPT` (carrying the failing status);
   * {@link DeliveryTimeoutError} after `timeoutMs`; the signal's reason when aborted.
   * @example
   * ```ts
   * const history = await ip.waitForDelivery(messageId, { timeoutMs: 3_600_000, pollIntervalMs: 10_000 });
   * ```
   */
  waitForDelivery(messageId: string, options?: WaitForDeliveryOptions): Promise<MessageStatus[]> {
    return waitForDelivery(this, messageId, { logger: this.#transport.logger, ...options });
  }

  /**
   * Starts a receive loop: peek (lock) → pop (download, spooled) → `await handler(message)` → delete, deleting only
   * after the handler resolved. Redeliveries of handled messages are only deleted (processed-id store); poison
   * messages are left or dead-lettered; `loop.done` rejects on a fatal error (401, 403, a bad filter).
   * @param handler - Stores the message; throw to leave it on the IP for a later attempt.
   * @param options - Filter, concurrency, lock timeout, polling, store, poison handling, signal.
   * @example
   * ```ts
   * const loop = ip.receive(async (message) => {
   *   await message.asic?.saveTo(`./inbox/${message.messageId}`);
   * }, { filter: { serviceIdentifier: 'DPO' }, store: new JsonFileProcessedStore('./received.json') });
   * process.once('SIGTERM', () => loop.stop());
   * await loop.done;
   * ```
   */
  receive(handler: MessageHandler, options?: ReceiveOptions): ReceiveLoop {
    return new ReceiveLoop(this.#receiveContext, handler, options);
  }
}
