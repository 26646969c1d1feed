import type { Transport } from '../transport/http.js';

/**
 * Base of the thin resource classes: each builds paths, calls the transport and parses with a schema.
 * @internal
 */
export abstract class Resource {
  /** @internal */
  protected readonly transport: Transport;

  /** @internal */
  constructor(transport: Transport) {
    this.transport = transport;
  }
}
