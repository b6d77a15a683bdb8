export { launchChromium, CHROMIUM_ARGS } from './browser';
export { recordMetric } from './metrics';
export { ARTIFACTS_DIR, CACHE_DIR, REPO_ROOT } from './paths';
export { freePort, spawnManaged, type ManagedProcess } from './processes';
export { runExtensionHostTests, startCodeServer, type CodeServer, type ExtensionHostRun } from './server';
export { ensureToolchain, QUIET_SETTINGS, type Toolchain } from '../../../scripts/vscode-server.mjs';
export { Workbench, type Problem } from './workbench';
export { copyExamplesWorkspace } from './workspace';
