import { ensureToolchain } from '../../scripts/vscode-server.mjs';
import { resetMetrics } from './harness/metrics';

/** Installs (or reuses) the e2e toolchain once before any e2e file runs. */
export default function setup(): void {
  resetMetrics();
  ensureToolchain((line) => console.log(`[e2e] ${line}`));
}
