import type { ConversationsResource } from '../resources/conversations.js';
import type { IncomingResource } from '../resources/incoming.js';

/**
 * What the receive workflow needs from the client: the incoming queue's wire calls, the conversations list (to look
 * up a service identifier), the client's retry policy for a download whose body broke off, and its timeout per
 * attempt (how long a download may go without data). The client facade builds it.
 * @internal
 */
export interface ReceiveContext {
  readonly incoming: Pick<IncomingResource, 'peek' | 'pop' | 'delete'>;
  readonly conversations: Pick<ConversationsResource, 'list'>;
  /** Runs `fn` again under the client's retry policy while `shouldRetry` agrees. */
  retry<T>(
    fn: (attemptNumber: number) => Promise<T>,
    options: { signal?: AbortSignal | undefined; shouldRetry: (error: unknown) => boolean },
  ): Promise<T>;
  /** The client's timeout per attempt, in ms. */
  readonly timeoutMs: number;
}
