// Runs the integration suite in a downloaded desktop VS Code with @vscode/test-electron.
// Needs network access to download VS Code; in CI the same suite runs in the VS Code server
// (`npm run test:e2e`). Build first: `node scripts/build.mjs --tests`.
import { resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = resolve(import.meta.dirname, '..', '..');
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: resolve(root, 'dist', 'test', 'integration', 'index.js'),
    launchArgs: [resolve(root, 'examples'), '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error('Integration tests failed:', error);
  process.exit(1);
}
