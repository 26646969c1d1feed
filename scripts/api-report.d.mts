/** package.json's `exports` → `[import path, declaration file]`, in the order package.json lists them. */
export function entryPoints(pkg?: { name: string; exports?: Record<string, unknown> }): [string, string][];
/** The report's file name for an import path: `eformidling/mock` → `eformidling-mock.api.md`. */
export function reportFileName(importPath: string): string;
/** Every report, by file name under api/, from the declarations in dist/. */
export function renderReports(): Record<string, string>;
/** The committed reports under api/, by file name. */
export function committedReports(dir?: string): Record<string, string>;
/** The names of the reports that differ between `expected` (built) and `actual` (committed). */
export function staleReports(expected: Record<string, string>, actual: Record<string, string>): string[];
