/**
 * The TypeScript blocks of the documentation, as programs: every ```ts block is a complete program (imports
 * included) that the README test type-checks. Words after the language on the fence line are flags:
 * - `run`: the test also runs the block (against the simulator, so it must start one) and expects exit code 0;
 * - `no-check`: the block is not type-checked (avoid: only for a fragment that cannot be a program).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CodeBlock {
  /** The Markdown file, relative to the repository root. */
  readonly doc: string;
  /** Line of the opening fence (1-based). */
  readonly line: number;
  /** The nearest heading above the block. */
  readonly heading: string;
  readonly flags: ReadonlySet<string>;
  readonly code: string;
  /** `README.md:42 (## Quick start)`: how tests name the block. */
  readonly name: string;
}

const FENCE = /^(\s*)(`{3,})(\S*)\s*(.*)$/;

/** Every fenced ```ts / ```typescript block of a Markdown text, with its flags and the heading it sits under. */
export function codeBlocks(doc: string, markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const open = FENCE.exec(line);
    if (!open) {
      if (/^#{1,6} /.test(line)) heading = line.trim();
      continue;
    }
    const [, indent = '', ticks = '```', lang = '', info = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const current = lines[j] as string;
      if (current.trim() === ticks || new RegExp(`^\\s*${ticks}\\s*$`).test(current)) break;
      body.push(current.startsWith(indent) ? current.slice(indent.length) : current.trimStart());
    }
    if (lang === 'ts' || lang === 'typescript') {
      const flags = new Set(info.split(/\s+/).filter(Boolean));
      blocks.push({ doc, line: i + 1, heading, flags, code: `${body.join('\n')}\n`, name: `${doc}:${i + 1} (${heading})` });
    }
    i = j;
  }
  return blocks;
}

/** The blocks of each documentation file, read from the repository at `root`. */
export function documentationBlocks(root: string, docs: readonly string[]): CodeBlock[] {
  return docs.flatMap((doc) => codeBlocks(doc, readFileSync(join(root, doc), 'utf8')));
}

/** A file name for a block: `README.md:42` → `README-md-42.ts`. */
export function fileNameOf(block: CodeBlock): string {
  return `${block.doc.replace(/[^A-Za-z0-9]+/g, '-')}-${block.line}.ts`;
}
