import type { Application } from 'typedoc';

/** TypeDoc's default module name for each `exports` entry of a package.json → the import path users write. */
export function moduleNames(pkg: { name: string; exports?: Record<string, string | { types?: string }> }): Record<string, string>;
/** The plugin's entry: renames entry-point modules when the project is resolved. */
export function load(app: Application): void;
