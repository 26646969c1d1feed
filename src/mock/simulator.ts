import type { SimulatorClock } from './clock.js';
import { FaultInjector, type Faults } from './faults.js';
import { createHandlers, mswBaseUrl } from './handlers.js';
import { type SimulatorModel as Model, SimulatorModel, type SimulatorOptions, type WebhookDelivery } from './model/index.js';
import type { MswHttpHandler } from './msw-types.js';
import { defaultNetwork, type NetworkConfig } from './network.js';
import { SimulatorCore } from './routes/core.js';

/** An organisation of the simulated network. @category Simulator */
export interface SimulatedOrganisation {
  id: string;
  name: string;
  /** Whether it runs its own IP (then `baseUrl` is set). */
  hasIntegrationPoint: boolean;
  /** Base URL of its IP on this face; undefined without an IP. */
  baseUrl: string | undefined;
  /** Services it accepts: `DPO arkivmelding (urn:…administrasjon…)`, … */
  accepts: { service: string; process: string; documentTypes: string[] }[];
}

/** A status as seen in the simulator (for assertions). @category Simulator */
export interface SimulatedStatus {
  id: number;
  status: string;
  description?: string | undefined;
  direction: 'INCOMING' | 'OUTGOING';
}

/**
 * One simulated eFormidling network with an integrasjonspunkt per organisation.
 *
 * Delivery timing: a sent message (and every status that travels back: MOTTATT, LEVERT, DPV/DPI receipts) waits in
 * the carrier. It moves when {@link Simulator.deliverAll} or {@link Simulator.settle} runs, or when the clock is
 * advanced past `deliveryDelayMs` (default 1 s) after it was queued; with `autoDeliver` a real timer moves it
 * shortly after. So tests decide exactly when SENDT, MOTTATT and LEVERT happen.
 * @category Simulator
 */
export class Simulator {
  /** @internal */
  readonly model: Model;
  /** The shared HTTP layer: answers a fetch `Request` for any organisation (use {@link Simulator.handle}). @internal */
  readonly core: SimulatorCore;
  /** The fault rules with their ids and hits (`faults` is the public face of it). @internal */
  readonly injector = new FaultInjector();
  #handlers: MswHttpHandler[] | undefined;
  readonly #baseUrl: (orgnr: string) => string;

  /** @internal */
  constructor(network: NetworkConfig, options: SimulatorOptions, baseUrl: (orgnr: string) => string = mswBaseUrl) {
    this.model = new SimulatorModel(network, options);
    this.core = new SimulatorCore(this.model, this.injector);
    this.#baseUrl = baseUrl;
  }

  /**
   * msw 3 request handlers serving every organisation's IP at {@link Simulator.baseUrl} (loads the optional peer
   * msw on first use).
   * @example
   * ```ts
   * const sim = createSimulator();
   * const server = setupServer(...sim.handlers);
   * server.listen({ onUnhandledFrame: 'error' });
   * const ip = new IntegrasjonspunktClient({ baseUrl: sim.baseUrl('910077473') });
   * ```
   */
  get handlers(): MswHttpHandler[] {
    this.#handlers ??= createHandlers(this.core, [...this.model.ips.keys()]);
    return this.#handlers;
  }

  /** Base URL of an organisation's IP (msw face: `http://<orgnr>.ip.eformidling.test`). */
  baseUrl(orgnr: string): string {
    this.model.ip(orgnr);
    return this.#baseUrl(orgnr);
  }

  /** Every participant of the network. */
  get organisations(): SimulatedOrganisation[] {
    return [...this.model.participants.values()].map((p) => ({
      id: p.id,
      name: p.name,
      hasIntegrationPoint: p.hasIntegrationPoint,
      baseUrl: p.hasIntegrationPoint ? this.#baseUrl(p.id) : undefined,
      accepts: p.accepts.map((r) => ({ service: r.service, process: r.process, documentTypes: r.documentTypes })),
    }));
  }

  /** The controllable clock. */
  get clock(): SimulatorClock {
    return this.model.clock;
  }

  /** Fault injection per organisation and route. */
  get faults(): Faults {
    return this.injector;
  }

  /** Answers one request (the core both faces use). */
  handle(request: Request): Promise<Response> {
    return this.core.handle(request);
  }

  /**
   * Delivers everything waiting in the carrier right now, including what deliveries queue in turn (MOTTATT coming
   * back). Synchronous; returns how many items moved.
   */
  deliverAll(): number {
    return this.model.deliverAll();
  }

  /** Items waiting in the carrier. */
  get pendingDeliveries(): number {
    return this.model.pendingDeliveries;
  }

  /** Delivers everything ({@link Simulator.deliverAll}) and waits until every webhook POST has finished. */
  async settle(): Promise<void> {
    for (let i = 0; i < 10; i++) {
      this.model.deliverAll();
      await this.model.webhooksIdle();
      if (this.model.pendingDeliveries === 0) return;
    }
  }

  /** Webhook POSTs made so far (ping and status events), oldest first. */
  get webhooks(): readonly WebhookDelivery[] {
    return this.model.webhookLog;
  }

  /** Statuses of a message in an organisation's IP, in registration order (both directions). */
  statuses(orgnr: string, messageId: string): SimulatedStatus[] {
    return this.model.view.statuses(orgnr, messageId);
  }

  /** Counts of an IP's queues (as `/manage/health` reports them). */
  queues(orgnr: string): { outgoing: number; incoming: number } {
    return this.model.view.queues(orgnr);
  }

  /** Stops background timers, waits for webhook POSTs and deletes the simulator's temp files. */
  close(): Promise<void> {
    return this.model.close();
  }
}

/**
 * Creates an in-memory eFormidling network (by default {@link defaultNetwork}) with a manual clock and manual
 * delivery. Serve it with msw (`sim.handlers`) or over HTTP ({@link startSimulator}).
 * @param network - participants and what they accept.
 * @param options - lock timeout, status queue, delivery timing, clock, limits.
 * @example
 * ```ts
 * const sim = createSimulator(defaultNetwork(), { lockTimeoutMs: 60_000 });
 * server.use(...sim.handlers);
 * await ip.send(message);           // OPPRETTET
 * await sim.settle();               // SENDT, MOTTATT; the receiver can peek it
 * sim.clock.advance(61_000);        // a peek lock expires
 * ```
 * @category Simulator
 */
export function createSimulator(network: NetworkConfig = defaultNetwork(), options: SimulatorOptions = {}): Simulator {
  return new Simulator(network, options);
}
