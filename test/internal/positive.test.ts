import { IntegrasjonspunktClient, isRequestValidationError } from 'eformidling';
import { describe, expect, it } from 'vitest';
import { positive } from '../../src/internal/positive.js';

describe('positive(): the one positive-number option check', () => {
  it('passes a number > 0 through, Infinity only when not asked to be finite', () => {
    expect(positive(0.5, 'x')).toBe(0.5);
    expect(positive(Number.POSITIVE_INFINITY, 'x')).toBe(Number.POSITIVE_INFINITY);
    expect(() => positive(Number.POSITIVE_INFINITY, 'x', { finite: true })).toThrow(/positive, finite number/);
  });

  it.each([0, -1, Number.NaN, '5', null, undefined])('refuses %s with a RequestValidationError naming the field and unit', (value) => {
    let thrown: unknown;
    try {
      positive(value, 'pollIntervalMs', { unit: 'ms' });
    } catch (error) {
      thrown = error;
    }
    expect(isRequestValidationError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain('pollIntervalMs');
    expect((thrown as Error).message).toContain('positive number of ms');
  });

  it('is what the receive loop and the tracker check their options with', () => {
    const ip = new IntegrasjonspunktClient({ baseUrl: 'http://127.0.0.1:9' });
    expect(() => ip.receive(() => {}, { lockTimeoutMs: 0 })).toThrow(/lockTimeoutMs.*positive number/);
    expect(() => ip.track(['a'], { pollIntervalMs: -1 })).toThrow(/pollIntervalMs.*positive, finite number of ms/);
  });
});
