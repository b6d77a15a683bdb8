/**
 * Reading tensors out of a selection for "LossLens: Evaluate Loss for Selection": one or two
 * tensors (`[0.6, 0.1], [1., 0.]`, `probs, labels`), each a literal or a name assigned a literal
 * above the selection.
 */

import { ParseError, parseTensor } from '../tensor/parse';

/** The selection split at its top-level commas (none inside brackets, parentheses or strings). */
export function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

/**
 * The literal last assigned to `name` in `before` (the text above the selection), at the top
 * level or indented: `probs = torch.tensor([[0.6, 0.1],\n [0.3, 0.8]])` gives the right-hand side,
 * across lines until its brackets close. Undefined when the last assignment is not a literal.
 */
function literalAssignment(before: string, name: string): string | undefined {
  if (!/^[A-Za-z_]\w*$/.test(name)) return undefined;
  const assignment = new RegExp(`^[ \\t]*${name}[ \\t]*(?::[^=\\n]+)?=(?!=)`, 'gm');
  let last: RegExpExecArray | undefined;
  for (let match = assignment.exec(before); match; match = assignment.exec(before)) last = match;
  if (!last) return undefined;
  const rest = before.slice(last.index + last[0].length);
  let depth = 0;
  let end = rest.length;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') depth--;
    else if ((c === '\n' || c === '#') && depth <= 0) {
      end = i;
      break;
    }
  }
  const value = rest.slice(0, end).trim();
  return value || undefined;
}

export type SelectedTensor = { readonly text: string; readonly source: string } | { readonly error: string; readonly source: string };

/** One selected part as a tensor literal: itself, or the literal its name was assigned above. */
export function selectedTensor(part: string, before: string, maxElements: number): SelectedTensor {
  const direct = tryParse(part, maxElements);
  if (direct === undefined) return { text: part, source: part };
  const assigned = /^[A-Za-z_]\w*$/.test(part) ? literalAssignment(before, part) : undefined;
  if (assigned !== undefined && tryParse(assigned, maxElements) === undefined) return { text: assigned, source: part };
  return { error: direct, source: part };
}

function tryParse(text: string, maxElements: number): string | undefined {
  try {
    parseTensor(text, { maxElements });
    return undefined;
  } catch (error) {
    if (error instanceof ParseError) return error.message;
    throw error;
  }
}
