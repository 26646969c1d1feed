import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_MODULES, VENDOR_DIR, VENDORED, vendoredContent, vendorReadme } from '../../scripts/console-vendor.mjs';

const CONSOLE_DIR = join(VENDOR_DIR, '..');

/** Every file of the page outside vendor/, relative to src/console. */
function pageFiles(): string[] {
  return readdirSync(CONSOLE_DIR, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.startsWith(VENDOR_DIR))
    .map((e) => join(e.parentPath, e.name).slice(CONSOLE_DIR.length + 1));
}

describe('the console page ships its dependencies (no CDN, no bundler)', () => {
  it.each([...VENDORED])('vendor/$to is the installed $from', (entry) => {
    expect(readFileSync(join(VENDOR_DIR, entry.to)).equals(vendoredContent(entry))).toBe(true);
  });

  it('copies preact and htm as they are; the hooks only import the sibling preact instead of the bare name', () => {
    const installed = (path: string) => readFileSync(join(NODE_MODULES, path), 'utf8');
    expect(readFileSync(join(VENDOR_DIR, 'preact.mjs'), 'utf8')).toBe(installed('preact/dist/preact.mjs'));
    expect(readFileSync(join(VENDOR_DIR, 'htm.mjs'), 'utf8')).toBe(installed('htm/dist/htm.module.js'));
    const hooks = readFileSync(join(VENDOR_DIR, 'preact-hooks.mjs'), 'utf8');
    expect(hooks).not.toMatch(/from\s*"preact"/);
    expect(hooks.replaceAll('from"./preact.mjs"', 'from"preact"')).toBe(installed('preact/hooks/dist/hooks.mjs'));
    expect(readFileSync(join(VENDOR_DIR, 'LICENSE-preact.txt'), 'utf8')).toContain('MIT License');
    expect(readFileSync(join(VENDOR_DIR, 'LICENSE-htm.txt'), 'utf8')).toContain('Apache License');
  });

  it('names the installed versions in the vendor README, and holds nothing else', () => {
    expect(readFileSync(join(VENDOR_DIR, 'README.md'), 'utf8')).toBe(vendorReadme());
    expect(readdirSync(VENDOR_DIR).sort()).toEqual([...VENDORED.map((v) => v.to), 'README.md'].sort());
  });

  it('loads nothing from beyond its own origin and imports only relative modules (no import map, no inline script)', () => {
    for (const file of pageFiles()) {
      const text = readFileSync(join(CONSOLE_DIR, file), 'utf8');
      expect(text, file).not.toMatch(/(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[/"')]/i);
      if (file.endsWith('.js')) {
        expect(text, file).toMatch(/^import /m);
        for (const [, specifier] of text.matchAll(/^(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]/gm))
          expect(specifier, file).toMatch(/^\.\.?\//);
      }
    }
    const html = readFileSync(join(CONSOLE_DIR, 'index.html'), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('keeps every file of the page under 400 lines', () => {
    for (const file of pageFiles()) expect(readFileSync(join(CONSOLE_DIR, file), 'utf8').split('\n').length, file).toBeLessThanOrEqual(400);
  });
});
