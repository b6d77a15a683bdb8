import { createInterface } from 'node:readline';
import * as l10n from '@vscode/l10n';
import { LossError } from '../losses/errors';
import { DEFAULT_MAX_ELEMENTS, evaluate, type Evaluation } from '../losses/evaluate';
import { findLoss, LOSSES } from '../losses/registry';
import type { LossDefinition } from '../losses/types';
import { formatTensor } from '../tensor/format';
import { ParseError, parseTensor, tensorFromJson } from '../tensor/parse';
import type { DType, Tensor } from '../tensor/tensor';
import { EXIT, type CliIO, UsageError } from './io';

export const EVAL_USAGE = `losslens eval --loss NAME --input TENSOR --target TENSOR [--weight TENSOR] [--reduction R] [--OPTION VALUE ...] [--json] [--steps]
       losslens eval --jsonl < requests.jsonl
       losslens eval --list`;

/** Exit code when the loss itself refuses the input (PyTorch would raise). */
const LOSS_REFUSED = 1;

const FLAGS: ReadonlySet<string> = new Set(['json', 'jsonl', 'list', 'steps']);

interface EvalArgs {
  readonly flags: Set<string>;
  readonly values: Map<string, string>;
}

/** `--name value`, `--name=value` and the boolean flags; option names may use - or _. */
function parseEvalArgs(argv: readonly string[]): EvalArgs {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') throw new UsageError(l10n.t('Unexpected argument "{0}": options start with --.', arg));
    const eq = arg.indexOf('=');
    const name = (eq < 0 ? arg.slice(2) : arg.slice(2, eq)).replace(/-/g, '_');
    if (FLAGS.has(name) && eq < 0) {
      flags.add(name);
      continue;
    }
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined) throw new UsageError(l10n.t('The option {0} needs a value.', `--${name}`));
    if (values.has(name)) throw new UsageError(l10n.t('The option {0} is given twice.', `--${name}`));
    values.set(name, value);
  }
  return { flags, values };
}

export async function runEval(argv: readonly string[], io: CliIO, stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const { flags, values } = parseEvalArgs(argv);
  const maxElements = values.has('max_elements') ? Number(values.get('max_elements')) : DEFAULT_MAX_ELEMENTS;
  values.delete('max_elements');
  if (!(maxElements > 0)) throw new UsageError(l10n.t('--max-elements must be a positive number.'));
  if (flags.has('list')) {
    io.stdout(listLosses());
    return EXIT.ok;
  }
  if (flags.has('jsonl')) {
    if (values.size > 0) throw new UsageError(l10n.t('--jsonl reads every request from standard input; give no other options.'));
    await serveJsonl(stdin, io, maxElements);
    return EXIT.ok;
  }
  const name = values.get('loss');
  if (!name) throw new UsageError(l10n.t('Name the loss with --loss (for example --loss cross_entropy); --list shows them all.'));
  values.delete('loss');
  const loss = findLoss(name);
  const { args, kwargs } = loss ? commandLineArguments(loss, values) : { args: {}, kwargs: {} };
  let result: Evaluation;
  try {
    result = evaluate({ loss: name, args, kwargs }, { recordSteps: flags.has('steps'), maxElements });
  } catch (error) {
    if (!(error instanceof LossError)) throw error;
    if (error.code === 'unknown-loss') throw new UsageError(error.message);
    io.stderr(`losslens eval: ${error.message}\n`);
    return LOSS_REFUSED;
  }
  for (const warning of result.warnings) io.stderr(`${l10n.t('Warning:')} ${warning}\n`);
  if (flags.has('json')) {
    const answer: Record<string, unknown> = { value: jsonValue(result.value), shape: result.value.shape };
    if (flags.has('steps'))
      answer.steps = result.steps.map((step) => ({ id: step.id, title: step.title, value: jsonValue(step.tensor), shape: step.tensor.shape }));
    io.stdout(`${JSON.stringify(answer)}\n`);
  } else {
    for (const step of result.steps) io.stdout(`# ${step.title}\n${formatTensor(step.tensor)}\n`);
    io.stdout(`${formatTensor(result.value)}\n`);
  }
  return EXIT.ok;
}

/** Splits `--name value` pairs into tensor arguments (parsed literals) and options. */
function commandLineArguments(loss: LossDefinition, values: Map<string, string>): { args: Record<string, Tensor>; kwargs: Record<string, unknown> } {
  const args: Record<string, Tensor> = {};
  const kwargs: Record<string, unknown> = {};
  const tensorNames = new Map<string, string>();
  for (const parameter of loss.tensors) for (const alias of [parameter.name, ...(parameter.aliases ?? [])]) tensorNames.set(alias, parameter.name);
  for (const [name, raw] of values) {
    const spec = loss.options[name];
    if (tensorNames.has(name) || spec?.kind === 'tensor') {
      const tensor = parseLiteral(raw, name);
      if (tensorNames.has(name)) args[name] = tensor;
      else kwargs[name] = tensor;
    } else if (!spec) {
      const known = [...loss.tensors.map((parameter) => parameter.name), ...Object.keys(loss.options)].map((option) => `--${option}`).join(', ');
      throw new UsageError(l10n.t('{0} has no option --{1}. It takes {2}.', loss.name, name, known));
    } else if (spec.kind === 'boolean') {
      if (!/^(true|false)$/i.test(raw)) throw new UsageError(l10n.t('--{0} takes true or false, got "{1}".', name, raw));
      kwargs[name] = raw.toLowerCase() === 'true';
    } else if (spec.kind === 'number') {
      kwargs[name] = numberArgument(raw, name);
    } else {
      kwargs[name] = raw;
    }
  }
  return { args, kwargs };
}

function parseLiteral(raw: string, name: string): Tensor {
  try {
    return parseTensor(raw);
  } catch (error) {
    if (error instanceof ParseError) throw new UsageError(l10n.t('--{0}: {1}', name, error.message));
    throw error;
  }
}

function numberArgument(raw: string, name: string): number {
  const lower = raw.trim().toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  const value = Number(raw);
  if (raw.trim() === '' || Number.isNaN(value)) throw new UsageError(l10n.t('--{0} takes a number, got "{1}".', name, raw));
  return value;
}

/** A tensor as JSON: a number for 0-d, nested lists otherwise; non-finite numbers as "nan" / "inf" / "-inf". */
function jsonValue(tensor: Tensor): unknown {
  const encode = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(encode);
    const number = value as number;
    if (Number.isNaN(number)) return 'nan';
    if (number === Infinity) return 'inf';
    if (number === -Infinity) return '-inf';
    return tensor.dtype === 'bool' ? number !== 0 : number;
  };
  return encode(tensor.toNested());
}

const JSONL_DTYPES: Record<string, DType> = {
  int64: 'int',
  int32: 'int',
  int16: 'int',
  int8: 'int',
  uint8: 'int',
  long: 'int',
  int: 'int',
  float64: 'float',
  float32: 'float',
  float16: 'float',
  double: 'float',
  float: 'float',
  bfloat16: 'float',
  bool: 'bool',
};

/** One JSONL request's answer: the value, or an error with a stable code. Never throws. */
export function answerJsonl(line: string, maxElements = DEFAULT_MAX_ELEMENTS): Record<string, unknown> {
  let id: unknown = null;
  try {
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch (error) {
      throw new LossError('parse-error', l10n.t('The line is not valid JSON: {0}', (error as Error).message));
    }
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      throw new LossError('invalid-argument', l10n.t('Each line must be a JSON object with "id", "loss" and "args".'));
    }
    const fields = request as Record<string, unknown>;
    id = fields.id ?? null;
    if (typeof fields.loss !== 'string') throw new LossError('invalid-argument', l10n.t('"loss" must be the name of a loss, such as "cross_entropy".'));
    const rawArgs = fields.args;
    if (typeof rawArgs !== 'object' || rawArgs === null || Array.isArray(rawArgs)) {
      throw new LossError('invalid-argument', l10n.t('"args" must be an object of tensors by argument name.'));
    }
    const dtypes = (fields.dtypes ?? {}) as Record<string, unknown>;
    if (typeof dtypes !== 'object' || dtypes === null) throw new LossError('invalid-argument', l10n.t('"dtypes" must be an object.'));
    const dtypeOf = (name: string): DType | undefined => {
      const raw = dtypes[name];
      if (raw === undefined) return undefined;
      const dtype = typeof raw === 'string' ? JSONL_DTYPES[raw.replace(/^torch\./, '')] : undefined;
      if (!dtype) throw new LossError('invalid-argument', l10n.t('Unknown dtype {0} for "{1}": use int64, float64 or bool.', JSON.stringify(raw), name));
      return dtype;
    };
    const tensorFrom = (name: string, value: unknown) => {
      try {
        return tensorFromJson(value, dtypeOf(name));
      } catch (error) {
        if (error instanceof ParseError) throw new LossError('parse-error', l10n.t('"{0}": {1}', name, error.reason));
        throw error;
      }
    };
    const args = Object.fromEntries(Object.entries(rawArgs).map(([name, value]) => [name, tensorFrom(name, value)]));
    const rawKwargs = (fields.kwargs ?? {}) as Record<string, unknown>;
    if (typeof rawKwargs !== 'object' || rawKwargs === null || Array.isArray(rawKwargs)) {
      throw new LossError('invalid-argument', l10n.t('"kwargs" must be an object of options by keyword.'));
    }
    const kwargs = Object.fromEntries(
      Object.entries(rawKwargs).map(([name, value]) => [name, Array.isArray(value) || dtypes[name] !== undefined ? tensorFrom(name, value) : value]),
    );
    const result = evaluate({ loss: fields.loss, args, kwargs }, { maxElements });
    return { id, value: jsonValue(result.value), shape: result.value.shape };
  } catch (error) {
    if (error instanceof LossError) return { id, error: { code: error.code, message: error.message } };
    return { id, error: { code: 'internal-error', message: error instanceof Error ? error.message : String(error) } };
  }
}

/** Answers one request per stdin line, in order; a bad line gets an error answer and the stream goes on. */
async function serveJsonl(stdin: NodeJS.ReadableStream, io: CliIO, maxElements: number): Promise<void> {
  const lines = createInterface({ input: stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    io.stdout(`${JSON.stringify(answerJsonl(line, maxElements))}\n`);
  }
}

function listLosses(): string {
  const rows = LOSSES.map((loss) => {
    const tensors = loss.tensors.map((parameter) => parameter.name).join(', ');
    const options = Object.entries(loss.options)
      .map(([name, spec]) => `${name}=${spec.default === null ? 'None' : typeof spec.default === 'string' ? `'${spec.default}'` : String(spec.default)}`)
      .join(', ');
    return `${loss.name.padEnd(34)}${loss.framework.padEnd(12)}(${tensors}${options ? `, ${options}` : ''})`;
  });
  return `${rows.join('\n')}\n`;
}
