/**
 * `eformidling/mock`: an integrasjonspunkt simulator. One in-memory eFormidling network (several organisations, each
 * with its own IP, a service registry and a message carrier) served as msw handlers ({@link createSimulator}) or as
 * a real HTTP server ({@link startSimulator}). msw is an optional peer: only `sim.handlers` loads it.
 * @module
 */
export { Clock, type ClockOptions, type SimulatorClock } from './clock.js';
export type { FaultRule, Faults } from './faults.js';
export type { SimulatorOptions, WebhookDelivery } from './model/index.js';
export type { MswHttpHandler } from './msw-types.js';
export {
  DEPARTEMENT,
  DPV_ORGANISATION,
  defaultNetwork,
  EINNSYN,
  KOMMUNE,
  type NetworkConfig,
  type ParticipantConfig,
  PERSON,
  type ServiceRecordConfig,
  type SimulatedPostalAddress,
  type SimulatedService,
} from './network.js';
export { loadNetworkFile, NetworkConfigSchema, parseNetworkConfig } from './network-file.js';
export {
  EFM_MOCKS_CLIENT,
  EFM_MOCKS_DPI_PERSON,
  EFM_MOCKS_DPV_PERSON,
  EFM_MOCKS_IP,
  efmMocksNetwork,
  NETWORK_PRESETS,
  type NetworkPreset,
  networkPreset,
} from './presets.js';
export { type SimulatorServer, type StartSimulatorOptions, startSimulator } from './server.js';
export { createSimulator, type SimulatedOrganisation, type SimulatedStatus, Simulator } from './simulator.js';
