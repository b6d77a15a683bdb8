import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/analysis/python/source-file';
import { finish, inSlices, type Steps } from '../../src/analysis/slices';
import { analyzeFresh, host } from './helpers/analysis';

const EXAMPLES = join(__dirname, '..', '..', 'examples', 'pytorch');
const BUGGY = readFileSync(join(EXAMPLES, 'classifier_bugs.py'), 'utf8');

function* counting(log: string[], steps: number): Steps<number> {
  for (let step = 1; step <= steps; step++) {
    log.push(`step ${step}`);
    yield;
  }
  return steps;
}

describe('running work in slices', () => {
  it('gives the thread back between slices, and runs the steps in order', async () => {
    const log: string[] = [];
    setImmediate(() => log.push('other work'));
    expect(await inSlices(counting(log, 3), 0)).toBe(3);
    expect(log).toEqual(['step 1', 'other work', 'step 2', 'step 3']);
  });

  it('does not give the thread back while a slice lasts, nor when run to the end at once', async () => {
    const log: string[] = [];
    setImmediate(() => log.push('other work'));
    expect(await inSlices(counting(log, 3), 60_000)).toBe(3);
    expect(finish(counting(log, 2))).toBe(2);
    expect(log).toEqual(['step 1', 'step 2', 'step 3', 'step 1', 'step 2']);
  });
});

describe('analysing a file in slices', () => {
  it('lets other work run while a file is analysed, and finds what an analysis at once finds', async () => {
    const file = new SourceFile(host);
    let otherWorkRan = false;
    setImmediate(() => (otherWorkRan = true));
    const sliced = await file.analyze(BUGGY, { sites: true, sliceMs: 0 });
    expect(otherWorkRan).toBe(true);
    const atOnce = await analyzeFresh(BUGGY, { sites: true });
    expect(sliced.findings.length).toBeGreaterThan(0);
    expect(JSON.stringify(sliced)).toBe(JSON.stringify(atOnce));
    file.dispose();
  });

  it('runs analyses of one file asked for at once one after another, each of its own version', async () => {
    const file = new SourceFile(host);
    const versions = [BUGGY, BUGGY.replace('nn.BCELoss()', 'nn.BCEWithLogitsLoss()'), `${BUGGY}\nx = (\n`, BUGGY];
    const results = await Promise.all(versions.map((text) => file.analyze(text, { sites: true, sliceMs: 0 })));
    for (const [index, text] of versions.entries())
      expect(JSON.stringify(results[index]), `version ${index}`).toBe(JSON.stringify(await analyzeFresh(text, { sites: true })));
    // The versions differ in what they find, so the comparison above can tell them apart.
    expect(JSON.stringify(results[0]!.findings)).not.toBe(JSON.stringify(results[1]!.findings));
    file.dispose();
  });

  it('answers a second request for the version just analysed from what it found', async () => {
    const file = new SourceFile(host);
    const first = await file.analyze(BUGGY);
    const again = await file.analyze(BUGGY, { sites: true });
    expect(again.findings).toEqual(first.findings);
    expect(JSON.stringify(again.sites)).toBe(JSON.stringify((await analyzeFresh(BUGGY, { sites: true })).sites));
    file.dispose();
  });
});
