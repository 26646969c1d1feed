import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers.js';

describe('.ci/run', () => {
  it('installs the services the suites need and makes a missing one a failure before any test runs', async () => {
    const script = await readFile(join(ROOT, '.ci/run'), 'utf8');
    const lines = script.split('\n');
    const required = lines.findIndex((l) => /^export EFORMIDLING_REQUIRE_SERVICES=1$/.test(l));
    const firstTest = lines.findIndex((l) => /\b(npm test|vitest(\.mjs)? run)\b/.test(l) && !l.trimStart().startsWith('#'));
    expect(required).toBeGreaterThan(-1);
    expect(firstTest).toBeGreaterThan(required);
    expect(script).toMatch(/need\+=\(rabbitmq-server\)/);
    expect(script).toMatch(/apt-get install .*"\$\{need\[@\]\}"/);
    // The summary line other tools read.
    expect(script).toMatch(
      /console\.log\(`\$\{a\.numPassedTests \+ b\.numPassedTests\} passed, \$\{a\.numFailedTests \+ b\.numFailedTests\} failed`\)/,
    );
  });
});
