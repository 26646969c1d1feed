import { RequestValidationError } from '../errors.js';
import { path } from '../internal/path.js';
import { type Capabilities, CapabilitiesSchema } from '../models/capabilities.js';
import { parseIdentifier } from '../models/identifiers.js';
import type { RequestOptions } from '../transport/http.js';
import { Resource } from './resource.js';

/** Options for {@link CapabilitiesResource.get}. @category Resources */
export interface CapabilitiesGetOptions extends RequestOptions {
  /** Limit the answer to one process URN. */
  process?: string;
  /** Security level (1-4) for the registry lookup. */
  securityLevel?: number;
}

/**
 * `GET /api/capabilities/{receiverIdentifier}`: what a receiver can take.
 * @category Resources
 */
export class CapabilitiesResource extends Resource {
  /**
   * Looks up the receiver's capabilities. A `0192:` prefix is stripped (the IP wants bare ids).
   * @param receiverIdentifier - an identifier as {@link parseIdentifier} reads it; anything else rejects with a
   * {@link RequestValidationError} before any request.
   * @throws {@link NotFoundError} when the service registry does not know the receiver.
   * @example
   * ```ts
   * const { capabilities } = await ip.capabilities.get('910075918', { process: PROCESSES.arkivmelding.administrasjon });
   * ```
   */
  get(receiverIdentifier: string, options: CapabilitiesGetOptions = {}): Promise<Capabilities> {
    return this.call(() => {
      const parsed = parseIdentifier(receiverIdentifier, 'receiverIdentifier', this.transport.identifiers);
      // The capabilities path takes the primary identifier: the organisation number without ICD, the fnr, the NHN id.
      const id =
        parsed.kind === 'organisation' ? parsed.organisationNumber : parsed.kind === 'person' ? parsed.personalIdentifier : parsed.value;
      // The options go to the transport as they are: it reads only the request options among them.
      const { process, securityLevel } = options ?? {};
      if (process !== undefined && (typeof process !== 'string' || process.trim() === '')) {
        throw new RequestValidationError('options.process', 'must be a non-empty process URN');
      }
      if (securityLevel !== undefined && (!Number.isInteger(securityLevel) || securityLevel < 1 || securityLevel > 4)) {
        throw new RequestValidationError('options.securityLevel', 'must be a whole number from 1 to 4');
      }
      const query = process === undefined && securityLevel === undefined ? undefined : { process, securityLevel };
      return this.transport.json({ method: 'GET', path: path`/api/capabilities/${id}`, query }, CapabilitiesSchema, options ?? {});
    });
  }
}
