import { z } from 'zod';
import { readText } from '../../transport/http.js';
import { VERSION } from '../../version.js';
import type { CommandContext } from '../context.js';
import { EXIT } from '../errors.js';

const ComponentSchema = z.looseObject({ status: z.string().optional(), details: z.record(z.string(), z.unknown()).optional() });
const HealthSchema = z.looseObject({
  status: z.string(),
  components: z.record(z.string(), ComponentSchema).optional(),
});
const InfoSchema = z.record(z.string(), z.unknown());

/** What `health --json` prints. @internal */
export interface HealthReport {
  url: string;
  status: string;
  components: Record<string, { status?: string | undefined; details?: Record<string, unknown> | undefined }>;
  ip: { version?: string | undefined; commit?: string | undefined; info?: Record<string, unknown> | undefined };
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
 * `eformidling health`: `GET /manage/health` (Spring answers 503 with the same body when DOWN) and `/manage/info`.
 * Exit 0 when UP, 1 otherwise.
 * @internal
 */
export async function health(ctx: CommandContext): Promise<number> {
  const ip = await ctx.client();
  const options = { signal: ctx.signal };
  const result = await ip.transport.execute(
    { method: 'GET', path: '/manage/health', acceptStatus: [503] },
    async (res, rctx) => {
      const raw = await readText(res, rctx, 1024 * 1024);
      const parsed = HealthSchema.safeParse(safeJson(raw));
      return parsed.success ? parsed.data : { status: res.status === 503 ? 'DOWN' : 'UNKNOWN', components: {} };
    },
    options,
  );
  let info: Record<string, unknown> | undefined;
  try {
    info = await ip.transport.json({ method: 'GET', path: '/manage/info', retry: false }, InfoSchema, options);
  } catch {
    info = undefined; // /manage/info is optional (and may be closed by a gateway)
  }
  const report: HealthReport = {
    url: ip.baseUrl,
    status: result.status,
    components: result.components ?? {},
    ip: { ...ipVersion(info), ...(info ? { info } : {}) },
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
    out.line(`CLI version: eformidling ${VERSION} (Node.js ${process.versions.node})`);
  });
  return report.status === 'UP' ? EXIT.ok : EXIT.failure;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
