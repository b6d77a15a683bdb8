/**
 * `npm run bench`, scaling part: time and peak memory of analysing inputs of 1,000 to 100,000
 * units of each kind, each size in a process of its own so its peak memory is its own. The kinds
 * are those whose cost once grew faster than the input: lines of loss-dense code (training
 * scripts one after another), of comment-heavy code (a loss call among every twenty comment
 * lines) and of loss calls one after another in one scope; one statement summing that many
 * losses; and a single loss argument made of that many nested calls (`F.softmax(F.softmax(...))`,
 * inline or bound to a name first), chained method calls (`x.softmax(1).softmax(1)...`),
 * parentheses (`((((x))))`, also around an assignment's target) or unary minuses (`- - - x`).
 * Growth must be linear: per unit, the largest size costs at most twice the smallest, in time and
 * in memory above what an empty analysis takes. An analysis must not throw: code nested too
 * deeply to follow is unknown, or skipped with the reason.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { AnalysisHost } from '../src/analysis/host';
import { SourceFile } from '../src/analysis/python/source-file';
import { trainingScript } from './corpus-generator';

const SIZES = [1000, 10_000, 30_000, 100_000] as const;
const KINDS = [
  'loss-dense',
  'comment-heavy',
  'loss-lines',
  'loss-sum',
  'nested-softmax',
  'nested-sigmoid-bound',
  'method-chain',
  'parentheses',
  'target-parentheses',
  'unary-minus',
] as const;
type Kind = (typeof KINDS)[number];

/**
 * The least memory above an empty analysis that growth is measured from: one process's peak
 * differs from the next one's by several megabytes whatever it analyses (when the collector
 * runs), so a size taking less (1,000 parentheses) is taken as this much.
 */
const MEMORY_NOISE = 16 * 1048576;

/** What a unit of each kind is, for the table. */
const UNIT: Record<Kind, string> = {
  'loss-dense': 'lines',
  'comment-heavy': 'lines',
  'loss-lines': 'lines',
  'loss-sum': 'losses',
  'nested-softmax': 'calls',
  'nested-sigmoid-bound': 'calls',
  'method-chain': 'calls',
  parentheses: 'parens',
  'target-parentheses': 'parens',
  'unary-minus': 'minuses',
};

/** The imports and modules every one-argument kind's loss call uses. */
const PRELUDE =
  'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\nhead = nn.Linear(16, 10)\nbinary = nn.Linear(16, 1)\nx = torch.randn(4, 16)\ny = torch.randint(0, 10, (4,))\n';

/** `units` units of the kind: lines, nested calls, parentheses or minuses. */
function source(kind: Kind, units: number): string {
  switch (kind) {
    case 'loss-dense': {
      const parts: string[] = [];
      let count = 0;
      for (let index = 0; count < units; index++) {
        const script = trainingScript(20_000 + index);
        parts.push(script);
        count += script.split('\n').length;
      }
      return parts.join('\n').split('\n').slice(0, units).join('\n');
    }
    case 'comment-heavy': {
      const parts = ['import torch\nimport torch.nn as nn\nhead = nn.Linear(16, 1)\ncriterion = nn.BCELoss()\n'];
      let count = 0;
      for (let block = 0; count < units; block++) {
        const comments = Array.from({ length: 20 }, (_, i) => `    # step ${block}.${i}: why this loss is scaled the way it is`).join('\n');
        parts.push(`def step${block}(x, y):\n${comments}\n    return criterion(head(x), y)\n`);
        count += 23;
      }
      return parts.join('\n').split('\n').slice(0, units).join('\n');
    }
    case 'loss-lines': {
      // Every line a loss, half of them a finding (sigmoid before BCEWithLogitsLoss), in one scope.
      const lines = [PRELUDE + 'criterion = nn.BCEWithLogitsLoss()\nbce = nn.BCELoss()'];
      for (let i = 0; lines.length < units; i++) {
        lines.push(i % 2 === 0 ? `loss${i} = criterion(torch.sigmoid(binary(x${i % 50})), y)` : `loss${i} = bce(torch.sigmoid(binary(x)), y)`);
      }
      return lines.slice(0, units).join('\n');
    }
    case 'loss-sum':
      // One statement of that many losses, each a finding (softmax before CrossEntropyLoss): the
      // sum nests them all, the first one deepest.
      return `${PRELUDE}criterion = nn.CrossEntropyLoss()\nloss = ${Array.from({ length: units }, () => 'criterion(F.softmax(head(x), dim=1), y)').join(' + ')}\n`;
    case 'nested-softmax':
      return `${PRELUDE}criterion = nn.CrossEntropyLoss()\nloss = criterion(${'F.softmax('.repeat(units)}head(x)${', dim=1)'.repeat(units)}, y)\n`;
    case 'nested-sigmoid-bound':
      return `${PRELUDE}criterion = nn.BCEWithLogitsLoss()\np = ${'torch.sigmoid('.repeat(units)}binary(x)${')'.repeat(units)}\nloss = criterion(p, y)\n`;
    case 'method-chain':
      return `${PRELUDE}criterion = nn.CrossEntropyLoss()\nloss = criterion(head(x)${'.softmax(1)'.repeat(units)}, y)\n`;
    case 'parentheses':
      return `${PRELUDE}criterion = nn.CrossEntropyLoss()\nloss = criterion(${'('.repeat(units)}F.softmax(head(x), dim=1)${')'.repeat(units)}, y)\n`;
    case 'target-parentheses':
      // A target pattern nested that deep: `((p),) = ...` would be a tuple, `((p))` reads as one too.
      return `${PRELUDE}criterion = nn.CrossEntropyLoss()\n${'('.repeat(units)}p${')'.repeat(units)} = F.softmax(head(x), dim=1)\nloss = criterion(p, y)\n`;
    case 'unary-minus':
      return `${PRELUDE}criterion = nn.CrossEntropyLoss()\nloss = criterion(${'- '.repeat(units)}head(x), y)\n`;
  }
}

/**
 * In a child process: analyse `units` units of `kind` (0: an empty analysis) and print time, peak
 * memory and findings, or the error the analysis threw (which it must not: deep code is unknown,
 * or skipped with a note, never an exception).
 */
export async function measureScaling(kind: Kind, units: number): Promise<void> {
  const host = new AnalysisHost();
  const warm = new SourceFile(host);
  await warm.analyze(source(kind, 200));
  warm.dispose();
  const text = units > 0 ? source(kind, units) : '';
  let best = Infinity;
  let findings = 0;
  let skipped: string | undefined;
  for (let run = 0; run < 3; run++) {
    const file = new SourceFile(host);
    const started = performance.now();
    try {
      const result = await file.analyze(text, { maxFileBytes: Infinity });
      findings = result.findings.length;
      skipped = result.skipped;
    } catch (error) {
      process.stdout.write(JSON.stringify({ ms: NaN, peakBytes: peakMemory(), findings: 0, error: String(error) }));
      return;
    }
    best = Math.min(best, performance.now() - started);
    file.dispose();
  }
  process.stdout.write(JSON.stringify({ ms: best, peakBytes: peakMemory(), findings, ...(skipped ? { skipped } : {}) }));
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
  readonly skipped?: string;
  readonly error?: string;
}

function measure(kind: Kind, units: number): Measure {
  const output = execFileSync(process.execPath, [__filename, '--scaling', kind, String(units)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output) as Measure;
}

/** The scaling of each kind (those named in `only`, when given); false when one grows faster than linearly or throws. */
export function runScalingBench(only?: readonly string[]): boolean {
  let linear = true;
  for (const kind of KINDS.filter((name) => !only || only.includes(name))) {
    const unit = UNIT[kind];
    const empty = measure(kind, 0);
    const rows = SIZES.map((units) => ({ units, ...measure(kind, units) }));
    // The largest size's cost per unit over the smallest's: above 1 is growth faster than the input.
    const growth = (cost: (row: (typeof rows)[number]) => number) => cost(rows.at(-1)!) / rows.at(-1)!.units / (cost(rows[0]!) / rows[0]!.units);
    const timeRatio = growth((row) => row.ms);
    const memoryRatio = growth((row) => Math.max(MEMORY_NOISE, row.peakBytes - empty.peakBytes));
    console.log(
      `Scaling, ${kind} code (best of 3, each size in its own process; memory above an empty analysis's ${(empty.peakBytes / 1048576).toFixed(0)} MB):`,
    );
    for (const row of rows) {
      const above = row.peakBytes - empty.peakBytes;
      const outcome = row.error ? `threw ${row.error}` : row.skipped ? `skipped: ${row.skipped}` : `${row.findings} findings`;
      console.log(
        `  ${row.units.toLocaleString('en-US').padStart(7)} ${unit.padEnd(7)} ${row.ms.toFixed(1).padStart(8)} ms ${((above / 1048576).toFixed(1) + ' MB').padStart(9)}  (${outcome}; ${((row.ms * 1000) / row.units).toFixed(1)} µs and ${(above / row.units / 1024).toFixed(2)} KB a unit)`,
      );
    }
    const threw = rows.some((row) => row.error !== undefined);
    console.log(
      `  per unit, ${SIZES.at(-1)!.toLocaleString('en-US')} ${unit} over ${SIZES[0].toLocaleString('en-US')}: time ${timeRatio.toFixed(2)}x, memory ${memoryRatio.toFixed(2)}x [target ≤ 2x each${threw ? '; an analysis threw' : ''}]`,
    );
    linear &&= timeRatio <= 2 && memoryRatio <= 2 && !threw;
  }
  return linear;
}
