export { launchChromium } from './browser';
export { recordMetric } from './metrics';
export { REPO_ROOT } from './paths';
export { runExtensionHostTests, startCodeServer, type CodeServer } from './server';
export { ensureToolchain } from '../../../scripts/vscode-server.mjs';
export { Workbench } from './workbench';
export { copyExamplesWorkspace } from './workspace';
