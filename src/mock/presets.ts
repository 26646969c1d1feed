import { PROCESSES, STANDARDS } from '../models/business-messages.js';
import { defaultNetwork, type NetworkConfig, type ParticipantConfig, type ServiceRecordConfig } from './network.js';

/**
 * Ready-made networks for `eformidling-simulator --preset <name>` and {@link networkPreset}.
 * @module
 */

/** Names of the built-in presets. @category Simulator */
export const NETWORK_PRESETS = ['default', 'efm-mocks'] as const;
/** @category Simulator */
export type NetworkPreset = (typeof NETWORK_PRESETS)[number];

/** The efm-mocks simulator's own IP (the server root): DPO, DPV, DPI, DPF and DPE enabled. @category Simulator */
export const EFM_MOCKS_IP = '810074582';
/** The organisation efm-mocks' load client sends as; it has its own IP. @category Simulator */
export const EFM_MOCKS_CLIENT = '910075918';
/** The DPI person (digital and print) of efm-mocks. @category Simulator */
export const EFM_MOCKS_DPI_PERSON = '06068700602';
/** The DPV person (`digital_dpv`) of efm-mocks. @category Simulator */
export const EFM_MOCKS_DPV_PERSON = '10068700602';

const record = (service: ServiceRecordConfig['service'], process: string, ...documentTypes: string[]): ServiceRecordConfig => ({
  service,
  process,
  documentTypes,
  securityLevel: 4,
});

/**
 * The network of felleslosninger/efm-mocks, as its README publishes it (service: receiver, process, document type):
 * - DPI `06068700602`: `digitalpost:info` digital and print, `digitalpost:vedtak` print (post and return address);
 * - DPV `10068700602`: `digitalpost:info` `digital_dpv`;
 * - DPE `810074582`: `einnsyn:journalpost` and `einnsyn:meeting` publisering;
 * - DPE `910075918` and `910076787`: `einnsyn:innsynskrav` innsynskrav;
 * - DPO `810074582` and `910075918`: `arkivmelding:administrasjon`; DPV `910075918`: `arkivmelding:helseSosialOgOmsorg`;
 *   DPF `910075918`: `arkivmelding:planByggOgGeodata` (all arkivmelding);
 * - avtalt (DPO) `910075918` and `984661185`: `avtalt:avtalt`.
 *
 * `810074582` is the first participant, so it is the server root; `910075918` (the load client's organisation),
 * `910076787` and `984661185` run IPs of their own (they receive DPO/DPE messages in their in-queues).
 * @category Simulator
 */
export function efmMocksNetwork(): NetworkConfig {
  const A = PROCESSES.arkivmelding;
  const address = {
    postAddress: { name: 'Ola Nordmann', street: 'Testveien 1', postalCode: '0666', postalArea: 'OSLO', country: 'Norge' },
    returnAddress: {
      name: 'Digitaliseringsdirektoratet',
      street: 'Postboks 1382 Vika',
      postalCode: '0114',
      postalArea: 'OSLO',
      country: 'Norge',
    },
    digitalPostAddress: { supplier: '984661185', address: 'ola.nordmann#1234' },
  };
  const participants: ParticipantConfig[] = [
    {
      id: EFM_MOCKS_IP,
      name: 'efm-mocks IP',
      hasIntegrationPoint: true,
      enabledServices: ['DPO', 'DPV', 'DPI', 'DPF', 'DPE'],
      accepts: [
        record('DPO', A.administrasjon, STANDARDS.arkivmelding),
        record('DPE', PROCESSES.einnsyn.journalpost, STANDARDS.publisering),
        record('DPE', PROCESSES.einnsyn.meeting, STANDARDS.publisering),
      ],
    },
    {
      id: EFM_MOCKS_CLIENT,
      name: 'efm-mocks client',
      hasIntegrationPoint: true,
      enabledServices: ['DPO', 'DPV', 'DPI', 'DPF', 'DPE'],
      accepts: [
        record('DPE', PROCESSES.einnsyn.innsynskrav, STANDARDS.innsynskrav),
        record('DPO', A.administrasjon, STANDARDS.arkivmelding),
        record('DPV', A.helseSosialOgOmsorg, STANDARDS.arkivmelding),
        record('DPF', A.planByggOgGeodata, STANDARDS.arkivmelding),
        record('DPO', PROCESSES.avtalt.avtalt, STANDARDS.avtalt),
      ],
    },
    {
      id: '910076787',
      name: 'efm-mocks innsyn',
      hasIntegrationPoint: true,
      accepts: [record('DPE', PROCESSES.einnsyn.innsynskrav, STANDARDS.innsynskrav)],
    },
    {
      id: '984661185',
      name: 'efm-mocks avtalt',
      hasIntegrationPoint: true,
      accepts: [record('DPO', PROCESSES.avtalt.avtalt, STANDARDS.avtalt)],
    },
    {
      id: EFM_MOCKS_DPI_PERSON,
      name: 'Ola Nordmann (DPI)',
      hasIntegrationPoint: false,
      accepts: [
        { ...record('DPI', PROCESSES.digitalpost.info, STANDARDS.digital, STANDARDS.print), ...address },
        { ...record('DPI', PROCESSES.digitalpost.vedtak, STANDARDS.print), ...address },
      ],
    },
    {
      id: EFM_MOCKS_DPV_PERSON,
      name: 'Kari Nordmann (DPV)',
      hasIntegrationPoint: false,
      accepts: [record('DPV', PROCESSES.digitalpost.info, STANDARDS.digital_dpv)],
    },
  ];
  return { participants };
}

/**
 * A built-in network by name: `default` ({@link defaultNetwork}) or `efm-mocks` ({@link efmMocksNetwork}).
 * @category Simulator
 */
export function networkPreset(name: NetworkPreset): NetworkConfig {
  return name === 'efm-mocks' ? efmMocksNetwork() : defaultNetwork();
}
