import { fstatSync } from 'node:fs';
import * as l10n from '@vscode/l10n';
import { briefJson } from '../common/brief';
import { LossError } from '../losses/errors';
import { DEFAULT_MAX_ELEMENTS, evaluate, MAX_ELEMENTS_CAP, type Evaluation } from '../losses/evaluate';
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

/** Errors of the loss that say the command was called wrongly (exit 2, not 1). */
const USAGE_CODES: ReadonlySet<string> = new Set(['unknown-loss', 'missing-argument']);

/** A JSONL line longer than this is refused whole (a string that long cannot be parsed anyway). */
const MAX_LINE_BYTES = 256 * 1024 * 1024;

/**
 * An answer with more values than this (`reduction: "none"` over a large input) is refused with a
 * `too-large` error for its id: written as JSON it would take hundreds of megabytes (README).
 */
export const MAX_ANSWER_VALUES = 5_000_000;

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

/** `stdin` defaults to the process's, opened only for `--jsonl`. */
export async function runEval(argv: readonly string[], io: CliIO, stdin?: NodeJS.ReadableStream): Promise<number> {
  const { flags, values } = parseEvalArgs(argv);
  const maxElements = values.has('max_elements') ? Number(values.get('max_elements')) : DEFAULT_MAX_ELEMENTS;
  values.delete('max_elements');
  if (!(maxElements > 0)) throw new UsageError(l10n.t('--max-elements must be a positive number.'));
  if (maxElements > MAX_ELEMENTS_CAP)
    throw new UsageError(l10n.t('--max-elements is at most {0} (8 GB for one float64 tensor).', MAX_ELEMENTS_CAP.toLocaleString('en-US')));
  if (flags.has('list')) {
    io.stdout(listLosses());
    return EXIT.ok;
  }
  if (flags.has('jsonl')) {
    if (values.size > 0) throw new UsageError(l10n.t('--jsonl reads every request from standard input; give no other options.'));
    // Node reads a folder as an empty stream: without this, no request and exit 0.
    if (stdin === undefined && standardInputIsFolder()) {
      throw new UsageError(
        l10n.t('--jsonl reads the requests from standard input, which is a folder here: give a file or a pipe (losslens eval --jsonl < requests.jsonl).'),
      );
    }
    await serveJsonl(stdin ?? process.stdin, io, maxElements);
    return EXIT.ok;
  }
  const name = values.get('loss');
  if (!name) throw new UsageError(l10n.t('Name the loss with --loss (for example --loss cross_entropy); --list shows them all.'));
  values.delete('loss');
  const loss = findLoss(name);
  const { args, kwargs } = loss ? commandLineArguments(loss, values, maxElements) : { args: {}, kwargs: {} };
  let result: Evaluation;
  try {
    result = evaluate({ loss: name, args, kwargs }, { recordSteps: flags.has('steps'), maxElements });
  } catch (error) {
    if (!(error instanceof LossError)) throw error;
    // How the command was called, not what the loss thinks of the numbers: a usage error.
    if (USAGE_CODES.has(error.code) || error.aboutTheCall) throw new UsageError(error.message);
    io.stderr(`losslens eval: ${error.message}\n`);
    return LOSS_REFUSED;
  }
  for (const warning of result.warnings) io.stderr(`${l10n.t('Warning:')} ${warning}\n`);
  if (flags.has('json')) {
    if (result.value.numel > MAX_ANSWER_VALUES) {
      io.stderr(`losslens eval: ${tooLargeToWrite(result.value.numel)}\n`);
      return LOSS_REFUSED;
    }
    const answer: Record<string, unknown> = { value: jsonValue(result.value), shape: result.value.shape };
    if (flags.has('steps'))
      answer.steps = result.steps.map((step) => ({ id: step.id, title: step.title, value: jsonValue(step.tensor), shape: step.tensor.shape }));
    const text = serialized(answer);
    if (text === undefined) {
      io.stderr(`losslens eval: ${tooLargeToWrite(result.value.numel)}\n`);
      return LOSS_REFUSED;
    }
    io.stdout(`${text}\n`);
  } else {
    for (const step of result.steps) io.stdout(`# ${step.title}\n${formatTensor(step.tensor)}\n`);
    io.stdout(`${formatTensor(result.value)}\n`);
  }
  return EXIT.ok;
}

/** Splits `--name value` pairs into tensor arguments (parsed literals) and options. */
function commandLineArguments(
  loss: LossDefinition,
  values: Map<string, string>,
  maxElements: number,
): { args: Record<string, Tensor>; kwargs: Record<string, unknown> } {
  const args: Record<string, Tensor> = {};
  const kwargs: Record<string, unknown> = {};
  const tensorNames = new Map<string, string>();
  for (const parameter of loss.tensors) for (const alias of [parameter.name, ...(parameter.aliases ?? [])]) tensorNames.set(alias, parameter.name);
  for (const [name, raw] of values) {
    const spec = Object.hasOwn(loss.options, name) ? loss.options[name] : undefined;
    if (tensorNames.has(name) || spec?.kind === 'tensor') {
      const tensor = parseLiteral(raw, name, maxElements);
      if (tensorNames.has(name)) args[name] = tensor;
      else kwargs[name] = tensor;
    } else if (!spec) {
      const known = [...loss.tensors.map((parameter) => parameter.name), ...Object.keys(loss.options)].map((option) => `--${option}`).join(', ');
      throw new UsageError(l10n.t('{0} has no option --{1}. It takes {2}.', loss.name, name, known));
    } else if (spec.kind === 'boolean') {
      if (!/^(true|false)$/i.test(raw)) throw new UsageError(l10n.t('--{0} takes true or false, got "{1}".', name, raw));
      kwargs[name] = raw.toLowerCase() === 'true';
    } else if (spec.kind === 'number') {
      const value = numberArgument(raw, name);
      // Written as an integer, as Python takes one (`1e300` is a float there: a TypeError).
      if (spec.integer && !/^\s*[+-]?\d+\s*$/.test(raw)) throw new UsageError(l10n.t('--{0} takes an integer, got "{1}".', name, raw));
      kwargs[name] = value;
    } else {
      kwargs[name] = raw;
    }
  }
  return { args, kwargs };
}

function parseLiteral(raw: string, name: string, maxElements: number): Tensor {
  try {
    return parseTensor(raw, { maxElements });
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

const JSONL_DTYPES: Readonly<Record<string, DType>> = {
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
    // An id is echoed: a string, a number or null, as in JSON-RPC (a 200,000-deep list is not one).
    if (fields.id !== undefined && fields.id !== null && typeof fields.id !== 'string' && typeof fields.id !== 'number') {
      throw new LossError('invalid-argument', l10n.t('"id" must be a string, a number or null.'));
    }
    id = fields.id ?? null;
    if (typeof fields.loss !== 'string') throw new LossError('invalid-argument', l10n.t('"loss" must be the name of a loss, such as "cross_entropy".'));
    const rawArgs = fields.args;
    if (typeof rawArgs !== 'object' || rawArgs === null || Array.isArray(rawArgs)) {
      throw new LossError('invalid-argument', l10n.t('"args" must be an object of tensors by argument name.'));
    }
    const dtypes = (fields.dtypes ?? {}) as Record<string, unknown>;
    if (typeof dtypes !== 'object' || dtypes === null || Array.isArray(dtypes)) throw new LossError('invalid-argument', l10n.t('"dtypes" must be an object.'));
    // Names come from the request: only its own keys count (`toString` is not a dtype given).
    const dtypeOf = (name: string): DType | undefined => {
      if (!Object.hasOwn(dtypes, name)) return undefined;
      const raw = dtypes[name];
      const key = typeof raw === 'string' ? raw.replace(/^torch\./, '') : undefined;
      const dtype = key !== undefined && Object.hasOwn(JSONL_DTYPES, key) ? JSONL_DTYPES[key] : undefined;
      if (!dtype) throw new LossError('invalid-argument', l10n.t('Unknown dtype {0} for "{1}": use int64, float64 or bool.', briefJson(raw), name));
      return dtype;
    };
    const tensorFrom = (name: string, value: unknown) => {
      try {
        return tensorFromJson(value, dtypeOf(name), maxElements);
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
      Object.entries(rawKwargs).map(([name, value]) => [name, Array.isArray(value) || Object.hasOwn(dtypes, name) ? tensorFrom(name, value) : value]),
    );
    const result = evaluate({ loss: fields.loss, args, kwargs }, { maxElements });
    if (result.value.numel > MAX_ANSWER_VALUES) throw new LossError('too-large', tooLargeToWrite(result.value.numel));
    return { id, value: jsonValue(result.value), shape: result.value.shape };
  } catch (error) {
    if (error instanceof LossError) return { id, error: { code: error.code, message: error.message } };
    return { id, error: { code: 'internal-error', message: error instanceof Error ? error.message : String(error) } };
  }
}

/**
 * One JSONL request's answer as a line of JSON; an answer too large to write is an error answer.
 * A number id is echoed as it was written (`12345678901234567891` is no float64).
 */
export function answerLine(line: string, maxElements = DEFAULT_MAX_ELEMENTS): string {
  const answer = answerJsonl(line, maxElements);
  const { id, ...rest } = answer;
  const idText = typeof id === 'number' ? (rawTopLevelNumber(line, 'id') ?? JSON.stringify(id)) : JSON.stringify(id);
  const text = serialized(rest);
  if (text !== undefined) return `{"id":${idText}${text === '{}' ? '}' : `,${text.slice(1)}`}`;
  const numel = ((answer.shape as number[] | undefined) ?? []).reduce((a, b) => a * b, 1);
  return `{"id":${idText},"error":${JSON.stringify({ code: 'too-large', message: tooLargeToWrite(numel) })}}`;
}

/**
 * The source text of the number that is member `key` of the JSON object `line` (valid JSON, already
 * parsed), or undefined: a scan that skips strings and counts brackets, without recursion.
 */
function rawTopLevelNumber(line: string, key: string): string | undefined {
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === '"') {
      let end = i + 1;
      while (end < line.length && line[end] !== '"') end += line[end] === '\\' ? 2 : 1;
      if (depth === 1 && JSON.parse(line.slice(i, end + 1)) === key) {
        const value = /^\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(line.slice(end + 1));
        if (value) return value[1];
      }
      i = end;
    } else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
  }
  return undefined;
}

/** JSON text, or undefined when it would be longer than a string can be. */
function serialized(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function tooLargeToWrite(numel: number): string {
  return l10n.t(
    'The answer holds {0} values, too many to write as JSON. Ask for a reduced value (reduction "mean" or "sum"), or evaluate a slice.',
    numel.toLocaleString('en-US'),
  );
}

/**
 * Answers one request per stdin line, in order; a bad line gets an error answer and the stream
 * goes on. Lines are split from the raw bytes, so a line too long to be a string is answered with
 * an error and skipped, not buffered; reading stops when standard output is closed.
 */
function standardInputIsFolder(): boolean {
  try {
    return fstatSync(0).isDirectory();
  } catch {
    return false;
  }
}

async function serveJsonl(stdin: NodeJS.ReadableStream, io: CliIO, maxElements: number): Promise<void> {
  let parts: Buffer[] = [];
  let length = 0;
  let overlong = false;
  let first = true;
  const finish = () => {
    if (overlong) {
      io.stdout(`${JSON.stringify({ id: null, error: { code: 'too-large', message: lineTooLong() } })}\n`);
    } else {
      let line = Buffer.concat(parts, length).toString('utf8').replace(/\r$/, '');
      // A UTF-8 byte order mark before the first request (files saved by some editors) is not JSON.
      if (first && line.startsWith('\ufeff')) line = line.slice(1);
      if (line.trim() !== '') io.stdout(`${answerLine(line, maxElements)}\n`);
    }
    parts = [];
    length = 0;
    overlong = false;
    first = false;
  };
  for await (const chunk of stdin) {
    if (io.outputClosed?.()) return;
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    let from = 0;
    for (let newline = bytes.indexOf(10); newline >= 0; newline = bytes.indexOf(10, from)) {
      take(bytes.subarray(from, newline));
      finish();
      from = newline + 1;
      if (io.outputClosed?.()) return;
    }
    take(bytes.subarray(from));
  }
  if (length > 0 || overlong) finish();

  function take(piece: Buffer): void {
    if (overlong || piece.length === 0) return;
    if (length + piece.length > MAX_LINE_BYTES) {
      overlong = true;
      parts = [];
      length = 0;
      return;
    }
    parts.push(piece);
    length += piece.length;
  }
}

function lineTooLong(): string {
  return l10n.t('The line is longer than {0} MB: send large tensors as several requests, or evaluate a slice.', MAX_LINE_BYTES / (1024 * 1024));
}

function listLosses(): string {
  const width = Math.max(...LOSSES.map((loss) => loss.name.length)) + 2;
  const rows = LOSSES.map((loss) => {
    const tensors = loss.tensors.map((parameter) => parameter.name).join(', ');
    const options = Object.entries(loss.options)
      .map(([name, spec]) => `${name}=${spec.default === null ? 'None' : typeof spec.default === 'string' ? `'${spec.default}'` : String(spec.default)}`)
      .join(', ');
    return `${loss.name.padEnd(width)}${loss.framework.padEnd(12)}(${tensors}${options ? `, ${options}` : ''})`;
  });
  return `${rows.join('\n')}\n`;
}
