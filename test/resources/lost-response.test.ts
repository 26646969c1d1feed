import { ApiError, ConnectionError } from 'eformidling';
import { describe, expect, it } from 'vitest';
import { postGuarded } from '../../src/resources/lost-response.js';
import { type RetryRunner, resolveRetry, withRetry } from '../../src/transport/retry.js';

// The one "lost response → ask the IP" guard (outgoing.create() and the one-step send use it).
const policy = resolveRetry({ retries: 3, minDelayMs: 0, maxDelayMs: 0 });
const retry: RetryRunner = (fn, options) => withRetry(fn, policy, options);

const lost = () =>
  new ConnectionError('POST /api/messages/out failed: ECONNRESET', { method: 'POST', url: 'http://ip.test/api/messages/out' });
const exists = () =>
  ApiError.from({
    status: 400,
    method: 'POST',
    url: 'http://ip.test/api/messages/out',
    body: { status: 400, error: 'Bad Request', exception: 'no.difi.meldingsutveksling.exceptions.MessageAlreadyExistsException' },
  });

/** A guard whose post answers from `answers` in turn and whose look answers from `looks`; it records the calls. */
function script(answers: Array<() => unknown>, looks: Array<string | null>) {
  const calls: string[] = [];
  return {
    calls,
    guard: {
      post: async () => {
        calls.push('post');
        const answer = answers.shift()?.();
        if (answer instanceof Error) throw answer;
        return answer as string;
      },
      look: async () => {
        calls.push('look');
        return looks.shift() ?? null;
      },
    },
  };
}

describe('postGuarded', () => {
  it('posts once when the answer comes', async () => {
    const { calls, guard } = script([() => 'stored'], []);
    await expect(postGuarded(retry, guard)).resolves.toEqual({ posted: 'stored' });
    expect(calls).toEqual(['post']);
  });

  it('looks before posting again after an attempt without an answer, and returns what it found', async () => {
    const { calls, guard } = script([lost], ['stored earlier']);
    await expect(postGuarded(retry, guard)).resolves.toEqual({ found: 'stored earlier' });
    expect(calls).toEqual(['post', 'look']);
  });

  it('posts again when the look finds nothing', async () => {
    const { calls, guard } = script([lost, () => 'stored'], [null]);
    await expect(postGuarded(retry, guard)).resolves.toEqual({ posted: 'stored' });
    expect(calls).toEqual(['post', 'look', 'post']);
  });

  it('looks at once when a retry is answered MessageAlreadyExistsException', async () => {
    const { calls, guard } = script([lost, exists], [null, 'stored by the first attempt']);
    await expect(postGuarded(retry, guard)).resolves.toEqual({ found: 'stored by the first attempt' });
    expect(calls).toEqual(['post', 'look', 'post', 'look']);
  });

  it('gives up with the last failure, unresolved while no look settled it, and never posts more than the policy allows', async () => {
    const { calls, guard } = script([lost, lost, lost, lost], []);
    const lookFails = { ...guard, look: async () => Promise.reject(lost()) };
    const result = await postGuarded(retry, lookFails);
    expect(result).toMatchObject({ unresolved: true });
    expect((result as { failed: unknown }).failed).toBeInstanceOf(ConnectionError);
    expect(calls).toEqual(['post']); // every later attempt failed at its look: no second POST
  });

  it('reports a definite refusal as resolved: nothing was stored', async () => {
    const refused = () =>
      ApiError.from({ status: 400, method: 'POST', url: 'http://ip.test/api/messages/out', body: { status: 400, error: 'Bad Request' } });
    const { calls, guard } = script([refused], []);
    const result = await postGuarded(retry, guard);
    expect(result).toMatchObject({ unresolved: false });
    expect(calls).toEqual(['post']);
  });
});
