import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { coverageExclusions, detectServices } from './test/helpers/detect-services.js';

const src = (p: string) => fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^eformidling\/mock$/, replacement: src('mock/index.ts') },
      { find: /^eformidling\/rabbitmq$/, replacement: src('connector/index.ts') },
      { find: /^eformidling\/schemas$/, replacement: src('schemas.ts') },
      { find: /^eformidling$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Looks for rabbitmq-server and openssl once; suites that need a missing one are skipped with one notice
    // (a failure with EFORMIDLING_REQUIRE_SERVICES=1, as in CI).
    globalSetup: ['test/helpers/services.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // The CLI runs as a child process in its tests (test/cli), which v8 coverage cannot see; bins likewise.
      // Files that only a skipped suite exercises (no rabbitmq-server on this machine) are not measured either.
      exclude: ['src/version.ts', 'src/cli/**', 'src/mock/bin.ts', 'src/connector/bin.ts', ...coverageExclusions(detectServices())],
      reporter: ['text-summary', 'json-summary'],
      reportOnFailure: true,
      thresholds: { lines: 90, branches: 90 },
    },
  },
});
