/**
 * `npm run bench`, every loss of the registry that PyTorch has, timed against PyTorch (float64,
 * one thread) on the same data of a few million elements, best of 5 each after one untimed call
 * (both sides); the values must agree
 * to 1e-9 relative. Keras', TensorFlow.js's and optax's losses have no PyTorch function and are not timed here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../src/losses/evaluate';
import { LOSSES } from '../src/losses/registry';
import { simdUses } from '../src/losses/simd';
import { TENSOR_MEMORY } from '../src/tensor/storage';
import { Tensor } from '../src/tensor/tensor';

const RUNS = 5;

/** A deterministic uniform [0, 1) stream (xorshift), so every run measures the same data. */
function uniforms(count: number, seed: number): Float64Array {
  let state = seed >>> 0 || 1;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = ((state >>> 0) + 0.5) / 4294967296;
  }
  return out;
}

const scores = (count: number, seed: number) => uniforms(count, seed).map((u) => 6 * u - 3);
// Tensors are made as the tensor parser makes them: their values in the tensor memory
// (`tensor/storage.ts`), where the SIMD kernels read them. PyTorch's are made by `torch.from_numpy`.
const floats = (data: Float64Array, shape: number[]) => new Tensor(TENSOR_MEMORY.copyOf(data), shape);
const ints = (data: Float64Array, shape: number[]) => new Tensor(TENSOR_MEMORY.copyOf(data), shape, 'int');

interface Workload {
  readonly loss: string;
  readonly shapeText: string;
  readonly tensors: Readonly<Record<string, Tensor>>;
  readonly kwargs?: Readonly<Record<string, number | string>>;
}

/** Each loss on inputs of about two million elements, laid out as the loss is used. */
function workloads(): Workload[] {
  const size = 2_000_000;
  const [rows, classes] = [20_000, 100];
  const flat = (seed: number) => floats(scores(size, seed), [size]);
  const probabilities = (seed: number) =>
    floats(
      uniforms(size, seed).map((u) => 0.001 + 0.998 * u),
      [size],
    );
  const bits = (seed: number) =>
    floats(
      uniforms(size, seed).map((u) => (u < 0.4 ? 1 : 0)),
      [size],
    );
  const signs = (seed: number) =>
    floats(
      uniforms(size, seed).map((u) => (u < 0.5 ? 1 : -1)),
      [size],
    );
  const matrix = (seed: number) => floats(scores(rows * classes, seed), [rows, classes]);
  const labels = ints(
    uniforms(rows, 9).map((u) => Math.floor(u * classes)),
    [rows],
  );
  const logSoftmaxRows = (() => {
    const x = scores(rows * classes, 3);
    for (let r = 0; r < rows; r++) {
      let total = 0;
      for (let c = 0; c < classes; c++) total += Math.exp(x[r * classes + c]!);
      const log = Math.log(total);
      for (let c = 0; c < classes; c++) x[r * classes + c]! -= log;
    }
    return floats(x, [rows, classes]);
  })();
  // Multi-label margin targets: three class indices per row, then -1.
  const multiLabel = new Float64Array(rows * classes).fill(-1);
  for (let r = 0; r < rows; r++) for (let k = 0; k < 3; k++) multiLabel[r * classes + k] = (r * 7 + k * 31) % classes;
  // CTC: 32 sequences of 200 steps over 40 symbols, targets of 40 labels.
  const [steps, batch, symbols, targetLength] = [200, 32, 40, 40];
  const ctcLogits = scores(steps * batch * symbols, 11);
  for (let i = 0; i < steps * batch; i++) {
    let total = 0;
    for (let c = 0; c < symbols; c++) total += Math.exp(ctcLogits[i * symbols + c]!);
    const log = Math.log(total);
    for (let c = 0; c < symbols; c++) ctcLogits[i * symbols + c]! -= log;
  }
  const all: Workload[] = [
    { loss: 'cross_entropy', shapeText: '(20000, 100), class indices', tensors: { input: matrix(1), target: labels } },
    { loss: 'nll_loss', shapeText: '(20000, 100), class indices', tensors: { input: logSoftmaxRows, target: labels } },
    { loss: 'binary_cross_entropy', shapeText: '(2000000,)', tensors: { input: probabilities(1), target: bits(2) } },
    { loss: 'binary_cross_entropy_with_logits', shapeText: '(2000000,)', tensors: { input: flat(1), target: bits(2) } },
    { loss: 'mse_loss', shapeText: '(2000000,)', tensors: { input: flat(1), target: flat(2) } },
    { loss: 'l1_loss', shapeText: '(2000000,)', tensors: { input: flat(1), target: flat(2) } },
    { loss: 'smooth_l1_loss', shapeText: '(2000000,)', tensors: { input: flat(1), target: flat(2) } },
    { loss: 'huber_loss', shapeText: '(2000000,)', tensors: { input: flat(1), target: flat(2) } },
    {
      loss: 'kl_div',
      shapeText: '(20000, 100), batchmean',
      tensors: { input: logSoftmaxRows, target: floats(uniforms(rows * classes, 4), [rows, classes]) },
      kwargs: { reduction: 'batchmean' },
    },
    {
      loss: 'poisson_nll_loss',
      shapeText: '(2000000,)',
      tensors: {
        input: flat(1),
        target: floats(
          uniforms(size, 2).map((u) => Math.floor(u * 5)),
          [size],
        ),
      },
    },
    { loss: 'gaussian_nll_loss', shapeText: '(2000000,)', tensors: { input: flat(1), target: flat(2), var: probabilities(3) } },
    { loss: 'hinge_embedding_loss', shapeText: '(2000000,)', tensors: { input: flat(1), target: signs(2) } },
    { loss: 'soft_margin_loss', shapeText: '(2000000,)', tensors: { input: flat(1), target: signs(2) } },
    {
      loss: 'multilabel_soft_margin_loss',
      shapeText: '(20000, 100)',
      tensors: {
        input: matrix(1),
        target: floats(
          uniforms(rows * classes, 2).map((u) => (u < 0.1 ? 1 : 0)),
          [rows, classes],
        ),
      },
    },
    { loss: 'multi_margin_loss', shapeText: '(20000, 100)', tensors: { input: matrix(1), target: labels } },
    { loss: 'multilabel_margin_loss', shapeText: '(20000, 100), 3 labels a row', tensors: { input: matrix(1), target: ints(multiLabel, [rows, classes]) } },
    { loss: 'margin_ranking_loss', shapeText: '(2000000,)', tensors: { input1: flat(1), input2: flat(2), target: signs(3) } },
    {
      loss: 'cosine_embedding_loss',
      shapeText: '(20000, 100)',
      tensors: { input1: matrix(1), input2: matrix(2), target: floats(signs(3).data.subarray(0, rows), [rows]) },
    },
    { loss: 'triplet_margin_loss', shapeText: '(20000, 100)', tensors: { anchor: matrix(1), positive: matrix(2), negative: matrix(3) } },
    {
      loss: 'ctc_loss',
      shapeText: '(200, 32, 40), targets (32, 40)',
      tensors: {
        log_probs: floats(ctcLogits, [steps, batch, symbols]),
        targets: ints(
          uniforms(batch * targetLength, 12).map((u) => 1 + Math.floor(u * (symbols - 1))),
          [batch, targetLength],
        ),
        input_lengths: ints(new Float64Array(batch).fill(steps), [batch]),
        target_lengths: ints(new Float64Array(batch).fill(targetLength), [batch]),
      },
    },
    { loss: 'sigmoid_focal_loss', shapeText: '(2000000,), mean', tensors: { inputs: flat(1), targets: bits(2) }, kwargs: { reduction: 'mean' } },
  ];
  const timed = new Set(all.map((workload) => workload.loss));
  const missing = LOSSES.filter((loss) => loss.framework !== 'keras' && loss.framework !== 'tfjs' && loss.framework !== 'optax' && !timed.has(loss.name)).map(
    (loss) => loss.name,
  );
  if (missing.length > 0) throw new Error(`bench: no workload for ${missing.join(', ')}`);
  return all;
}

const PYTORCH_SCRIPT = `
import json, sys, time
import numpy as np, torch, torch.nn.functional as F
torch.set_num_threads(1)
try:
    from torchvision.ops import sigmoid_focal_loss
except ImportError:
    sigmoid_focal_loss = None
out = []
for spec in json.loads(sys.argv[1]):
    tensors = {}
    for name, t in spec["tensors"].items():
        value = torch.from_numpy(np.fromfile(t["file"], dtype=np.float64).reshape(t["shape"]))
        tensors[name] = value.long() if t["dtype"] == "int" else value
    fn = sigmoid_focal_loss if spec["loss"] == "sigmoid_focal_loss" else getattr(F, spec["loss"])
    if fn is None:
        out.append(None)
        continue
    call = lambda: fn(**tensors, **spec["kwargs"])
    call()
    best = float("inf")
    for _ in range(${RUNS}):
        start = time.perf_counter()
        value = call().item()
        best = min(best, time.perf_counter() - start)
    out.append({"ms": best * 1000, "value": value})
print(json.dumps({"torch": torch.__version__, "results": out}))
`;

function timePytorch(list: readonly Workload[]): { version: string; results: Array<{ ms: number; value: number } | null> } | undefined {
  const python = ['/usr/bin/python3', 'python3'].find((candidate) => spawnSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0);
  if (!python) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'losslens-every-loss-'));
  try {
    const specs = list.map((workload, i) => ({
      loss: workload.loss,
      kwargs: workload.kwargs ?? {},
      tensors: Object.fromEntries(
        Object.entries(workload.tensors).map(([name, tensor]) => {
          const file = join(dir, `${i}-${name}.bin`);
          writeFileSync(file, tensor.data);
          return [name, { file, shape: tensor.shape, dtype: tensor.dtype }];
        }),
      ),
    }));
    const output = execFileSync(python, ['-c', PYTORCH_SCRIPT, JSON.stringify(specs)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const parsed = JSON.parse(output) as { torch: string; results: Array<{ ms: number; value: number } | null> };
    return { version: parsed.torch, results: parsed.results };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function timeLossLens(workload: Workload): { ms: number; value: number; simd: boolean } {
  const uses = simdUses();
  let fastest = Infinity;
  let value = NaN;
  // One call before the timed ones, as the PyTorch script makes.
  evaluate({ loss: workload.loss, args: workload.tensors, kwargs: workload.kwargs ?? {} });
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    value = evaluate({ loss: workload.loss, args: workload.tensors, kwargs: workload.kwargs ?? {} }).value.item();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return { ms: fastest, value, simd: simdUses() > uses };
}

/** Milliseconds with two significant decimals below 1 (nll_loss's gather is a tenth of one). */
const ms = (value: number) => value.toFixed(value < 1 ? 2 : 1).padStart(7);

/**
 * Prints each loss's time against PyTorch's. The target is at or below PyTorch's time; a loss
 * above it is listed (the values must agree, or the run fails).
 */
export function runEveryLossBench(): boolean {
  const list = workloads();
  const torch = timePytorch(list);
  if (!torch) {
    console.log('Every loss against PyTorch: PyTorch is not installed (apt-get install python3-torch); not timed');
    return true;
  }
  console.log(`Every loss against PyTorch ${torch.version} (float64, 1 thread, best of ${RUNS}) [target ≤ 1x PyTorch's time]`);
  let agree = true;
  const slower: string[] = [];
  for (const [index, workload] of list.entries()) {
    const ours = timeLossLens(workload);
    const theirs = torch.results[index];
    if (!theirs) {
      console.log(`  ${workload.loss.padEnd(34)} ${ms(ours.ms)} ms; PyTorch has no such function here (torchvision missing)`);
      continue;
    }
    const ratio = ours.ms / theirs.ms;
    const same = Math.abs(ours.value - theirs.value) <= 1e-9 * Math.max(1, Math.abs(theirs.value));
    agree &&= same;
    if (ratio > 1) slower.push(workload.loss);
    console.log(
      `  ${workload.loss.padEnd(34)} ${workload.shapeText.padEnd(32)} LossLens ${ms(ours.ms)} ms${ours.simd ? ' (SIMD)' : '       '}, PyTorch ${ms(theirs.ms)} ms: ${ratio.toFixed(2)}x${same ? '' : `  VALUES DIFFER: ${ours.value} vs ${theirs.value}`}`,
    );
  }
  console.log(`  ${list.length - slower.length} of ${list.length} at or below PyTorch's time${slower.length ? `; above it: ${slower.join(', ')}` : ''}`);
  return agree;
}
