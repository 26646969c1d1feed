// TypeDoc plugin (see typedoc.json): names each entry point's module by the import path users write, taken from
// package.json's `exports` (`eformidling`, `eformidling/mock`, `eformidling/rabbitmq`), instead of TypeDoc's guess
// from the file path (`index`, `mock`, `connector`). A module already named with a `@module <name>` tag is kept.
import { readFileSync } from 'node:fs';
import { Converter, ReflectionKind } from 'typedoc';

/** TypeDoc's default module name for an `exports` entry → the import path: `{ 'mock': 'eformidling/mock', … }`. */
export function moduleNames(pkg) {
  const names = {};
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    const types = typeof target === 'string' ? target : target.types;
    if (!types?.endsWith('.d.ts')) continue;
    // ./dist/index.d.ts → index; ./dist/mock/index.d.ts → mock; ./dist/connector/index.d.ts → connector
    const guess = types
      .replace(/^\.\/dist\//, '')
      .replace(/\.d\.ts$/, '')
      .replace(/\/index$/, '');
    names[guess] = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.replace(/^\.\//, '')}`;
  }
  return names;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  const names = moduleNames(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')));
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getChildrenByKind(ReflectionKind.Module)) {
      const name = names[module.name];
      if (name) module.name = name;
    }
  });
}
