import { describe, expect, inject, it } from 'vitest';
import { coverageExclusions, detectServices, REQUIRE_ENV, SKIP_ENV, services, servicesVerdict } from './services.js';

describe('external programs for the test suites', () => {
  it('passes with a notice naming each skipped suite and how to enable it when a program is missing', () => {
    const verdict = servicesVerdict({ rabbitmq: false, chromium: true }, {});
    expect(verdict.fail).toBe(false);
    expect(verdict.missing).toEqual(['rabbitmq-server']);
    expect(verdict.notice).toContain('SKIPPED test/connector/rabbitmq.test.ts');
    expect(verdict.notice).toContain('apt-get update && apt-get install -y rabbitmq-server');
    expect(verdict.notice).toContain(`${REQUIRE_ENV}=1`);
  });

  it(`fails instead of skipping when ${REQUIRE_ENV} is set`, () => {
    const verdict = servicesVerdict({ rabbitmq: false, chromium: true }, { [REQUIRE_ENV]: '1' });
    expect(verdict.fail).toBe(true);
    expect(verdict.missing).toEqual(['rabbitmq-server']);
    expect(verdict.notice).toContain('cannot run test/connector/rabbitmq.test.ts');
    expect(servicesVerdict({ rabbitmq: false, chromium: true }, { [REQUIRE_ENV]: '0' }).fail).toBe(false);
  });

  it('says nothing when everything is there', () => {
    expect(servicesVerdict({ rabbitmq: true, chromium: true }, { [REQUIRE_ENV]: '1' })).toEqual({
      missing: [],
      fail: false,
      notice: undefined,
    });
  });

  it('gives the suites what the global setup detected, once for the whole run', () => {
    expect(inject('services')).toEqual(detectServices());
    expect(services()).toEqual(inject('services'));
  });

  it(`treats a program named in ${SKIP_ENV} as missing, and says so`, () => {
    expect(detectServices({ [SKIP_ENV]: 'rabbitmq' }).rabbitmq).toBe(false);
    expect(detectServices({ [SKIP_ENV]: 'rabbitmq, chromium' })).toEqual({ rabbitmq: false, chromium: false });
    const verdict = servicesVerdict({ rabbitmq: false, chromium: true }, { [SKIP_ENV]: 'rabbitmq' });
    expect(verdict.notice).toContain(`rabbitmq-server is turned off by ${SKIP_ENV}: SKIPPED`);
  });

  it('leaves the files only the skipped suite exercises out of the coverage thresholds', () => {
    expect(coverageExclusions({ rabbitmq: true, chromium: true })).toEqual([]);
    expect(coverageExclusions({ rabbitmq: false, chromium: true })).toContain('src/connector/bridge.ts');
    expect(coverageExclusions({ rabbitmq: true, chromium: false })).toEqual(['src/mock/console/static.ts']);
  });

  it('names the console suites and the apt package when chromium is missing', () => {
    const verdict = servicesVerdict({ rabbitmq: true, chromium: false }, {});
    expect(verdict.missing).toEqual(['chromium']);
    expect(verdict.notice).toContain('SKIPPED test/console/*.test.ts');
    expect(verdict.notice).toContain('apt-get install -y chromium');
    expect(servicesVerdict({ rabbitmq: true, chromium: false }, { [REQUIRE_ENV]: '1' }).fail).toBe(true);
  });
});
