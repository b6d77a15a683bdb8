// `npm run test:e2e`: packages the VSIX, builds the extension with its integration suite, then runs
// the e2e tests (extension host + UI in code-server and Chromium) and prints the wall time.
import { execSync } from 'node:child_process';

const started = Date.now();
const run = (command) => execSync(command, { stdio: 'inherit' });
try {
  run('npm run package --silent');
  run('node scripts/build.mjs --tests');
  run('npx vitest run --config vitest.e2e.config.mts');
} catch {
  process.exitCode = 1;
} finally {
  console.log(`e2e wall time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
