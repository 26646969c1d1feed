// Build: write src/version.ts, compile with tsc, make the bins executable, copy the simulator console's static page
// (src/console/**, its vendored preact and htm included) into dist/console/ as it is: the page needs no bundler.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readFileSync, rmSync } from 'node:fs';

execFileSync(process.execPath, ['scripts/write-version.mjs'], { stdio: 'inherit' });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
const { bin = {} } = JSON.parse(readFileSync('package.json', 'utf8'));
for (const file of Object.values(bin)) if (existsSync(file)) chmodSync(file, 0o755);
rmSync('dist/console', { recursive: true, force: true });
cpSync('src/console', 'dist/console', { recursive: true });
