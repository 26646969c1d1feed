import { Converter, ReflectionKind } from 'typedoc';
import { describe, expect, it } from 'vitest';
import { load, moduleNames } from '../../scripts/typedoc-module-names.mjs';
import { readPackageJson } from './consumer.js';

describe('TypeDoc module names (scripts/typedoc-module-names.mjs)', () => {
  it("maps each entry point of package.json's exports to the import path users write", async () => {
    const pkg = (await readPackageJson()) as Parameters<typeof moduleNames>[0];
    expect(moduleNames(pkg)).toEqual({
      index: 'eformidling',
      mock: 'eformidling/mock',
      connector: 'eformidling/rabbitmq',
      schemas: 'eformidling/schemas',
    });
  });

  it('renames the modules TypeDoc guessed from file paths when the project is resolved, and nothing else', () => {
    let listener: ((context: unknown) => void) | undefined;
    const app = {
      converter: {
        on(event: string, fn: (context: unknown) => void) {
          if (event === Converter.EVENT_RESOLVE_BEGIN) listener = fn;
        },
      },
    };
    load(app as unknown as Parameters<typeof load>[0]);
    const modules = [{ name: 'index' }, { name: 'mock' }, { name: 'connector' }, { name: 'eformidling/extra' }];
    const kinds: ReflectionKind[] = [];
    listener?.({
      project: {
        getChildrenByKind(kind: ReflectionKind) {
          kinds.push(kind);
          return modules;
        },
      },
    });
    expect(kinds).toEqual([ReflectionKind.Module]);
    expect(modules.map((m) => m.name)).toEqual(['eformidling', 'eformidling/mock', 'eformidling/rabbitmq', 'eformidling/extra']);
  });
});
