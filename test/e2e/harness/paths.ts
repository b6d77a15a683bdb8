import { join } from 'node:path';
import { REPO_ROOT } from '../../../scripts/vscode-server.mjs';

export { REPO_ROOT };
/** Screenshots and measurements of the last e2e run; ignored by git. */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test', 'e2e', 'artifacts');
