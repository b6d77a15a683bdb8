import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function lintAs(relativePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, relativePath) });
  return result!.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('layering (docs/ARCHITECTURE.md): vscode is imported only under src/extension/', () => {
  it.each(['src/analysis/probe.ts', 'src/losses/probe.ts', 'src/cli/probe.ts', 'src/tensor/probe.ts', 'src/common/probe.ts', 'media/src/probe.ts'])(
    'lint rejects an import of vscode in %s',
    async (path) => {
      const esm = await lintAs(path, "import * as vscode from 'vscode';\nexport const v = vscode.version;\n");
      expect(esm).toEqual([expect.stringMatching(/^no-restricted-imports: .*Only src\/extension\/ may import vscode/)]);
      const cjs = await lintAs(path, "export const vscode = require('vscode');\n");
      expect(cjs).toContainEqual(expect.stringMatching(/^no-restricted-syntax: .*Only src\/extension\/ may import vscode/));
    },
  );

  it('lint accepts an import of vscode in src/extension/', async () => {
    expect(await lintAs('src/extension/probe.ts', "import * as vscode from 'vscode';\nexport const v = vscode.version;\n")).toEqual([]);
  });
});

describe('no module-level mutable state in src/ (docs/ARCHITECTURE.md)', () => {
  it.each([
    ['a module-level let', 'let cache: string | undefined;\nexport const get = () => cache;\n'],
    ['an exported var', 'export var count = 0;\n'],
    ['a global RegExp, whose lastIndex carries over', 'const WORD = /\\w+/g;\nexport const first = (text: string) => WORD.exec(text);\n'],
    ['a sticky RegExp', 'export const AT = /x/y;\n'],
    ['a Map not typed read-only', 'const seen = new Map<string, number>();\nexport const has = (key: string) => seen.has(key);\n'],
    ['a static field that is not readonly', 'export class Panel {\n  static current: Panel | undefined;\n}\n'],
  ])('lint rejects %s, in the analyzer and in the extension', async (_what, code) => {
    for (const path of ['src/analysis/probe.ts', 'src/extension/probe.ts']) {
      expect(await lintAs(path, code), path).toContainEqual(expect.stringMatching(/^no-restricted-syntax: .*(mutable state|lastIndex)/));
    }
  });

  it('lint accepts constants: a read-only table, a RegExp without state, a function-local let', async () => {
    const code = [
      "const NAMES: ReadonlySet<string> = new Set(['a']);",
      'const WORD = /\\w+/;',
      'export function count(text: string): number {',
      '  let total = 0;',
      '  for (const match of text.matchAll(/\\w+/g)) total += NAMES.has(match[0]) && WORD.test(match[0]) ? 1 : 0;',
      '  return total;',
      '}',
      '',
    ].join('\n');
    expect(await lintAs('src/analysis/probe.ts', code)).toEqual([]);
  });
});

describe('no import cycles in src/extension/, src/cli/ and src/server/ (types included)', () => {
  /** The relative imports of each file under `folder`, as files; typescript's own scanner reads them. */
  function importGraph(folder: string): Map<string, string[]> {
    const graph = new Map<string, string[]>();
    for (const entry of readdirSync(join(root, folder), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const file = join(entry.parentPath, entry.name);
      const imports = ts
        .preProcessFile(readFileSync(file, 'utf8'), true, true)
        .importedFiles.map((imported) => imported.fileName)
        .filter((name) => name.startsWith('.'))
        .map((name) => [`${resolve(dirname(file), name)}.ts`, join(resolve(dirname(file), name), 'index.ts')].find((candidate) => existsSync(candidate)))
        .filter((target): target is string => target !== undefined);
      graph.set(file, imports);
    }
    return graph;
  }

  /** A cycle through `graph` (files in order, the first repeated at the end), if there is one. */
  function cycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
    const done = new Set<string>();
    const path: string[] = [];
    const visit = (file: string): string[] | undefined => {
      const at = path.indexOf(file);
      if (at >= 0) return [...path.slice(at), file];
      if (done.has(file)) return undefined;
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        const found = visit(next);
        if (found) return found;
      }
      path.pop();
      done.add(file);
      return undefined;
    };
    for (const file of graph.keys()) {
      const found = visit(file);
      if (found) return found;
    }
    return undefined;
  }

  it.each(['src/extension', 'src/cli', 'src/server'])('%s', (folder) => {
    const graph = importGraph(folder);
    expect(graph.size).toBeGreaterThan(5);
    expect(cycle(graph)?.map((file) => relative(root, file))).toBeUndefined();
  });

  it('finds a cycle where there is one (the check checks)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    expect(cycle(graph)).toEqual(['a', 'b', 'c', 'a']);
  });
});
