/**
 * Finding the external programs some suites need (no vitest imports here: vitest.config.ts uses it too). See
 * services.ts for how the run uses the result.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Which external programs this machine has. */
export interface ServiceStatus {
  /** `rabbitmq-server` and Erlang's `epmd` are installed (the connector suite can start a private broker). */
  rabbitmq: boolean;
  /** Debian's `chromium` is installed (the console suites drive it with playwright-core, see test/console/browser.ts). */
  chromium: boolean;
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
  {
    key: 'chromium',
    program: 'chromium',
    suites: 'test/console/*.test.ts (the simulator console in a real browser)',
    install: 'apt-get update && apt-get install -y chromium',
  },
];

/** Where Debian installs the browser (playwright-core drives it; it downloads no browser of its own). */
export const CHROMIUM = '/usr/bin/chromium';

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

/** Names programs to treat as missing even when installed (a quick run on a developer machine). */
export const SKIP_ENV = 'EFORMIDLING_SKIP_SERVICES';

/** Looks for the programs on this machine; `EFORMIDLING_SKIP_SERVICES=rabbitmq,chromium` treats them as missing. */
export function detectServices(env: Record<string, string | undefined> = process.env): ServiceStatus {
  const skip = new Set((env[SKIP_ENV] ?? '').split(',').map((s) => s.trim().toLowerCase()));
  return {
    rabbitmq: !skip.has('rabbitmq') && existsSync(RABBITMQ_SERVER) && hasEpmd(),
    chromium: !skip.has('chromium') && existsSync(CHROMIUM),
  };
}

/**
 * Source files that only the skipped suites exercise: left out of the coverage thresholds when their suite is
 * skipped, so `npm test --coverage` measures what ran.
 */
export function coverageExclusions(status: ServiceStatus): string[] {
  return [
    ...(status.rabbitmq ? [] : ['src/connector/amqp.ts', 'src/connector/bridge.ts', 'src/connector/consume.ts']),
    // The console's static file serving is exercised by the browser suites loading the page.
    ...(status.chromium ? [] : ['src/mock/console/static.ts']),
  ];
}

/** What a run with `status` does: the notice to print (undefined when nothing is missing) and whether to fail. */
export function servicesVerdict(
  status: ServiceStatus,
  env: Record<string, string | undefined>,
): { missing: string[]; fail: boolean; notice: string | undefined } {
  const missing = REQUIREMENTS.filter((r) => !status[r.key]);
  if (missing.length === 0) return { missing: [], fail: false, notice: undefined };
  const required = env[REQUIRE_ENV] !== undefined && env[REQUIRE_ENV] !== '' && env[REQUIRE_ENV] !== '0';
  const turnedOff = new Set((env[SKIP_ENV] ?? '').split(',').map((s) => s.trim().toLowerCase()));
  const lines = missing.map((r) =>
    turnedOff.has(r.key)
      ? `  - ${r.program} is turned off by ${SKIP_ENV}: ${required ? 'cannot run' : 'SKIPPED'} ${r.suites}`
      : `  - ${r.program} is not installed: ${required ? 'cannot run' : 'SKIPPED'} ${r.suites}\n      enable: ${r.install}`,
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
