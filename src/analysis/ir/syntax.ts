import type { Span } from '../types';
import type { IrNode } from './node';

/** Identifier characters: A-Z, a-z, 0-9, _ (false past either end of a text: NaN). */
export function isWordChar(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || (code >= 48 && code <= 57);
}

/** Whether `text` has `word` as a whole word (anywhere: in a string too). */
export function containsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    if (!isWordChar(text.charCodeAt(at - 1)) && !isWordChar(text.charCodeAt(at + word.length))) return true;
  }
  return false;
}

export function spanOf(node: IrNode): Span {
  return { start: node.startIndex, end: node.endIndex };
}

/** Positional and keyword arguments of a call, as nodes. */
export interface CallArguments {
  readonly positional: IrNode[];
  readonly keywords: Map<string, IrNode>;
  /** `*args` / `**kwargs` make the argument list open: positions and keywords may be missing. */
  readonly open: boolean;
}

export function callArguments(call: IrNode): CallArguments {
  const positional: IrNode[] = [];
  const keywords = new Map<string, IrNode>();
  let open = false;
  const list = call.childForFieldName('arguments');
  if (list?.type === 'argument_list') {
    for (const child of list.namedChildren) {
      if (!child) continue;
      if (child.type === 'keyword_argument') {
        const name = child.childForFieldName('name')?.text;
        const value = child.childForFieldName('value');
        if (name && value) keywords.set(name, value);
      } else if (child.type === 'list_splat' || child.type === 'dictionary_splat') {
        open = true;
      } else if (child.type !== 'comment') {
        positional.push(child);
      }
    }
  }
  return { positional, keywords, open };
}

/** The argument for a parameter given by keyword or at a position. */
export function argument(args: CallArguments, name: string, position: number): IrNode | undefined {
  return args.keywords.get(name) ?? args.positional[position];
}

/**
 * `a.b.c` as ['a', 'b', 'c'] when the expression is a plain dotted name. A loop down the objects,
 * not recursion: a chain can be thousands of attributes long.
 */
export function dottedParts(node: IrNode): string[] | undefined {
  const parts: string[] = [];
  let current = node;
  while (current.type === 'attribute') {
    const object = current.childForFieldName('object');
    const attribute = current.childForFieldName('attribute');
    if (!object || !attribute) return undefined;
    parts.push(attribute.text);
    current = object;
  }
  if (current.type !== 'identifier') return undefined;
  parts.push(current.text);
  return parts.reverse();
}

/** Unwraps parentheses: `((x))` is `x`. */
export function unparen(node: IrNode): IrNode {
  let current = node;
  while (current.type === 'parenthesized_expression' && current.namedChildCount === 1 && current.namedChildren[0]) {
    current = current.namedChildren[0];
  }
  return current;
}

/** The value of an integer literal (with an optional minus sign), if the node is one. */
export function intLiteral(node: IrNode | undefined): number | undefined {
  // A loop, not recursion, and a bounded one: `--------x` may be thousands of signs deep, and
  // every level of it asks.
  let sign = 1;
  let current = node;
  for (let signs = 0; current && signs <= 16; signs++) {
    const inner = unparen(current);
    if (inner.type === 'integer') return sign * Number(inner.text.replace(/_/g, ''));
    if (inner.type !== 'unary_operator' || inner.childForFieldName('operator')?.type !== '-') return undefined;
    sign = -sign;
    current = inner.childForFieldName('argument') ?? undefined;
  }
  return undefined;
}

/**
 * The number an expression of number literals comes to (`0.5`, `-1`, `1 - 1e-7`, `(1 + 1) / 2`),
 * or undefined for anything else.
 */
export function numberValue(node: IrNode | undefined, depth = 0): number | undefined {
  if (!node || depth > 16) return undefined;
  const inner = unparen(node);
  if (inner.type === 'integer' || inner.type === 'float') {
    const value = Number(inner.text.replace(/_/g, ''));
    return Number.isFinite(value) ? value : undefined;
  }
  if (inner.type === 'unary_operator') {
    const value = numberValue(inner.childForFieldName('argument') ?? undefined, depth + 1);
    const sign = inner.text.trimStart()[0];
    return value === undefined ? undefined : sign === '-' ? -value : sign === '+' ? value : undefined;
  }
  if (inner.type === 'binary_operator') {
    const a = numberValue(inner.childForFieldName('left') ?? undefined, depth + 1);
    const b = numberValue(inner.childForFieldName('right') ?? undefined, depth + 1);
    if (a === undefined || b === undefined) return undefined;
    switch (inner.childForFieldName('operator')?.text) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return b === 0 ? undefined : a / b;
      default:
        return undefined;
    }
  }
  return undefined;
}

export function stringLiteral(node: IrNode | undefined): string | undefined {
  if (!node || node.type !== 'string') return undefined;
  const content = node.namedChildren.filter((child) => child?.type === 'string_content');
  if (node.namedChildren.some((child) => child?.type === 'interpolation')) return undefined;
  return content.map((child) => child!.text).join('');
}

export function boolLiteral(node: IrNode | undefined): boolean | undefined {
  if (!node) return undefined;
  if (node.type === 'true') return true;
  if (node.type === 'false') return false;
  return undefined;
}

/** Whether `name` (or one of `a|b|c`) is called in `text`: `name(`, `name.forward(` (not `obj.name(`). */
export function calledIn(text: string, name: string): boolean {
  return new RegExp(`(?<![\\w.])(?:${name})[ \\t]*(?:\\.[ \\t]*forward[ \\t]*)?\\(`).test(text);
}

/**
 * Whether `text` hands one of `names` (a `|`-separated alternation) to a call as an argument:
 * `f(pred, y)`, `f(x, target=y)`. A function that does reads its calls for that parameter: what
 * they pass flows on (a softmax output given to a helper that computes the loss).
 */
function forwardedIn(text: string, names: string): boolean {
  return new RegExp(`(?:\\(|,|[A-Za-z_]\\w*[ \\t]*=)[ \\t\\n]*(?:${names})[ \\t\\n]*(?=[,)])`).test(text);
}

/** Words a function that may hand a loss, a model or a prediction on to a loss is written with. */
const LOSS_RELATED = /loss|criterion|entropy|softmax|sigmoid|compile|\.fit\b|nll|logits/i;

/**
 * Whether a function body reads what its calls pass for one of `names`: it calls it; or — when
 * the function's text (`definition`, its name included) speaks of losses, so only then — runs a
 * model method of it (`model.compile(`), hands it on to a call (`compute_loss(pred, y)`) or
 * stores it (`self.criterion = fn`). The interpreter follows exactly these parameters, and what an
 * edit re-checks relies on the same test.
 */
export function readsParameter(text: string, names: string, definition: string = text): boolean {
  if (calledIn(text, names)) return true;
  if (!LOSS_RELATED.test(definition)) return false;
  return (
    forwardedIn(text, names) ||
    new RegExp(`(?<![\\w.])(?:${names})[ \\t]*\\.[ \\t]*(?:compile|fit|predict|apply|apply_fn|add|evaluate|train_on_batch|trainOnBatch)[ \\t]*\\(`).test(
      text,
    ) ||
    new RegExp(`[^=!<>]=[ \\t]*(?:${names})[ \\t]*;?[ \\t]*(?:$|#|//)`, 'm').test(text)
  );
}
