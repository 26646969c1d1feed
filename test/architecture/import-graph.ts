import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import ts from 'typescript';

/** The repository's root and its `src/` folder. */
export const ROOT = join(import.meta.dirname, '..', '..');
export const SRC = join(ROOT, 'src');

/** One import or re-export between two files of src/ (paths relative to src/, with `.ts`). */
export interface Edge {
  from: string;
  to: string;
  line: number;
  /** `import type`/`export type`, or every named element marked `type`: erased at run time. */
  typeOnly: boolean;
  /** The names imported (`*` for a namespace import or `export *`, `default` for a default import). */
  names: string[];
}

/** Every `.ts` file under src/, relative to src/ with `/` separators. */
export function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(SRC, join(e.parentPath, e.name)).split('\\').join('/'))
    .sort();
}

function namesOf(node: ts.ImportDeclaration | ts.ExportDeclaration): { names: string[]; typeOnly: boolean } {
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause;
    if (clause === undefined) return { names: [], typeOnly: false }; // `import './x.js'`: runs the module
    const names: string[] = [];
    let allTypes = true;
    if (clause.name !== undefined) {
      names.push('default');
      allTypes = false;
    }
    const bindings = clause.namedBindings;
    if (bindings !== undefined && ts.isNamespaceImport(bindings)) {
      names.push('*');
      allTypes = false;
    } else if (bindings !== undefined) {
      for (const element of bindings.elements) {
        names.push((element.propertyName ?? element.name).text);
        if (!element.isTypeOnly) allTypes = false;
      }
    }
    return { names, typeOnly: clause.isTypeOnly || (names.length > 0 && allTypes) };
  }
  const clause = node.exportClause;
  if (clause === undefined || ts.isNamespaceExport(clause)) return { names: ['*'], typeOnly: node.isTypeOnly };
  const names = clause.elements.map((e) => (e.propertyName ?? e.name).text);
  return { names, typeOnly: node.isTypeOnly || (names.length > 0 && clause.elements.every((e) => e.isTypeOnly)) };
}

/** The relative imports, re-exports and dynamic `import()`s of one file of src/ that land in src/. */
export function edgesOf(file: string): Edge[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const edges: Edge[] = [];
  const add = (specifier: string, node: ts.Node, names: string[], typeOnly: boolean) => {
    if (!specifier.startsWith('.')) return;
    const to = posix.normalize(posix.join(posix.dirname(file), specifier)).replace(/\.js$/, '.ts');
    const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    edges.push({ from: file, to, line, typeOnly, names });
  };
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      const { names, typeOnly } = namesOf(node);
      add(node.moduleSpecifier.text, node, names, typeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg !== undefined && ts.isStringLiteral(arg)) add(arg.text, node, ['*'], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, node, ['*'], true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The number of lines of a file of src/. */
export function lineCount(file: string): number {
  const text = readFileSync(join(SRC, file), 'utf8');
  return text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
}
