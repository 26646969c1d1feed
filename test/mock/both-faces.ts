import { createSimulator, type NetworkConfig, type Simulator, type SimulatorOptions, startSimulator } from 'eformidling/mock';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { raw } from './fixtures.js';

/** Runs a test against both faces of the simulator: the msw handlers and the HTTP server on 127.0.0.1. */

/** 2026-08-20 09:00 UTC: a fixed, manual clock for both faces. */
export const START = Date.UTC(2026, 7, 20, 9);

export interface FaceSession {
  readonly sim: Simulator;
  /** A raw client for an organisation's IP on this face. */
  ip(orgnr: string): ReturnType<typeof raw>;
}

export interface Face {
  readonly name: 'msw' | 'http';
  start(network?: NetworkConfig, options?: SimulatorOptions): Promise<FaceSession>;
}

/**
 * Both faces for `describe.each`. Each started session is closed after the test; msw lets requests to the HTTP
 * face through (`onUnhandledFrame: 'bypass'`).
 */
export function useBothFaces(): Face[] {
  const server = setupServer();
  const open: (() => Promise<void>)[] = [];
  beforeAll(() => server.listen({ onUnhandledFrame: 'bypass' }));
  afterEach(async () => {
    server.resetHandlers();
    for (const close of open.splice(0)) await close();
  });
  afterAll(() => server.close());
  return [
    {
      name: 'msw',
      async start(network, options = {}) {
        const sim = createSimulator(network, { clock: { start: START }, ...options });
        server.resetHandlers(...sim.handlers);
        open.push(() => sim.close());
        return { sim, ip: (orgnr) => raw(sim.baseUrl(orgnr)) };
      },
    },
    {
      name: 'http',
      async start(network, options = {}) {
        const http = await startSimulator({
          ...(network ? { network } : {}),
          autoDeliver: false,
          clock: { mode: 'manual', start: START },
          ...options,
        });
        open.push(() => http.close());
        return { sim: http.simulator, ip: (orgnr) => raw(http.baseUrl(orgnr)) };
      },
    },
  ];
}
