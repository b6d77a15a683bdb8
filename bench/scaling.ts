/**
 * `npm run bench`, scaling part: time and peak memory of analysing 1,000, 10,000 and 100,000
 * lines of loss-dense code (training scripts one after another) and of comment-heavy code (a
 * loss call among every twenty comment lines), each size in a process of its own so its peak
 * memory is its own. Growth must be linear: per line, the largest size costs at most twice the
 * smallest, in time and in memory above what an empty analysis takes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { AnalysisHost } from '../src/analysis/host';
import { SourceFile } from '../src/analysis/python/source-file';
import { trainingScript } from './corpus-generator';

const SIZES = [1000, 10_000, 30_000, 100_000] as const;
const KINDS = ['loss-dense', 'comment-heavy'] as const;
type Kind = (typeof KINDS)[number];

/** `lines` lines of the kind. */
function source(kind: Kind, lines: number): string {
  const parts: string[] = [];
  let count = 0;
  if (kind === 'loss-dense') {
    for (let index = 0; count < lines; index++) {
      const script = trainingScript(20_000 + index);
      parts.push(script);
      count += script.split('\n').length;
    }
  } else {
    parts.push('import torch\nimport torch.nn as nn\nhead = nn.Linear(16, 1)\ncriterion = nn.BCELoss()\n');
    for (let block = 0; count < lines; block++) {
      const comments = Array.from({ length: 20 }, (_, i) => `    # step ${block}.${i}: why this loss is scaled the way it is`).join('\n');
      parts.push(`def step${block}(x, y):\n${comments}\n    return criterion(head(x), y)\n`);
      count += 23;
    }
  }
  return parts.join('\n').split('\n').slice(0, lines).join('\n');
}

/** In a child process: analyse `lines` lines of `kind` (0: an empty analysis) and print time and peak memory. */
export async function measureScaling(kind: Kind, lines: number): Promise<void> {
  const host = new AnalysisHost();
  const warm = new SourceFile(host);
  await warm.analyze(source(kind, 200));
  warm.dispose();
  const text = lines > 0 ? source(kind, lines) : '';
  let best = Infinity;
  let findings = 0;
  for (let run = 0; run < 3; run++) {
    const file = new SourceFile(host);
    const started = performance.now();
    findings = (await file.analyze(text, { maxFileBytes: Infinity })).findings.length;
    best = Math.min(best, performance.now() - started);
    file.dispose();
  }
  process.stdout.write(JSON.stringify({ ms: best, peakBytes: peakMemory(), findings }));
}

/**
 * This process's peak resident memory. Linux's VmHWM belongs to the address space `exec` made;
 * `maxRSS` is carried over from the parent (the bench, with Ruff loaded), so it is the fallback.
 */
function peakMemory(): number {
  try {
    const kilobytes = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kilobytes) return Number(kilobytes) * 1024;
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS * 1024;
}

interface Measure {
  readonly ms: number;
  readonly peakBytes: number;
  readonly findings: number;
}

function measure(kind: Kind, lines: number): Measure {
  const output = execFileSync(process.execPath, [__filename, '--scaling', kind, String(lines)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output) as Measure;
}

export function runScalingBench(): boolean {
  let linear = true;
  for (const kind of KINDS) {
    const empty = measure(kind, 0);
    const rows = SIZES.map((lines) => ({ lines, ...measure(kind, lines) }));
    // The largest size's cost per line over the smallest's: above 1 is growth faster than the input.
    const growth = (cost: (row: (typeof rows)[number]) => number) => cost(rows.at(-1)!) / rows.at(-1)!.lines / (cost(rows[0]!) / rows[0]!.lines);
    const timeRatio = growth((row) => row.ms);
    const memoryRatio = growth((row) => Math.max(1, row.peakBytes - empty.peakBytes));
    console.log(
      `Scaling, ${kind} code (best of 3, each size in its own process; memory above an empty analysis's ${(empty.peakBytes / 1048576).toFixed(0)} MB):`,
    );
    for (const row of rows) {
      console.log(
        `  ${row.lines.toLocaleString('en-US').padStart(7)} lines ${row.ms.toFixed(1).padStart(8)} ms ${(((row.peakBytes - empty.peakBytes) / 1048576).toFixed(1) + ' MB').padStart(9)}  (${row.findings} findings; ${((row.ms * 1000) / row.lines).toFixed(1)} µs and ${((row.peakBytes - empty.peakBytes) / row.lines / 1024).toFixed(2)} KB a line)`,
      );
    }
    console.log(
      `  per line, ${SIZES.at(-1)!.toLocaleString('en-US')} lines over ${SIZES[0].toLocaleString('en-US')}: time ${timeRatio.toFixed(2)}x, memory ${memoryRatio.toFixed(2)}x [target ≤ 2x each]`,
    );
    linear &&= timeRatio <= 2 && memoryRatio <= 2;
  }
  return linear;
}
