import { it } from 'vitest';
import { trainingScript } from '../../bench/corpus-generator';
import { SourceFile } from '../../src/analysis/python/source-file';
import { host } from './helpers/analysis';
function bigFile(): string {
  let big = '';
  for (let index = 0; big.split('\n').length < 5000; index++) big += `${trainingScript(10_000 + index)}\n`;
  return big.split('\n').slice(0, 5000).join('\n');
}
it('probe', async () => {
  const big = bigFile();
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const s = new SourceFile(host);
    const t = performance.now();
    await s.analyze(big);
    best = Math.min(best, performance.now() - t);
    s.dispose();
  }
  const needle = 'total += loss.item()';
  const middle = big.indexOf(needle, big.length / 2);
  const edited = `${big.slice(0, middle)}${needle} * 1.0${big.slice(middle + needle.length)}`;
  const editor = new SourceFile(host);
  await editor.analyze(big);
  let bestEdit = Infinity;
  let flip = false;
  for (let i = 0; i < 9; i++) {
    flip = !flip;
    const t = performance.now();
    await editor.analyze(flip ? edited : big);
    bestEdit = Math.min(bestEdit, performance.now() - t);
  }
  console.log('scratch', best.toFixed(1), 'edit', bestEdit.toFixed(1));
  if (process.env.PROFILE) {
    const { Session } = await import('node:inspector/promises');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    for (let i = 0; i < 40; i++) {
      flip = !flip;
      await editor.analyze(flip ? edited : big);
    }
    const { profile } = await session.post('Profiler.stop');
    (await import('node:fs')).writeFileSync('/tmp/prof.cpuprofile', JSON.stringify(profile));
  }
});
