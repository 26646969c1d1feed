import { IntegrasjonspunktClient, type IntegrasjonspunktClientOptions } from 'eformidling';
import { createSimulator, defaultNetwork, type NetworkConfig, type Simulator, type SimulatorOptions } from 'eformidling/mock';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';

/** What {@link useSimulator} gives a test. */
export interface SimulatorContext {
  /** A fresh simulator for the current test. */
  readonly sim: Simulator;
  /** A client for an organisation's IP (retries off unless given). */
  client(orgnr: string, options?: Partial<IntegrasjonspunktClientOptions>): IntegrasjonspunktClient;
  /** The msw server (add your own handlers with `server.use(...)`, e.g. a webhook endpoint). */
  readonly server: ReturnType<typeof setupServer>;
}

/**
 * Sets up one msw server for the file and a fresh simulator per test (handlers swapped in `beforeEach`, closed in
 * `afterEach`). Call at the top level of a test file or a `describe`.
 * @example
 * ```ts
 * const ctx = useSimulator();
 * it('sends', async () => {
 *   const ip = ctx.client('910077473');
 *   // …
 *   await ctx.sim.settle();
 * });
 * ```
 */
export function useSimulator(options: SimulatorOptions & { network?: () => NetworkConfig } = {}): SimulatorContext {
  const server = setupServer();
  let current: Simulator | undefined;
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  beforeEach(() => {
    const { network = defaultNetwork, ...rest } = options;
    current = createSimulator(network(), rest);
    server.resetHandlers(...current.handlers);
  });
  afterEach(async () => {
    server.resetHandlers();
    await current?.close();
    current = undefined;
  });
  afterAll(() => server.close());
  return {
    get sim() {
      if (!current) throw new Error('useSimulator(): the simulator exists only inside a test');
      return current;
    },
    client(orgnr, clientOptions = {}) {
      return new IntegrasjonspunktClient({ baseUrl: this.sim.baseUrl(orgnr), retry: false, ...clientOptions });
    },
    server,
  };
}
