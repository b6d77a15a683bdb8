import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { getL10nJson } from '@vscode/l10n-dev';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const readJson = (path: string): Record<string, string> => JSON.parse(readFileSync(join(root, path), 'utf8'));

function sourceFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => extname(file) === '.ts')
    .map((file) => join(root, folder, file));
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{\d+\}/g)].map((match) => match[0]).sort();

describe('l10n bundles', () => {
  it('bundle.l10n.json holds exactly the strings the sources pass to l10n.t (run `npm run l10n:export`)', async () => {
    const files = [...sourceFiles('src'), ...sourceFiles('media/src')].map((file) => ({
      contents: readFileSync(file, 'utf8'),
      extension: '.ts',
    }));
    const extracted = await getL10nJson(files);
    expect(Object.keys(readJson('l10n/bundle.l10n.json')).sort()).toEqual(Object.keys(extracted).sort());
  });

  it('the Simplified Chinese bundle translates every string and keeps its placeholders', () => {
    const english = readJson('l10n/bundle.l10n.json');
    const chinese = readJson('l10n/bundle.l10n.zh-cn.json');
    expect(Object.keys(chinese).sort()).toEqual(Object.keys(english).sort());
    for (const [key, value] of Object.entries(chinese)) {
      expect(placeholders(value), key).toEqual(placeholders(key));
    }
  });

  it('package.nls files define every %key% of the manifest, in both languages', () => {
    const manifest = readFileSync(join(root, 'package.json'), 'utf8');
    const used = [...manifest.matchAll(/"%([^%"]+)%"/g)].map((match) => match[1]).sort();
    expect(Object.keys(readJson('package.nls.json')).sort()).toEqual(used);
    expect(Object.keys(readJson('package.nls.zh-cn.json')).sort()).toEqual(used);
  });
});
