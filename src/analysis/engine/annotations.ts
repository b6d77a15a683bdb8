import * as l10n from '@vscode/l10n';
import type { Dim, Evidence, Fact, FactDType } from '../types';
import type { BoundModule } from './binder';
import type { IrNode } from '../ir/node';
import { stringLiteral } from '../ir/syntax';
import { fact } from './values';

/** jaxtyping's array types by dtype (`Float`, `Float32`, `Int64`, `Bool` ...). */
function jaxtypingDtype(name: string): FactDType | undefined {
  if (/^(Float|BFloat)\d*$/.test(name)) return 'float';
  if (/^(Int|UInt|Integer)\d*$/.test(name)) return 'int';
  if (name === 'Bool') return 'bool';
  if (name === 'Shaped' || name === 'Num' || name === 'Real' || name === 'Inexact') return 'unknown';
  return undefined;
}

/**
 * A jaxtyping dimension string (`"batch classes"`, `"b 1 h w"`): sizes as numbers, names as named
 * dims (a name is the same size wherever it is written), `_` unknown. Variadic and broadcast dims
 * (`*batch`, `...`, `#c`) and expressions (`dim+1`) leave the rank or the size unknown: no shape.
 */
function jaxtypingShape(dims: string): Dim[] | undefined {
  const words = dims
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 0);
  const shape: Dim[] = [];
  for (const word of words) {
    if (/^\d+$/.test(word)) shape.push(Number(word));
    else if (word === '_') shape.push(undefined);
    else if (/^[A-Za-z_]\w*$/.test(word)) shape.push(word);
    else return undefined;
  }
  return shape;
}

/**
 * What a parameter's (or a function's return) annotation says of a tensor: jaxtyping's
 * `Float[Tensor, "batch classes"]` / `Int[torch.Tensor, "batch"]` (imported from `jaxtyping`),
 * and `Annotated[Tensor, "batch classes"]` with jaxtyping's dims as its metadata (no dtype).
 * Undefined for any other annotation.
 */
export function annotatedFact(module: BoundModule, type: IrNode | null | undefined, evidence: (node: IrNode, note: string) => Evidence): Fact | undefined {
  const generic = type?.type === 'type' ? type.firstNamedChild : type;
  if (!generic || generic.type !== 'generic_type') return undefined;
  const name = generic.firstNamedChild;
  const parameters = generic.namedChildren.find((child) => child?.type === 'type_parameter');
  if (!name || !parameters) return undefined;
  const qualified = module.qualify(name);
  const last = qualified?.slice(qualified.lastIndexOf('.') + 1) ?? '';
  const args = parameters.namedChildren
    .filter((child): child is IrNode => !!child)
    .map((child) => (child.type === 'type' ? (child.firstNamedChild ?? child) : child));
  let dtype: FactDType | undefined;
  if (qualified?.startsWith('jaxtyping.')) dtype = jaxtypingDtype(last);
  else if (qualified === 'typing.Annotated' || qualified === 'typing_extensions.Annotated') dtype = 'unknown';
  if (dtype === undefined || args.length < 2) return undefined;
  const dims = stringLiteral(args[1]!);
  const shape = dims === undefined ? undefined : jaxtypingShape(dims);
  if (!shape && dtype === 'unknown') return undefined;
  return fact('unknown', {
    dtype,
    ...(shape ? { shape } : {}),
    evidence: [evidence(generic, l10n.t('annotated `{0}`', generic.text))],
  });
}
