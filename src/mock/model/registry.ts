import { ipException } from '../ip-error.js';
import type { NetworkConfig, ParticipantConfig, ServiceRecordConfig } from '../network.js';
import { IpState } from './records.js';

/**
 * The registry part: the participants of the network, their integration points and the service records they
 * publish (what the IP asks the service registry for, `ServiceRegistryLookup`, and answers on `/api/capabilities`,
 * `CapabilitiesController`).
 * @module
 */

/** @internal */
export class Registry {
  readonly ips = new Map<string, IpState>();
  readonly participants = new Map<string, ParticipantConfig>();

  constructor(network: NetworkConfig) {
    for (const p of network.participants) {
      if (this.participants.has(p.id)) throw new Error(`participant ${p.id} is defined twice`);
      this.participants.set(p.id, p);
      if (p.hasIntegrationPoint) this.ips.set(p.id, new IpState(p));
    }
    if (this.ips.size === 0) throw new Error('the network needs at least one participant with an integration point');
  }

  /** The IP of an organisation; throws for unknown ones. */
  ip(orgnr: string): IpState {
    const ip = this.ips.get(orgnr);
    if (!ip) throw new Error(`no integration point for ${orgnr} in the simulated network`);
    return ip;
  }

  /** Service records of `receiver` for a lookup (process and security level optional); undefined for an unknown receiver. */
  lookup(receiver: string, process?: string, securityLevel?: number): ServiceRecordConfig[] | undefined {
    const participant = this.participants.get(receiver);
    if (!participant) return undefined;
    return participant.accepts.filter(
      (r) => (process === undefined || r.process === process) && (securityLevel === undefined || securityLevel <= (r.securityLevel ?? 4)),
    );
  }

  /** `GET /api/capabilities/{id}` (`CapabilitiesController`, `CapabilitiesFactory`). */
  capabilities(receiver: string, process: string | undefined, securityLevel: number | undefined): Record<string, unknown> {
    const records = this.lookup(receiver, process, securityLevel);
    if (records === undefined) {
      throw ipException(
        'IdentifierNotFoundException',
        `--no.difi.meldingsutveksling.exceptions.IdentifierNotFoundException-- [Service record not found for parameters: SRParameter(identifier=${receiver}, process=${process ?? 'null'}, securityLevel=${securityLevel ?? 'null'}, print=true, infoOnly=false, conversationId=null)]`,
      );
    }
    return {
      capabilities: records.map((r) => ({
        process: r.process,
        serviceIdentifier: r.service,
        postAddress: r.postAddress,
        returnAddress: r.returnAddress,
        documentTypes: r.documentTypes.map((standard) => ({ type: /::([^:]+)$/.exec(standard)?.[1], standard })),
        digitalPostAddress: r.digitalPostAddress,
      })),
    };
  }
}
