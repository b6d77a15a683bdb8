/**
 * "Copy as PyTorch code": the calculator's computation as a script that prints the same value in
 * PyTorch (`F.<loss>(...)`), torchvision or Keras.
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
