/**
 * `npm run bench`, evaluator part: LossLens against @tensorflow/tfjs-core's CPU backend and against
 * PyTorch (float64, one thread) on the same data, timed in-process, best of 5; and the peak memory
 * LossLens adds on top of its inputs, measured in a child process.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { evaluate } from '../src/losses/evaluate';
import { Tensor } from '../src/tensor/tensor';

const RUNS = 5;

/** A deterministic normal(0, 1) stream (xorshift + Box–Muller), so every run measures the same data. */
function normals(count: number, seed: number): Float64Array {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const theta = 2 * Math.PI * uniform();
    out[i] = r * Math.cos(theta);
    if (i + 1 < count) out[i + 1] = r * Math.sin(theta);
  }
  return out;
}

interface Workload {
  readonly name: string;
  readonly loss: string;
  readonly input: Tensor;
  readonly target: Tensor;
  readonly inputBytes: number;
}

function workloads(): Workload[] {
  const rows = 100_000;
  const classes = 100;
  const logits = normals(rows * classes, 1);
  const labels = new Float64Array(rows);
  for (let i = 0; i < rows; i++) labels[i] = (i * 7919) % classes;
  const count = 10_000_000;
  const scores = normals(count, 2);
  const targets = new Float64Array(count);
  for (let i = 0; i < count; i++) targets[i] = (i * 2654435761) % 5 < 2 ? 1 : 0;
  return [
    {
      name: 'cross_entropy (100000, 100), class indices',
      loss: 'cross_entropy',
      input: new Tensor(logits, [rows, classes]),
      target: new Tensor(labels, [rows], 'int'),
      inputBytes: logits.byteLength + labels.byteLength,
    },
    {
      name: 'binary_cross_entropy_with_logits, 10M',
      loss: 'binary_cross_entropy_with_logits',
      input: new Tensor(scores, [count]),
      target: new Tensor(targets, [count]),
      inputBytes: scores.byteLength + targets.byteLength,
    },
  ];
}

function best(run: () => unknown): { ms: number; value: unknown } {
  let fastest = Infinity;
  let value: unknown;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    value = run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return { ms: fastest, value };
}

function timeLossLens(workload: Workload): { ms: number; value: number } {
  const { ms, value } = best(() => evaluate({ loss: workload.loss, args: { input: workload.input, target: workload.target } }).value.item());
  return { ms, value: value as number };
}

function timeTfjs(workload: Workload): { ms: number; value: number } {
  const input = tf.tensor(Float32Array.from(workload.input.data), [...workload.input.shape]);
  let target: tf.Tensor;
  if (workload.loss === 'cross_entropy') {
    // tf.losses.softmaxCrossEntropy takes one-hot labels.
    target = tf.oneHot(tf.tensor1d(Int32Array.from(workload.target.data), 'int32'), workload.input.shape[1]!);
  } else {
    target = tf.tensor(Float32Array.from(workload.target.data), [...workload.target.shape]);
  }
  const run = () =>
    tf
      .tidy(() => (workload.loss === 'cross_entropy' ? tf.losses.softmaxCrossEntropy(target, input) : tf.losses.sigmoidCrossEntropy(target, input)))
      .dataSync()[0]!;
  run();
  const result = best(run);
  input.dispose();
  target.dispose();
  return { ms: result.ms, value: result.value as number };
}

const PYTORCH_SCRIPT = `
import json, sys, time
import numpy as np, torch, torch.nn.functional as F
torch.set_num_threads(1)
out = []
for spec in json.loads(sys.argv[1]):
    x = torch.from_numpy(np.fromfile(spec["input"], dtype=np.float64).reshape(spec["inputShape"]))
    y = torch.from_numpy(np.fromfile(spec["target"], dtype=np.float64).reshape(spec["targetShape"]))
    if spec["loss"] == "cross_entropy":
        y = y.long()
        fn = lambda: F.cross_entropy(x, y)
    else:
        fn = lambda: F.binary_cross_entropy_with_logits(x, y)
    fn()
    best = float("inf")
    for _ in range(${RUNS}):
        start = time.perf_counter()
        value = fn().item()
        best = min(best, time.perf_counter() - start)
    out.append({"ms": best * 1000, "value": value})
print(json.dumps({"torch": torch.__version__, "results": out}))
`;

function timePytorch(list: Workload[]): { version: string; results: Array<{ ms: number; value: number }> } | undefined {
  const python = ['/usr/bin/python3', 'python3'].find((candidate) => spawnSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (!python) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'losslens-bench-'));
  const specs = list.map((workload, i) => {
    const input = join(dir, `input-${i}.bin`);
    const target = join(dir, `target-${i}.bin`);
    writeFileSync(input, workload.input.data);
    writeFileSync(target, workload.target.data);
    return { loss: workload.loss, input, target, inputShape: workload.input.shape, targetShape: workload.target.shape };
  });
  const output = execFileSync(python, ['-c', PYTORCH_SCRIPT, JSON.stringify(specs)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const parsed = JSON.parse(output) as { torch: string; results: Array<{ ms: number; value: number }> };
  return { version: parsed.torch, results: parsed.results };
}

/** Run in a child process: the peak RSS the loss adds on top of its inputs. */
export function measureMemory(index: number): void {
  const workload = workloads()[index]!;
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.resourceUsage().maxRSS * 1024;
  const rssBefore = process.memoryUsage().rss;
  evaluate({ loss: workload.loss, args: { input: workload.input, target: workload.target } });
  const after = process.resourceUsage().maxRSS * 1024;
  const extra = Math.max(0, after - Math.max(before, rssBefore));
  process.stdout.write(JSON.stringify({ extra, inputBytes: workload.inputBytes }));
}

function memoryRatio(index: number): number {
  const output = execFileSync(process.execPath, ['--expose-gc', __filename, '--memory', String(index)], { encoding: 'utf8' });
  const { extra, inputBytes } = JSON.parse(output) as { extra: number; inputBytes: number };
  return extra / inputBytes;
}

const fmtMs = (ms: number) => `${ms.toFixed(1)} ms`;

export async function runEvaluatorBench(): Promise<boolean> {
  await tf.setBackend('cpu');
  const list = workloads();
  const torch = timePytorch(list);
  console.log(
    `Evaluator (best of ${RUNS}; LossLens float64; tfjs-core ${tf.version_core} CPU backend float32; ${torch ? `PyTorch ${torch.version} float64, 1 thread` : 'PyTorch not installed'})`,
  );
  let ok = true;
  for (const [index, workload] of list.entries()) {
    const ours = timeLossLens(workload);
    const tfjs = timeTfjs(workload);
    const pytorch = torch?.results[index];
    const vsTfjs = tfjs.ms / ours.ms;
    const vsTorch = pytorch ? ours.ms / pytorch.ms : undefined;
    const memory = memoryRatio(index);
    console.log(`  ${workload.name}`);
    console.log(`    LossLens ${fmtMs(ours.ms)} (value ${ours.value.toFixed(6)})`);
    console.log(`    tfjs-core cpu ${fmtMs(tfjs.ms)} (value ${tfjs.value.toFixed(6)}): LossLens is ${vsTfjs.toFixed(1)}x faster [target ≥ 10x]`);
    if (pytorch && vsTorch !== undefined) {
      console.log(`    PyTorch ${fmtMs(pytorch.ms)} (value ${pytorch.value.toFixed(6)}): LossLens takes ${vsTorch.toFixed(2)}x PyTorch's time [target ≤ 2x]`);
      if (Math.abs(pytorch.value - ours.value) > 1e-9 * Math.abs(pytorch.value)) {
        console.log(`    values differ from PyTorch by more than 1e-9 relative`);
        ok = false;
      }
    }
    console.log(`    peak extra memory: ${memory.toFixed(3)}x the input size [target ≤ 2x]`);
    ok &&= vsTfjs >= 10 && (vsTorch === undefined || vsTorch <= 2) && memory <= 2;
  }
  return ok;
}
