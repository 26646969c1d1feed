import type { IntegrasjonspunktClient } from '../client.js';
import type { IncomingFilter } from '../resources/incoming.js';
import { IncomingResource } from '../resources/incoming.js';
import type { ReceiveContext } from './context.js';
import { type ReceivedOne, type ReceiveOneOptions, receiveOne } from './receive-one.js';

/**
 * The {@link ReceiveContext} of a client. Transitional: the client facade should build it itself (it owns the
 * transport's retry policy and timeout); until then this is the one place in `receive/` that reads them.
 * @internal
 */
export function receiveContextOf(client: IntegrasjonspunktClient): ReceiveContext {
  const transport = client.transport;
  return {
    incoming: client.incoming,
    conversations: client.conversations,
    retry: (fn, options) => transport.withRetry(fn, options),
    timeoutMs: transport.timeoutMs,
  };
}

declare module '../resources/incoming.js' {
  interface IncomingResource {
    /**
     * For scripts: peeks one message (locking it), downloads its ASiC-E, and hands it over with `ack()`. Call `ack()`
     * after you have stored it; without it the lock expires and the IP redelivers. `null` when the queue is empty.
     * @param filter - Which messages to take (unknown keys are a {@link RequestValidationError}).
     * @example
     * ```ts
     * await using message = await ip.incoming.receiveOne({ serviceIdentifier: 'DPO' });
     * if (message) {
     *   await message.asic?.saveTo(`./inbox/${message.messageId}`);
     *   await message.ack();
     * }
     * ```
     */
    receiveOne(filter?: IncomingFilter, options?: ReceiveOneOptions): Promise<ReceivedOne | null>;
  }
}

/**
 * Keeps `ip.incoming.receiveOne()` reachable while the resource holds only wire calls: the workflow lives in
 * `receive-one.ts`. Transitional, until the client facade exposes `receiveOne` itself; then this goes.
 */
IncomingResource.prototype.receiveOne = function receiveOneOfClient(
  this: IncomingResource,
  filter?: IncomingFilter,
  options?: ReceiveOneOptions,
): Promise<ReceivedOne | null> {
  const transport = (this as unknown as { transport: IntegrasjonspunktClient['transport'] }).transport;
  const ctx = { incoming: this, retry: transport.withRetry.bind(transport), timeoutMs: transport.timeoutMs } as Pick<
    ReceiveContext,
    'incoming' | 'retry' | 'timeoutMs'
  >;
  return receiveOne(ctx, filter, options);
};
