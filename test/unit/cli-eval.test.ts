import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { answerJsonl, runEval } from '../../src/cli/eval';
import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { LOSSES } from '../../src/losses/registry';

const ROOT = join(__dirname, '..', '..');

async function run(argv: string[], stdinLines: string[] = []) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { cwd: process.cwd(), stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) };
  const code =
    argv[0] === 'eval' && stdinLines.length > 0 ? await runEval(argv.slice(1), io, Readable.from(stdinLines.map((line) => `${line}\n`))) : await main(argv, io);
  return { code, stdout, stderr };
}

describe('losslens eval', () => {
  it('prints the value like PyTorch prints it (the issue example)', async () => {
    expect(await run(['eval', '--loss', 'binary_cross_entropy', '--input', '[[0.6,0.1],[0.3,0.8]]', '--target', '[[0,1],[1,0]]'])).toEqual({
      code: 0,
      stdout: 'tensor(1.5081)\n',
      stderr: '',
    });
  });

  it.each([
    ['JSON', '[[0.6,0.1],[0.3,0.8]]'],
    ['a Python list with a trailing comma', '[[0.6, 0.1], [0.3, 0.8],]'],
    ['torch.tensor(...)', 'torch.tensor([[0.6, 0.1], [0.3, 0.8]], dtype=torch.float64)'],
    ['PyTorch printout', 'tensor([[0.6000, 0.1000],\n        [0.3000, 0.8000]])'],
    ['NumPy printout', '[[0.6 0.1]\n [0.3 0.8]]'],
    ['a list with a comment', '[[0.6, 0.1],  # first row\n [0.3, 0.8]]'],
  ])('reads the input pasted as %s, to the same value', async (_, input) => {
    expect(await run(['eval', '--loss', 'binary_cross_entropy', '--input', input, '--target', '[[0,1],[1,0]]'])).toEqual({
      code: 0,
      stdout: 'tensor(1.5081)\n',
      stderr: '',
    });
  });

  it('names the line and column of a ragged list', async () => {
    const result = await run(['eval', '--loss', 'mse_loss', '--input', '[[1., 2.],\n [3.]]', '--target', '[[1., 2.], [3., 4.]]']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--input: Ragged list: this list has 1 element, the first one at the same depth has 2 (line 2, column 2)');
  });

  it('takes options by their torch names, with - or _, and --name=value', async () => {
    const base = ['eval', '--loss', 'cross_entropy', '--input', '[[[1,2],[3,5]],[[4,7],[4,6]]]', '--target', '[[0,0],[1,1]]'];
    expect((await run([...base, '--weight', '[1.0, 9.0]'])).stdout).toBe('tensor(1.1617)\n');
    // Both printed by PyTorch 1.13 for the same call.
    expect((await run([...base, '--label-smoothing=0.1', '--reduction', 'sum'])).stdout).toBe('tensor(6.8819)\n');
    expect((await run([...base, '--reduction', 'none'])).stdout).toBe('tensor([[2.1269, 3.0486],\n        [0.6931, 1.3133]])\n');
  });

  it('--json prints {"value","shape"} with non-finite numbers as strings', async () => {
    const result = await run(['eval', '--loss', 'mse_loss', '--input', '[nan, 1., inf]', '--target', '[1., 1., 1.]', '--reduction', 'none', '--json']);
    expect(JSON.parse(result.stdout)).toEqual({ value: ['nan', 0, 'inf'], shape: [3] });
  });

  it('prints PyTorch warnings on stderr and still the value', async () => {
    const result = await run(['eval', '--loss', 'l1_loss', '--input', '[[1.], [2.]]', '--target', '[1., 2.]']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('tensor(0.5000)\n');
    expect(result.stderr).toContain('Warning: Using a target size (torch.Size([2])) that is different to the input size (torch.Size([2, 1]))');
  });

  it('takes any int64 ignore_index and a negative label_smoothing, as PyTorch 1.13 does (values it printed)', async () => {
    const base = ['eval', '--loss', 'cross_entropy', '--input', '[[1.,2.,3.],[0.,1.,0.]]', '--target', '[0,2]'];
    expect(await run([...base, '--ignore_index', '4611686018427387904'])).toEqual({ code: 0, stdout: 'tensor(1.9795)\n', stderr: '' });
    expect(await run([...base, '--label_smoothing', '-0.5'])).toEqual({ code: 0, stdout: 'tensor(1.9795)\n', stderr: '' });
    const overflow = await run([...base, '--ignore_index', '9223372036854775808']);
    expect(overflow.code).toBe(1);
    expect(overflow.stderr).toContain('Overflow when unpacking long');
  });

  it('answers an unknown loss name of 16 MB at once, quoting a short piece of it, and the next request after it', async () => {
    const huge = { id: 1, loss: 'x'.repeat(16_000_000), args: { input: [1], target: [1] } };
    const result = await run(['eval', '--jsonl'], [JSON.stringify(huge), '{"id":2,"loss":"mse_los","args":{"input":[1],"target":[3]}}']);
    const [first, second] = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; error: { code: string; message: string } });
    expect(first).toEqual({
      id: 1,
      error: { code: 'unknown-loss', message: `Unknown loss "${'x'.repeat(100)}…". Run "losslens eval --list" for the losses LossLens knows.` },
    });
    expect(second!.error.message).toBe('Unknown loss "mse_los". Did you mean "mse_loss"?');
  });

  it('--jsonl with a folder as standard input is a usage error, not an empty answer', async () => {
    const cli = join(ROOT, 'node_modules', '.cache', 'losslens-eval-test', 'cli.js');
    const { bundleCli } = (await import('../../scripts/bundles.mjs')) as { bundleCli: (outdir: string) => Promise<void> };
    await bundleCli(dirname(cli));
    const folder = openSync(tmpdir(), 'r');
    try {
      const result = spawnSync(process.execPath, [cli, 'eval', '--jsonl'], { stdio: [folder, 'pipe', 'pipe'], encoding: 'utf8' });
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^losslens eval: --jsonl reads the requests from standard input, which is a folder here/);
    } finally {
      closeSync(folder);
    }
  });

  it('exits 1 with the error PyTorch would raise, in plain words', async () => {
    const result = await run(['eval', '--loss', 'binary_cross_entropy', '--input', '[1.5]', '--target', '[1.]']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('all elements of input should be between 0 and 1 (found 1.5)');
  });

  it.each([
    [['eval', '--input', '[1.]'], 'Name the loss with --loss'],
    [['eval', '--loss', 'cros_entropy', '--input', '[1.]'], 'Did you mean "cross_entropy"?'],
    [['eval', '--loss', 'mse_loss', '--input', '[1., 2.', '--target', '[1.]'], '--input: Unclosed "[": expected "]" (line 1, column 1)'],
    [
      ['eval', '--loss', 'mse_loss', '--input', '[1.]', '--target', '[1.]', '--beta', '2'],
      'mse_loss has no option --beta. It takes --input, --target, --reduction.',
    ],
    [['eval', '--loss', 'kl_div', '--input', '[1.]', '--target', '[1.]', '--log-target', 'maybe'], '--log_target takes true or false, got "maybe".'],
    [['eval', '--loss', 'huber_loss', '--input', '[1.]', '--target', '[1.]', '--delta', 'big'], '--delta takes a number, got "big".'],
    [['eval', 'mse_loss'], 'Unexpected argument "mse_loss": options start with --.'],
  ])('%j is a usage error', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('--list names every loss with its signature', async () => {
    const result = await run(['eval', '--list']);
    expect(result.stdout).toMatch(/^cross_entropy +torch +\(input, target, weight=None, ignore_index=-100, reduction='mean', label_smoothing=0\)$/m);
    expect(result.stdout).toMatch(/^optax\.huber_loss +optax +\(predictions, targets, delta=1\)$/m);
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/ +/)[0]),
    ).toEqual(LOSSES.map((loss) => loss.name));
  });

  it('--steps shows the working', async () => {
    const result = await run(['eval', '--loss', 'cross_entropy', '--input', '[[3., 1., -3.]]', '--target', '[0]', '--steps']);
    expect(result.stdout).toContain('# softmax: the probabilities the model assigns\ntensor([[0.8789, 0.1189, 0.0022]])');
    expect(result.stdout.endsWith('tensor(0.1291)\n')).toBe(true);
  });
});

describe('losslens eval --jsonl (the contract in docs/ARCHITECTURE.md)', () => {
  it('answers each line in order with the same id; a bad line gets an error and the stream goes on', async () => {
    const lines = [
      '{"id":1,"loss":"nll_loss","args":{"input":[[2,3,1],[3,7,9]],"target":[1,2]},"dtypes":{"target":"int64"}}',
      'not json',
      '',
      '{"id":"b","loss":"cross_entropy","args":{"input":[[1,2]],"target":[7]}}',
      '{"id":3,"loss":"mse_loss","args":{"input":["nan",1,"inf"],"target":[1,1,1]},"kwargs":{"reduction":"none"}}',
      '{"id":4,"loss":"margin_ranking_loss","args":{"input1":[1,2],"input2":[2,1],"target":[1,1]},"kwargs":{"margin":0.5}}',
    ];
    const result = await run(['eval', '--jsonl'], lines);
    expect(result.code).toBe(0);
    const answers = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(answers).toEqual([
      { id: 1, value: -6, shape: [] },
      { id: null, error: { code: 'parse-error', message: expect.stringContaining('The line is not valid JSON') } },
      { id: 'b', error: { code: 'out-of-range', message: expect.stringContaining('Target 7 is out of bounds') } },
      { id: 3, value: ['nan', 0, 'inf'], shape: [3] },
      { id: 4, value: 0.75, shape: [] },
    ]);
    for (const answer of answers) expect(Object.keys(answer).sort()).toEqual('error' in answer ? ['error', 'id'] : ['id', 'shape', 'value']);
  });

  it('takes the torch parameter names of every signature', () => {
    expect(answerJsonl('{"id":1,"loss":"triplet_margin_loss","args":{"anchor":[[0,0]],"positive":[[0,1]],"negative":[[3,4]]}}')).toMatchObject({
      id: 1,
      shape: [],
    });
    expect(
      answerJsonl('{"id":2,"loss":"ctc_loss","args":{"log_probs":[[[-0.5,-1]],[[-0.5,-1]]],"targets":[[1]],"input_lengths":[2],"target_lengths":[1]}}'),
    ).toMatchObject({ id: 2, shape: [] });
    expect(answerJsonl('{"id":3,"loss":"gaussian_nll_loss","args":{"input":[1,2],"target":[1,3],"var":[1,1]}}')).toMatchObject({ id: 3, shape: [] });
  });

  it.each([
    ['[1,2]', 'invalid-argument', 'Each line must be a JSON object'],
    ['{"id":5,"loss":7,"args":{}}', 'invalid-argument', '"loss" must be the name of a loss'],
    ['{"id":6,"loss":"mse_loss","args":{"input":[[1],[2,3]],"target":[1]}}', 'parse-error', '"input": Ragged list'],
    ['{"id":7,"loss":"mse_loss","args":{"input":[1],"target":[1]},"dtypes":{"input":"complex64"}}', 'invalid-argument', 'Unknown dtype "complex64"'],
    ['{"id":8,"loss":"nope","args":{}}', 'unknown-loss', 'Unknown loss "nope"'],
    ['{"id":9,"loss":"mse_loss","args":{"input":[1]}}', 'missing-argument', "missing required argument: 'target'"],
  ])('%s answers with error code %s', (line, code, message) => {
    const answer = answerJsonl(line) as { error: { code: string; message: string } };
    expect(answer.error.code).toBe(code);
    expect(answer.error.message).toContain(message);
  });
});
