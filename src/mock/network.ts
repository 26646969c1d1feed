import { PROCESSES, STANDARDS } from '../models/business-messages.js';

/**
 * The simulated eFormidling network: who exists, who runs an integrasjonspunkt, and what each participant accepts
 * (the service registry). {@link defaultNetwork} is a small realistic one.
 * @module
 */

/** A service the simulator knows (`ServiceIdentifier`). @category Simulator */
export type SimulatedService = 'DPO' | 'DPV' | 'DPI' | 'DPF' | 'DPE' | 'DPH';

/** A postal address as the service registry returns it (capabilities: `CapabilityFactory`). @category Simulator */
export interface SimulatedPostalAddress {
  name: string;
  street: string;
  postalCode: string;
  postalArea: string;
  country: string;
}

/**
 * One service record: the participant accepts `documentTypes` (standards) in `process` over `service`.
 * @category Simulator
 */
export interface ServiceRecordConfig {
  process: string;
  service: SimulatedService;
  /** Document type standards, e.g. `urn:no:difi:arkivmelding:xsd::arkivmelding`. */
  documentTypes: string[];
  /** Highest security level this record serves; a lookup asking for more does not find it. @defaultValue 4 */
  securityLevel?: number;
  /** DPI only. */
  postAddress?: SimulatedPostalAddress;
  /** DPI only. */
  returnAddress?: SimulatedPostalAddress;
  /** DPI only: mailbox supplier and address. */
  digitalPostAddress?: { supplier: string; address: string };
}

/**
 * A participant in the network: an organisation (9 digits) or a person (11 digits).
 * @category Simulator
 */
export interface ParticipantConfig {
  /** Organisation number or fødselsnummer, without `0192:`. */
  id: string;
  name: string;
  /**
   * True when the participant runs its own integrasjonspunkt (gets a base URL, sends and receives through the API).
   * DPO and DPE receivers need one; DPV/DPI receivers (Altinn inbox, citizen mailbox) do not.
   */
  hasIntegrationPoint: boolean;
  /** What the participant accepts (its service records). */
  accepts: ServiceRecordConfig[];
  /** Services its IP may send with (`difi.move.feature.enableDPx`). @defaultValue DPO, DPV, DPI, DPE */
  enabledServices?: SimulatedService[];
}

/** A whole network. @category Simulator */
export interface NetworkConfig {
  participants: ParticipantConfig[];
}

const ARKIVMELDING_PROCESSES = Object.entries(PROCESSES.arkivmelding)
  .filter(([key]) => key !== 'response')
  .map(([, urn]) => urn);

/** DPO records for arkivmelding (every process), its receipts, and avtalt. */
function dpoArchive(securityLevel = 4): ServiceRecordConfig[] {
  return [
    ...ARKIVMELDING_PROCESSES.map((process) => ({
      process,
      service: 'DPO' as const,
      documentTypes: [STANDARDS.arkivmelding],
      securityLevel,
    })),
    {
      process: PROCESSES.arkivmelding.response,
      service: 'DPO',
      documentTypes: [STANDARDS.arkivmelding_kvittering, 'urn:no:difi:arkivmelding:xsd::status', 'urn:no:difi:arkivmelding:xsd::feil'],
      securityLevel,
    },
    { process: PROCESSES.avtalt.avtalt, service: 'DPO', documentTypes: [STANDARDS.avtalt], securityLevel },
    { process: PROCESSES.avtalt.response, service: 'DPO', documentTypes: [STANDARDS.avtalt], securityLevel },
  ];
}

/** Organisation number of "Eksempel kommune", the default network's main receiver. @category Simulator */
export const KOMMUNE = '910075918';
/** Organisation number of "Testdepartementet", the default network's main sender. @category Simulator */
export const DEPARTEMENT = '910077473';
/** An organisation reachable only over DPV (Altinn inbox; no IP). @category Simulator */
export const DPV_ORGANISATION = '910076787';
/** A person (valid fødselsnummer) reachable over DPI digital and print. @category Simulator */
export const PERSON = '09118532322';
/** The eInnsyn organisation (DPE): sends innsynskrav, receives einnsyn_kvittering and publisering. @category Simulator */
export const EINNSYN = '910076221';

/**
 * The default network:
 * - `910077473` Testdepartementet and `910075918` Eksempel kommune: own IPs, exchange DPO arkivmelding (every
 *   arkivmelding process plus the response process) and avtalt both ways; the kommune also accepts DPE innsynskrav and einnsyn_kvittering;
 * - `910076787` Eksempel AS: DPV only (digital_dpv in the digitalpost processes, arkivmelding administrasjon); no IP;
 * - `09118532322` Kari Nordmann: DPI digital and print (info and vedtak), security level 4; no IP;
 * - `910076221` eInnsyn: own IP, accepts DPE einnsyn_kvittering (response process) and publisering (journalpost).
 * @category Simulator
 */
export function defaultNetwork(): NetworkConfig {
  const dpiAddress = {
    postAddress: { name: 'Kari Nordmann', street: 'Storgata 12', postalCode: '7010', postalArea: 'TRONDHEIM', country: 'Norge' },
    returnAddress: { name: 'Eksempel kommune', street: 'Postboks 100', postalCode: '7001', postalArea: 'TRONDHEIM', country: 'Norge' },
    digitalPostAddress: { supplier: '984661185', address: 'kari.nordmann#4CX2' },
  };
  return {
    participants: [
      { id: DEPARTEMENT, name: 'Testdepartementet', hasIntegrationPoint: true, accepts: dpoArchive() },
      {
        id: KOMMUNE,
        name: 'Eksempel kommune',
        hasIntegrationPoint: true,
        accepts: [
          ...dpoArchive(),
          { process: PROCESSES.einnsyn.innsynskrav, service: 'DPE', documentTypes: [STANDARDS.innsynskrav], securityLevel: 4 },
          { process: PROCESSES.einnsyn.response, service: 'DPE', documentTypes: [STANDARDS.einnsyn_kvittering], securityLevel: 4 },
        ],
      },
      {
        id: DPV_ORGANISATION,
        name: 'Eksempel AS',
        hasIntegrationPoint: false,
        accepts: [
          { process: PROCESSES.digitalpost.info, service: 'DPV', documentTypes: [STANDARDS.digital_dpv], securityLevel: 4 },
          { process: PROCESSES.digitalpost.vedtak, service: 'DPV', documentTypes: [STANDARDS.digital_dpv], securityLevel: 4 },
          { process: PROCESSES.arkivmelding.administrasjon, service: 'DPV', documentTypes: [STANDARDS.arkivmelding], securityLevel: 4 },
        ],
      },
      {
        id: PERSON,
        name: 'Kari Nordmann',
        hasIntegrationPoint: false,
        accepts: [PROCESSES.digitalpost.info, PROCESSES.digitalpost.vedtak].map((process) => ({
          process,
          service: 'DPI' as const,
          documentTypes: [STANDARDS.digital, STANDARDS.print],
          securityLevel: 4,
          ...dpiAddress,
        })),
      },
      {
        id: EINNSYN,
        name: 'eInnsyn',
        hasIntegrationPoint: true,
        accepts: [
          { process: PROCESSES.einnsyn.response, service: 'DPE', documentTypes: [STANDARDS.einnsyn_kvittering] },
          { process: PROCESSES.einnsyn.journalpost, service: 'DPE', documentTypes: [STANDARDS.publisering] },
        ],
      },
    ],
  };
}
