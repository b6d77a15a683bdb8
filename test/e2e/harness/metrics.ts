import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS_DIR } from './paths';

const FILE = join(ARTIFACTS_DIR, 'metrics.json');

/** Records a measurement of this e2e run in `test/e2e/artifacts/metrics.json`. */
export function recordMetric(name: string, value: number | string): void {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const metrics: Record<string, number | string> = existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) : {};
  metrics[name] = value;
  writeFileSync(FILE, `${JSON.stringify(metrics, null, 2)}\n`);
}

export function resetMetrics(): void {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  writeFileSync(FILE, '{}\n');
}
