/**
 * "Copy as PyTorch code": the calculator's computation as a script that prints the same value in
 * PyTorch (`F.<loss>(...)`), torchvision, Keras, TensorFlow.js or optax.
 */

import type { EvaluateRequest } from '../losses/evaluate';
import type { LossDefinition } from '../losses/types';
import { Tensor } from '../tensor/tensor';

/** A Python float literal for `value` that reads back as the same double. */
export function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return "float('nan')";
  if (value === Infinity) return "float('inf')";
  if (value === -Infinity) return "-float('inf')";
  if (Object.is(value, -0)) return '-0.';
  // JavaScript's shortest round-trip digits are Python's repr digits; only the spelling differs.
  const text = String(value);
  if (/e/.test(text)) return text.replace(/e([+-])(\d)$/, 'e$10$2');
  return Number.isInteger(value) ? `${text}.` : text;
}

/** Nested Python lists holding the tensor's elements, in its dtype's spelling. */
function pythonList(tensor: Tensor): string {
  const element = (value: number): string => {
    if (tensor.dtype === 'bool') return value ? 'True' : 'False';
    if (tensor.dtype === 'int') return String(value);
    return pythonFloat(value);
  };
  if (tensor.shape.length === 0) return element(tensor.data[0]!);
  const build = (depth: number, offset: number, stride: number): string => {
    const size = tensor.shape[depth]!;
    const inner = stride / Math.max(size, 1);
    const items: string[] = [];
    for (let i = 0; i < size; i++)
      items.push(depth === tensor.shape.length - 1 ? element(tensor.data[offset + i]!) : build(depth + 1, offset + i * inner, inner));
    return `[${items.join(', ')}]`;
  };
  return build(0, 0, tensor.numel);
}

function pythonValue(value: unknown, tensor: (t: Tensor) => string): string {
  if (value instanceof Tensor) return tensor(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloat(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return 'None';
}

/**
 * The script: imports, one assignment per tensor, the call with every option that differs from
 * its default, and the value LossLens computed as a comment on the `print`.
 */
export function pythonCode(loss: LossDefinition, request: EvaluateRequest, printed: string): string {
  if (loss.framework === 'tfjs') return tfjsCode(loss, request, printed);
  const options = Object.entries(request.kwargs ?? {}).filter(([, value]) => value !== undefined && value !== null);
  const comment = `  # ${printed.replace(/\n\s*/g, ' ')}`;
  if (loss.framework === 'keras') {
    const array = (t: Tensor) => `np.array(${pythonList(t)})`;
    const className = (loss.aliases.keras ?? []).find((api) => /^keras\.losses\.[A-Z]/.test(api)) ?? 'keras.losses.Loss';
    const lines = ['import numpy as np', 'import keras', ''];
    // Keras takes (y_true, y_pred): the target first.
    const names = [...loss.tensors].reverse().map((parameter) => parameter.name);
    for (const name of names) lines.push(`${name} = ${array(request.args[name]!)}`);
    const kwargs = options.map(([name, value]) => `${name}=${pythonValue(value, array)}`).join(', ');
    lines.push(`loss_fn = ${className}(${kwargs})`, `loss = loss_fn(${names.join(', ')})`, `print(loss)${comment}`);
    return `${lines.join('\n')}\n`;
  }
  if (loss.framework === 'optax') {
    // jnp arrays are float32 unless x64 is enabled: the script enables it to print the same digits.
    const array = (t: Tensor) => `jnp.array(${pythonList(t)})`;
    const lines = ['import jax', "jax.config.update('jax_enable_x64', True)", 'import jax.numpy as jnp', 'import optax', ''];
    const names = loss.tensors.map((parameter) => parameter.name);
    for (const name of names) lines.push(`${name} = ${array(request.args[name]!)}`);
    const kwargs = options.map(([name, value]) => `${name}=${pythonValue(value, array)}`);
    lines.push(`loss = ${loss.name.replace(/^optax\./, 'optax.losses.')}(${[...names, ...kwargs].join(', ')})`, `print(loss)${comment}`);
    return `${lines.join('\n')}\n`;
  }
  const tensor = (t: Tensor) => `torch.tensor(${pythonList(t)})`;
  const torchvision = loss.framework === 'torchvision';
  const lines = torchvision ? ['import torch', `from torchvision.ops import ${loss.name}`, ''] : ['import torch', 'import torch.nn.functional as F', ''];
  const names = loss.tensors.map((parameter) => parameter.name);
  for (const name of names) lines.push(`${name} = ${tensor(request.args[name]!)}`);
  const kwargs = options.map(([name, value]) => `${name}=${pythonValue(value, tensor)}`);
  const call = `${torchvision ? loss.name : `F.${loss.name}`}(${[...names, ...kwargs].join(', ')})`;
  lines.push(`loss = ${call}`, `print(loss)${comment}`);
  return `${lines.join('\n')}\n`;
}

/** A JavaScript number literal for `value` (TensorFlow.js's scripts). */
function jsNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return String(value);
}

/**
 * TensorFlow.js's losses take their options by position, after the tensors (`weights`, then
 * `labelSmoothing`, `epsilon` or `delta`, then `reduction`; `cosineDistance` its `axis` first): a script passes them up to the last one
 * that differs from its default.
 */
function tfjsCode(loss: LossDefinition, request: EvaluateRequest, printed: string): string {
  const array = (t: Tensor): string => {
    const element = (value: number) => (t.dtype === 'bool' ? String(value !== 0) : jsNumber(value));
    if (t.shape.length === 0) return element(t.data[0]!);
    const build = (depth: number, offset: number, stride: number): string => {
      const size = t.shape[depth]!;
      const inner = stride / Math.max(size, 1);
      const items: string[] = [];
      for (let i = 0; i < size; i++) items.push(depth === t.shape.length - 1 ? element(t.data[offset + i]!) : build(depth + 1, offset + i * inner, inner));
      return `[${items.join(', ')}]`;
    };
    return build(0, 0, t.numel);
  };
  const lines = ["import * as tf from '@tensorflow/tfjs';", ''];
  const names = loss.tensors.map((parameter) => parameter.name);
  for (const name of names) lines.push(`const ${name} = tf.tensor(${array(request.args[name]!)});`);
  const kwargs = request.kwargs ?? {};
  const positional = Object.entries(loss.options).map(([name, spec]) => {
    // `cosineDistance`'s axis has no default in TensorFlow.js: always written.
    const value = kwargs[name] ?? (name === 'axis' ? spec.default : undefined);
    if (value === undefined || value === null || (value === spec.default && name !== 'axis')) return undefined;
    if (value instanceof Tensor) return `tf.tensor(${array(value)})`;
    if (name === 'reduction') return `tf.Reduction.${String(value).toUpperCase()}`;
    return typeof value === 'number' ? jsNumber(value) : String(value);
  });
  while (positional.length > 0 && positional[positional.length - 1] === undefined) positional.pop();
  const args = [...names, ...positional.map((value) => value ?? 'undefined')];
  lines.push(`const loss = tf.losses.${loss.name}(${args.join(', ')});`, `loss.print(); // ${printed.replace(/\n\s*/g, ' ')}`);
  return `${lines.join('\n')}\n`;
}
