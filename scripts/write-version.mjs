// Writes src/version.ts from package.json so the SDK can put its own version in the User-Agent.
import { readFileSync, writeFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const target = new URL('../src/version.ts', import.meta.url);
const text = `/** The SDK's version, written from package.json at build time. */\nexport const VERSION = '${version}';\n`;
let current = '';
try {
  current = readFileSync(target, 'utf8');
} catch {}
if (current !== text) writeFileSync(target, text);
