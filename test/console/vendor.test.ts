import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NODE_MODULES, VENDOR_DIR, VENDORED, vendorReadme } from '../../scripts/console-vendor.mjs';

const vendored = [...VENDORED];

describe('the console page ships its dependencies (no CDN, no bundler)', () => {
  it.each(vendored)('vendor/$to is the installed $from, byte for byte', ({ from, to }) => {
    expect(readFileSync(join(VENDOR_DIR, to)).equals(readFileSync(join(NODE_MODULES, from)))).toBe(true);
  });

  it('names the installed versions in the vendor README, and holds nothing else', () => {
    expect(readFileSync(join(VENDOR_DIR, 'README.md'), 'utf8')).toBe(vendorReadme());
    expect(readdirSync(VENDOR_DIR).sort()).toEqual([...vendored.map((v) => v.to), 'README.md'].sort());
  });

  it('loads every module of the page from its own origin: the import map points into vendor/', () => {
    const html = readFileSync(join(VENDOR_DIR, '..', 'index.html'), 'utf8');
    const map = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{}') as { imports: Record<string, string> };
    expect(map.imports).toEqual({
      preact: '/console/vendor/preact.mjs',
      'preact/hooks': '/console/vendor/preact-hooks.mjs',
      htm: '/console/vendor/htm.mjs',
    });
    expect(html).not.toMatch(/https?:\/\//);
  });
});
