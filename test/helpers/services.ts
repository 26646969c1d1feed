/**
 * External programs some suites need: Debian's `rabbitmq-server` (the connector suite starts a private broker, see
 * test/connector/broker.ts) and Debian's `chromium` (the console suites drive it with playwright-core, see
 * test/console/browser.ts). The HTTPS tests need nothing: test/helpers/tls.ts makes its PKI with `node:crypto`.
 *
 * vitest.config.ts names this file as a `globalSetup`: it looks for the programs once per run, prints ONE notice
 * naming the suites it skips and how to enable them, and provides the result to the test files, which read it with
 * {@link services} and skip with `describe.skipIf(!services().rabbitmq)`. With `EFORMIDLING_REQUIRE_SERVICES=1`
 * (.ci/run sets it) a missing program fails the run instead, so CI never skips.
 */
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';
import { detectServices, type ServiceStatus, servicesVerdict } from './detect-services.js';

export { coverageExclusions, detectServices, REQUIRE_ENV, type ServiceStatus, SKIP_ENV, servicesVerdict } from './detect-services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    services: ServiceStatus;
  }
}

function banner(text: string): string {
  const rule = '!'.repeat(78);
  return `\n${rule}\n${text}\n${rule}\n\n`;
}

/** The suites' view: which programs the run found (detected here when the run has no globalSetup). */
export function services(): ServiceStatus {
  let provided: ServiceStatus | undefined;
  try {
    provided = inject('services');
  } catch {
    provided = undefined;
  }
  return provided ?? detectServices();
}

/** vitest globalSetup: detect once, print once, fail when required. */
export default function setup(project: TestProject): void {
  const status = detectServices();
  const verdict = servicesVerdict(status, process.env);
  if (verdict.notice) process.stderr.write(banner(verdict.notice));
  if (verdict.fail) throw new Error(`missing for the tests: ${verdict.missing.join(', ')} (see the notice above)`);
  project.provide('services', status);
}
