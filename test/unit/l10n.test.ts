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

describe('loss texts in Simplified Chinese (l10n/losses.zh-cn.json)', () => {
  it('translate the title of every loss and the description of every tensor argument and tensor option, and nothing else', async () => {
    const { LOSSES } = await import('../../src/losses/registry');
    const table = JSON.parse(readFileSync(join(root, 'l10n', 'losses.zh-cn.json'), 'utf8')) as Record<
      string,
      { title: string; tensors: Record<string, string> }
    >;
    expect(Object.keys(table).sort()).toEqual(LOSSES.map((loss) => loss.name).sort());
    for (const loss of LOSSES) {
      const names = [
        ...loss.tensors.map((parameter) => parameter.name),
        ...Object.entries(loss.options).flatMap(([name, spec]) => (spec.kind === 'tensor' ? [name] : [])),
      ];
      expect(Object.keys(table[loss.name]!.tensors).sort(), loss.name).toEqual(names.sort());
      for (const text of [table[loss.name]!.title, ...Object.values(table[loss.name]!.tensors)]) expect(text, loss.name).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('reach the calculator and the explanations', async () => {
    const { lossCatalog } = await import('../../src/explain/calculate');
    const { explainLoss } = await import('../../src/explain/explanations');
    const table = JSON.parse(readFileSync(join(root, 'l10n', 'losses.zh-cn.json'), 'utf8'));
    expect(lossCatalog(table).find((loss) => loss.name === 'cross_entropy')?.title).toBe('交叉熵');
    const explanation = explainLoss('binary_cross_entropy', table)!;
    expect(explanation.title).toBe('二元交叉熵');
    const shapes = explanation.sections.find((section) => section.kind === 'table');
    expect(shapes?.kind === 'table' && shapes.rows[0]![4]).toBe('[0, 1] 中的概率，即 sigmoid 的输出。');
  });
});
