import { beforeAll, describe, expect, it } from 'vitest';
import { committedReports, entryPoints, renderReports, reportFileName, staleReports } from '../../scripts/api-report.mjs';
import { buildOnce } from '../cli/helpers.js';

describe('the API report (api/*.api.md, scripts/api-report.mjs)', () => {
  beforeAll(() => buildOnce(), 240_000);

  it('has one report per entry point of package.json, named for the import path', () => {
    const paths = entryPoints().map(([path]) => path);
    expect(paths).toEqual(['eformidling', 'eformidling/mock', 'eformidling/rabbitmq', 'eformidling/schemas']);
    expect(paths.map(reportFileName)).toEqual([
      'eformidling.api.md',
      'eformidling-mock.api.md',
      'eformidling-rabbitmq.api.md',
      'eformidling-schemas.api.md',
    ]);
  });

  it('matches the built public surface: a change to what the package exports is seen in review', () => {
    const built = renderReports();
    const stale = staleReports(built, committedReports());
    // A failure here means the surface changed without its report: run `npm run api` and commit api/.
    expect(stale, `api/${stale.join(', api/')} differ from the build: run npm run api and commit api/`).toEqual([]);
  }, 60_000);

  it('tells which report is stale, missing or left over', () => {
    expect(staleReports({ 'a.api.md': 'x', 'b.api.md': 'y' }, { 'a.api.md': 'x', 'b.api.md': 'z', 'c.api.md': '' })).toEqual([
      'b.api.md',
      'c.api.md',
    ]);
    expect(staleReports({ 'a.api.md': 'x' }, {})).toEqual(['a.api.md']);
  });

  it('lists every name with its declaration, without the TSDoc', () => {
    const main = renderReports()['eformidling.api.md'] as string;
    expect(main).toContain('declare class IntegrasjonspunktClient');
    expect(main).toMatch(/^type MessageStatus = /m);
    expect(main).not.toMatch(/\/\*\*/);
  }, 60_000);

  it('names the declarations users meet in a signature but cannot import, and only those', () => {
    const reports = renderReports();
    const exported = new Set(
      Object.values(reports).flatMap((r) =>
        [...r.matchAll(/^(?:declare (?:const|function|class|abstract class|enum) |type |interface )(\w+)/gm)].map((m) => m[1]),
      ),
    );
    for (const report of Object.values(reports)) {
      const section = report.slice(report.indexOf('## Referenced but not exported'));
      expect(section).toMatch(/^## Referenced but not exported\n/);
      const listed = [...section.matchAll(/^- `(\w+)` \(dist\/[\w/.-]+\.d\.ts\)$/gm)].map((m) => m[1]);
      expect(listed.length > 0 || section.includes('(none)')).toBe(true);
      for (const name of listed) expect(exported.has(name), name).toBe(false);
    }
  }, 60_000);
});
