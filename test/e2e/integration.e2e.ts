import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyExamplesWorkspace, ensureToolchain, recordMetric, REPO_ROOT, runExtensionHostTests } from './harness';

describe('integration suite in a real VS Code extension host', () => {
  it('passes every test of test/integration/suite', async () => {
    const run = await runExtensionHostTests({
      toolchain: ensureToolchain(),
      extensionPath: REPO_ROOT,
      testsPath: join(REPO_ROOT, 'dist', 'test', 'integration', 'index.js'),
      workspace: copyExamplesWorkspace(),
    });
    const report = run.log.join('\n');
    console.log(report);
    for (const [, name, value] of report.matchAll(/^METRIC (\S+) ([\d.]+)$/gm)) recordMetric(`extensionHost.${name}`, Number(value));
    recordMetric('extensionHost.wallMs', run.wallMs);

    expect(run.exitCode, report).toBe(0);
    expect(report).toMatch(/\b[1-9]\d* passing\b/);
    expect(report).not.toMatch(/\bfailing\b/);
  });
});
