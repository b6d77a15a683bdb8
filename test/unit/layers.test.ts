import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const eslint = new ESLint({ cwd: root });

async function lintAs(relativePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, relativePath) });
  return result!.messages.map((message) => `${message.ruleId}: ${message.message}`);
}

describe('layering (DESIGN.md): vscode is imported only under src/extension/', () => {
  it.each(['src/analysis/probe.ts', 'src/losses/probe.ts', 'src/cli/probe.ts', 'src/tensor/probe.ts', 'src/shared/probe.ts', 'media/src/probe.ts'])(
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
