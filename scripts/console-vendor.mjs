// The simulator console's third-party modules (see src/console/vendor/README.md): the ESM builds of preact, its
// hooks and htm, copied from node_modules with their licences, so the page runs offline without a bundler.
// `npm run console:vendor` refreshes the copies after an upgrade; test/console/vendor.test.ts checks them.
//
// One change is made while copying: the hooks' `from"preact"` becomes `from"./preact.mjs"`. A browser resolves a
// bare name only through an import map, and the page's Content-Security-Policy (docs/console-api.md) allows no
// inline script, so the page has none.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Each vendored file: where it comes from in node_modules, where it lives in src/console/vendor. */
export const VENDORED = [
  { from: 'preact/dist/preact.mjs', to: 'preact.mjs' },
  { from: 'preact/hooks/dist/hooks.mjs', to: 'preact-hooks.mjs', relink: true },
  { from: 'preact/LICENSE', to: 'LICENSE-preact.txt' },
  { from: 'htm/dist/htm.module.js', to: 'htm.mjs' },
  { from: 'htm/LICENSE', to: 'LICENSE-htm.txt' },
];

export const VENDOR_DIR = join(ROOT, 'src', 'console', 'vendor');
export const NODE_MODULES = join(ROOT, 'node_modules');

/** A vendored file's content: the installed file, with a bare `preact` import pointed at the sibling copy. */
export function vendoredContent(entry) {
  const content = readFileSync(join(NODE_MODULES, entry.from));
  if (!entry.relink) return content;
  const text = content.toString('utf8');
  const relinked = text.replaceAll('from"preact"', 'from"./preact.mjs"');
  if (relinked === text) throw new Error(`${entry.from}: no import of "preact" to point at ./preact.mjs`);
  return Buffer.from(relinked, 'utf8');
}

/** The README of the vendor folder: which package versions the copies are. */
export function vendorReadme() {
  const version = (name) => JSON.parse(readFileSync(join(NODE_MODULES, name, 'package.json'), 'utf8')).version;
  return [
    '# Vendored modules of the simulator console',
    '',
    'Copied from node_modules by `npm run console:vendor` (scripts/console-vendor.mjs); do not edit. The one change:',
    'preact-hooks.mjs imports `./preact.mjs` instead of the bare `preact` (the page has no import map).',
    '',
    `- preact ${version('preact')} (MIT, LICENSE-preact.txt): preact.mjs, preact-hooks.mjs`,
    `- htm ${version('htm')} (Apache-2.0, LICENSE-htm.txt): htm.mjs`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(VENDOR_DIR, { recursive: true });
  for (const entry of VENDORED) writeFileSync(join(VENDOR_DIR, entry.to), vendoredContent(entry));
  writeFileSync(join(VENDOR_DIR, 'README.md'), vendorReadme());
  console.log(`copied ${VENDORED.length} files into src/console/vendor`);
}
