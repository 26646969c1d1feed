import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The simulator's layering (docs/simulator.md, "How the simulator is built"): the model never imports the HTTP
 * layer or the faces, its parts never import the facade that composes them, and no file grows past 400 lines.
 */

const MOCK = join(import.meta.dirname, '../../src/mock');

function sources(dir: string): { file: string; text: string }[] {
  return readdirSync(join(MOCK, dir))
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: `${dir}/${f}`, text: readFileSync(join(MOCK, dir, f), 'utf8') }));
}

function imports(text: string): string[] {
  return [...text.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((m) => m[1] as string);
}

describe('simulator layering', () => {
  it('the model imports neither the routes nor the faces, and its parts do not import the facade', () => {
    const offending = sources('model').flatMap(({ file, text }) =>
      imports(text)
        .filter(
          (spec) =>
            spec.startsWith('../routes/') ||
            ['../handlers.js', '../server.js', '../simulator.js', '../index.js'].includes(spec) ||
            (file !== 'model/index.ts' && spec === './index.js'),
        )
        .map((spec) => `${file} → ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('the route groups reach the model only through its facade', () => {
    const offending = sources('routes').flatMap(({ file, text }) =>
      imports(text)
        .filter((spec) => spec.startsWith('../model/') && spec !== '../model/index.js')
        .map((spec) => `${file} → ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('the console reaches the model only through its facade, and nothing below it imports the console', () => {
    const offending = sources('console').flatMap(({ file, text }) =>
      imports(text)
        .filter((spec) => spec.startsWith('../model/') && spec !== '../model/index.js')
        .map((spec) => `${file} → ${spec}`),
    );
    const below = ['.', 'model', 'routes'].flatMap(sources).flatMap(({ file, text }) =>
      imports(text)
        .filter((spec) => spec.includes('console/') && file !== './server.ts')
        .map((spec) => `${file} → ${spec}`),
    );
    expect([...offending, ...below]).toEqual([]);
  });

  it('no simulator source file is over 400 lines', () => {
    const long = ['.', 'model', 'routes', 'console']
      .flatMap(sources)
      .filter(({ text }) => text.split('\n').length > 400)
      .map(({ file }) => file);
    expect(long).toEqual([]);
  });
});
