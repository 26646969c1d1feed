/**
 * External programs some suites need: Debian's `rabbitmq-server` (the connector suite starts a private broker, see
 * test/connector/broker.ts). The HTTPS tests need nothing: test/helpers/tls.ts makes its PKI with `node:crypto`.
 *
 * vitest.config.ts names this file as a `globalSetup`: it looks for the programs once per run, prints ONE notice
 * naming the suites it skips and how to enable them, and provides the result to the test files, which read it with
 * {@link services} and skip with `describe.skipIf(!services().rabbitmq)`. With `EFORMIDLING_REQUIRE_SERVICES=1`
 * (.ci/run sets it) a missing program fails the run instead, so CI never skips.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { inject } from 'vitest';
import type { TestProject } from 'vitest/node';

/** Which external programs this machine has. */
export interface ServiceStatus {
  /** `rabbitmq-server` and Erlang's `epmd` are installed (the connector suite can start a private broker). */
  rabbitmq: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    services: ServiceStatus;
  }
}

/** The variable that turns a missing program into a failure (set by .ci/run). */
export const REQUIRE_ENV = 'EFORMIDLING_REQUIRE_SERVICES';

interface Requirement {
  key: keyof ServiceStatus;
  program: string;
  suites: string;
  install: string;
}

const REQUIREMENTS: readonly Requirement[] = [
  {
    key: 'rabbitmq',
    program: 'rabbitmq-server',
    suites: 'test/connector/rabbitmq.test.ts (the RabbitMQ connector against a real broker)',
    install: 'apt-get update && apt-get install -y rabbitmq-server',
  },
];

/** Where the unwrapped server script and epmd live on Debian (see test/connector/broker.ts). */
const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

function hasEpmd(): boolean {
  if (existsSync('/usr/bin/epmd') || existsSync('/usr/lib/erlang/bin/epmd')) return true;
  try {
    return execFileSync('sh', ['-c', 'ls /usr/lib/erlang/erts-*/bin/epmd'], { stdio: 'pipe' }).length > 0;
  } catch {
    return false;
  }
}

/** Looks for the programs on this machine. */
export function detectServices(): ServiceStatus {
  return { rabbitmq: existsSync(RABBITMQ_SERVER) && hasEpmd() };
}

/** What a run with `status` does: the notice to print (undefined when nothing is missing) and whether to fail. */
export function servicesVerdict(
  status: ServiceStatus,
  env: Record<string, string | undefined>,
): { missing: string[]; fail: boolean; notice: string | undefined } {
  const missing = REQUIREMENTS.filter((r) => !status[r.key]);
  if (missing.length === 0) return { missing: [], fail: false, notice: undefined };
  const required = env[REQUIRE_ENV] !== undefined && env[REQUIRE_ENV] !== '' && env[REQUIRE_ENV] !== '0';
  const lines = missing.map(
    (r) => `  - ${r.program} is not installed: ${required ? 'cannot run' : 'SKIPPED'} ${r.suites}\n      enable: ${r.install}`,
  );
  const notice = required
    ? [`${REQUIRE_ENV} is set, and programs the tests need are missing:`, ...lines].join('\n')
    : [
        'Some suites are SKIPPED because programs they need are missing on this machine:',
        ...lines,
        `(CI sets ${REQUIRE_ENV}=1, which makes a missing program a failure instead of a skip.)`,
      ].join('\n');
  return { missing: missing.map((r) => r.program), fail: required, notice };
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
