import type { CommandContext } from '../context.js';

/** A command's code, loaded when it runs: resolves with the exit code. @internal */
export type Run = (ctx: CommandContext, args: unknown[], opts: Record<string, unknown>) => Promise<number>;

/** Turns a command's {@link Run} into commander's action (main.ts makes the context and keeps the exit code). @internal */
export type Action = (name: string, run: Run) => (...params: unknown[]) => Promise<void>;

/** The "Examples:" block of a command's help. @internal */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}`;
}

/** Commander's collector for a repeatable option. @internal */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
