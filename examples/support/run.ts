/**
 * "Run `main()` when started with node": lets each example be both a script and a module the tests import.
 */
import { fileURLToPath } from 'node:url';

/**
 * Calls `main` only when the module at `moduleUrl` is the file Node was started with (not when it is imported);
 * a failure is printed and sets the exit code to 1.
 * @param moduleUrl the example's `import.meta.url`
 * @param main what to run, e.g. `main` or `() => main({ path: process.argv[2] })`
 */
export function runMain(moduleUrl: string, main: () => Promise<unknown>): void {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
