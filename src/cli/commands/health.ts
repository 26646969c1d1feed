import { isApiError } from '../../errors.js';
import { VERSION } from '../../version.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../errors.js';
import { PROBE_PATH, probeApi } from '../probe.js';
import { isNotAnIpAnswer } from '../report.js';

/** What `health --json` prints. @internal */
export interface HealthReport {
  url: string;
  status: string;
  components: Record<string, { status?: string | undefined; details?: Record<string, unknown> | undefined }>;
  ip: { version?: string | undefined; commit?: string | undefined; info?: Record<string, unknown> | undefined };
  /** Whether an authenticated API call (`GET /api/statuses?size=1`) succeeded with the configured credentials. */
  api: { ok: boolean; status?: number | undefined; error?: string | undefined };
  cli: { version: string; node: string };
}

function ipVersion(info: Record<string, unknown> | undefined): { version?: string; commit?: string } {
  const build = info?.build as { version?: unknown } | undefined;
  const git = info?.git as { commit?: { id?: unknown } | string } | undefined;
  const commit = typeof git?.commit === 'object' ? git.commit?.id : undefined;
  return {
    ...(typeof build?.version === 'string' ? { version: build.version } : {}),
    ...(typeof commit === 'string' ? { commit: commit.slice(0, 12) } : {}),
  };
}

/**
 * `eformidling health`: `GET /manage/health` (Spring answers 503 with the same body when DOWN), `/manage/info`, and
 * one authenticated API call ({@link probeApi}), because `/manage/health` is open even when the credentials are
 * wrong. Exit 0 when UP and the API call succeeded, 1 otherwise (with the 401 hint for bad credentials).
 * @internal
 */
export async function health(ctx: CommandContext): Promise<number> {
  const ip = await ctx.client();
  const options = { signal: ctx.signal };
  const result = await ip.manage.health(options);
  let info: Record<string, unknown> | undefined;
  try {
    info = await ip.manage.info(options);
  } catch {
    info = undefined; // /manage/info is optional (and may be closed by a gateway)
  }
  let apiError: unknown;
  try {
    await probeApi(ip, ctx.signal);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    apiError = error;
  }
  // A URL that is not an IP at all is reported as that, not as a health report.
  if (isNotAnIpAnswer(apiError)) throw apiError;
  const report: HealthReport = {
    url: ip.baseUrl,
    status: result.status,
    components: result.components ?? {},
    ip: { ...ipVersion(info), ...(info ? { info } : {}) },
    api:
      apiError === undefined
        ? { ok: true }
        : {
            ok: false,
            ...(isApiError(apiError) ? { status: apiError.status } : {}),
            error: apiError instanceof Error ? apiError.message : String(apiError),
          },
    cli: { version: VERSION, node: process.versions.node },
  };
  const out = ctx.out;
  out.result(report, () => {
    const paint = (s: string) => out.paint(s === 'UP' ? 'green' : 'red', s);
    out.line(`${out.paint('bold', report.url)}  ${paint(report.status)}`);
    const rows = Object.entries(report.components).map(([name, c]) => ({ name, ...c }));
    if (rows.length > 0) {
      out.line();
      out.table(rows, [
        { header: 'COMPONENT', value: (r) => r.name },
        { header: 'STATUS', value: (r) => r.status ?? '-', colour: (r) => (r.status === 'UP' ? 'green' : 'red') },
        {
          header: 'DETAILS',
          value: (r) =>
            Object.entries(r.details ?? {})
              .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
              .join(' '),
          flexible: true,
        },
      ]);
    }
    out.line();
    const ipText = [report.ip.version, report.ip.commit && `commit ${report.ip.commit}`].filter(Boolean).join(', ');
    out.line(`IP version:  ${ipText || 'not reported (/manage/info)'}`);
    out.line(
      `API access:  ${report.api.ok ? out.paint('green', 'OK') : out.paint('red', `FAILED${report.api.status ? ` (${report.api.status})` : ''}`)} (GET ${PROBE_PATH})`,
    );
    out.line(`CLI version: eformidling ${VERSION} (Node.js ${process.versions.node})`);
  });
  // The error report (with its hint, e.g. to check IP_USERNAME / IP_PASSWORD on a 401) follows the health report.
  if (apiError !== undefined) throw apiError;
  return report.status === 'UP' ? EXIT.ok : EXIT.failure;
}
