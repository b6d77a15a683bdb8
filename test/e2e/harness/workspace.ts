import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

/** A throw-away copy of `examples/`, so whatever VS Code writes into a workspace stays out of the repository. */
export function copyExamplesWorkspace(): string {
  const folder = join(mkdtempSync(join(tmpdir(), 'losslens-ws-')), 'examples');
  cpSync(join(REPO_ROOT, 'examples'), folder, { recursive: true });
  return folder;
}
