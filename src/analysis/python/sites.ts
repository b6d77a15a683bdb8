import {
  ACTIVATION_FUNCTIONS,
  ACTIVATION_METHODS,
  ACTIVATION_MODULES,
  LOSS_CLASSES,
  LOSS_FUNCTIONS,
  canonical,
  type ActivationKind,
  type LossApi,
} from './apis';
import type { PythonModule } from './binder';
import type { Evaluator } from './evaluator';
import type { SyntaxNode } from './parser';
import { callArguments, isWordChar, type CallArguments } from './syntax';

/** A loss constructed (`nn.BCELoss()`) or applied (`criterion(out, y)`, `F.cross_entropy(out, y)`). */
export interface PythonLossSite {
  readonly kind: 'construction' | 'application';
  /** Canonical qualified name of the loss API (`torch.nn.BCELoss`, `torch.nn.functional.cross_entropy`). */
  readonly qualified: string;
  readonly api: LossApi;
  /** The call: the construction, or the application. */
  readonly call: SyntaxNode;
  /** The construction call, for applications of a loss module. */
  readonly construction?: SyntaxNode;
  /** Options given by keyword, at the construction (modules) or the call (functions). */
  readonly options: ReadonlyMap<string, SyntaxNode>;
  /** Tensor arguments by parameter name (applications only). */
  readonly args: ReadonlyMap<string, SyntaxNode>;
  /** Whether `*args` / `**kwargs` hide some arguments. */
  readonly open: boolean;
}

export interface ActivationSite {
  readonly kind: ActivationKind;
  readonly call: SyntaxNode;
  /** `function` (F.softmax(x)), `method` (x.softmax()), or `module` (nn.Softmax()). */
  readonly form: 'function' | 'method' | 'module';
  readonly args: CallArguments;
  readonly qualified?: string;
}

const LOSS_NAME =
  /\b(?:\w+Loss|cross_entropy|nll_loss|binary_cross_entropy(?:_with_logits)?|mse_loss|l1_loss|smooth_l1_loss|huber_loss|kl_div|poisson_nll_loss|gaussian_nll_loss|hinge_embedding_loss|soft_margin_loss|multilabel_soft_margin_loss|multi_margin_loss|multilabel_margin_loss|margin_ranking_loss|cosine_embedding_loss|triplet_margin_loss|ctc_loss|sigmoid_focal_loss)\b/g;
const ACTIVATION_NAME = /\b(?:softmax|log_softmax|sigmoid|logsigmoid|Softmax|Softmax2d|LogSoftmax|Sigmoid|LogSigmoid)\b/g;

const LOSS_OR_ACTIVATION = new RegExp(`^(?:${LOSS_NAME.source}|${ACTIVATION_NAME.source})$`);
/** Substrings every loss and activation name contains: a fast first scan, each hit confirmed by the names above. */
const ANCHORS = /Loss|_loss|entropy|kl_div|oftmax|igmoid/g;

/**
 * Where the text mentions something the Python rules look at — a loss, an activation, or a name
 * an import gives to one of them (`from ... import cross_entropy as ce`) — as sorted offsets and
 * lengths of whole words. One scan serves the pre-parse filter and the search for sites.
 */
export function mentions(text: string): Array<[offset: number, length: number]> {
  const found: Array<[number, number]> = [];
  const aliases: string[] = [];
  let lastWord = -1;
  ANCHORS.lastIndex = 0;
  for (let match = ANCHORS.exec(text); match; match = ANCHORS.exec(text)) {
    let start = match.index;
    while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
    let end = match.index + match[0].length;
    while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
    ANCHORS.lastIndex = end;
    if (start === lastWord) continue;
    lastWord = start;
    if (!LOSS_OR_ACTIVATION.test(text.slice(start, end))) continue;
    found.push([start, end - start]);
    const alias = importAlias(text, start, end);
    if (alias) aliases.push(alias);
  }
  lastAliases = { text, names: aliases };
  if (aliases.length > 0) {
    const pattern = new RegExp(`\\b(?:${aliases.join('|')})\\b`, 'g');
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) found.push([match.index, match[0].length]);
    found.sort((a, b) => a[0] - b[0]);
    return found.filter((entry, index) => index === 0 || entry[0] !== found[index - 1]![0]);
  }
  return found;
}

/** The activation a mentioned word names (`Softmax2d` a softmax), or undefined for losses and aliases. */
export function activationNamed(word: string): ActivationKind | undefined {
  switch (word) {
    case 'softmax':
    case 'Softmax':
    case 'Softmax2d':
      return 'softmax';
    case 'log_softmax':
    case 'LogSoftmax':
      return 'log_softmax';
    case 'sigmoid':
    case 'Sigmoid':
      return 'sigmoid';
    case 'logsigmoid':
    case 'LogSigmoid':
      return 'logsigmoid';
    default:
      return undefined;
  }
}

const AS_ALIAS = /\s+as\s+([A-Za-z_]\w*)/y;

/**
 * The local name an import gives the loss or activation named at [start, end): `ce` in
 * `from torch.nn.functional import cross_entropy as ce`, also inside a parenthesised list.
 * Aliases of anything else (`import numpy as np`, `import torch.nn as nn`) are not mentions:
 * what they lead to is named in full after the dot (`nn.BCELoss`).
 */
function importAlias(text: string, start: number, end: number): string | undefined {
  AS_ALIAS.lastIndex = end;
  const alias = AS_ALIAS.exec(text);
  if (!alias) return undefined;
  const keyword = text.lastIndexOf('import', start);
  if (keyword < 0 || !/^import\s[\w\s.,()\\]*$/.test(text.slice(keyword, start))) return undefined;
  const lineStart = text.lastIndexOf('\n', keyword) + 1;
  return /^[ \t]*(?:from\s+\S+\s+)?$/.test(text.slice(lineStart, keyword)) ? alias[1] : undefined;
}

/** The aliases of the last text `mentions` read: receivers ask for them too. */
let lastAliases: { text: string; names: string[] } | undefined;

/**
 * Calls of the names a loss module may be assigned to (`criterion(`, `self.loss_fn (`), as sorted
 * offsets and lengths of the name: with the mentions, every place a loss site can be.
 */
export function receiverCalls(text: string, found: ReadonlyArray<[number, number]> = mentions(text)): Array<[offset: number, length: number]> {
  const receivers = receiverNames(text, found);
  if (receivers.size === 0) return [];
  const calls: Array<[number, number]> = [];
  const pattern = new RegExp(`\\b(?:${[...receivers].join('|')})(?=\\s*\\()`, 'g');
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) calls.push([match.index, match[0].length]);
  return calls;
}

/**
 * The call whose callee ends with the name at `offset` (`F.cross_entropy(` or `criterion (`), if
 * there is one: the smallest node spanning the name and the opening parenthesis. (Climbing
 * `parent` links instead would make tree-sitter search down from the root at every step.)
 */
function callAt(module: PythonModule, offset: number, length: number): SyntaxNode | undefined {
  const text = module.text;
  let paren = offset + length;
  while (text.charCodeAt(paren) === 32 || text.charCodeAt(paren) === 9) paren++;
  if (text[paren] !== '(') return undefined;
  const node = module.tree.rootNode.descendantForIndex(offset, paren + 1);
  if (node?.type !== 'call') return undefined;
  const callee = node.childForFieldName('function');
  if (!callee || callee.endIndex !== offset + length || !/^(identifier|attribute)$/.test(callee.type)) return undefined;
  return node;
}

/**
 * Finds the loss sites and activation calls of a module. Candidates come from a scan of the text
 * for the names involved (and the local aliases imports give them); each is then confirmed on the
 * syntax tree and through the imports, so a string or comment mentioning a loss is never a site.
 */
export function findSites(
  module: PythonModule,
  evaluator: Evaluator,
  found: ReadonlyArray<[number, number]> = mentions(module.text),
  calls: ReadonlyArray<[number, number]> = receiverCalls(module.text),
  /** Only sites starting where this holds (the statements an edit touched); all when absent. */
  inScope: (offset: number) => boolean = () => true,
): { losses: PythonLossSite[]; activations: ActivationSite[] } {
  const losses: PythonLossSite[] = [];
  const activations: ActivationSite[] = [];
  const seen = new Set<string>();

  for (const [offset, length] of found) {
    if (!inScope(offset)) continue;
    const call = callAt(module, offset, length);
    if (!call || seen.has(`${call.startIndex}:${call.endIndex}`)) continue;
    seen.add(`${call.startIndex}:${call.endIndex}`);
    const callee = call.childForFieldName('function')!;
    const qualified = module.qualify(callee);
    const name = qualified ? canonical(qualified) : undefined;
    const args = callArguments(call);
    if (name && LOSS_CLASSES[name]) {
      losses.push({ kind: 'construction', qualified: name, api: LOSS_CLASSES[name]!, call, options: args.keywords, args: new Map(), open: args.open });
      // Applied in place: `nn.BCELoss()(out, y)`.
      const outer = call.parent;
      if (outer?.type === 'call' && outer.childForFieldName('function')?.startIndex === call.startIndex) {
        losses.push(application(name, LOSS_CLASSES[name]!, outer, call));
      }
    } else if (name && LOSS_FUNCTIONS[name]) {
      losses.push(application(name, LOSS_FUNCTIONS[name]!, call));
    } else if (name && ACTIVATION_FUNCTIONS[name]) {
      activations.push({ kind: ACTIVATION_FUNCTIONS[name]!, call, form: 'function', args, qualified: name });
    } else if (name && ACTIVATION_MODULES[name]) {
      activations.push({ kind: ACTIVATION_MODULES[name]!, call, form: 'module', args, qualified: name });
    } else if (!name && callee.type === 'attribute') {
      const method = callee.childForFieldName('attribute')?.text ?? '';
      const kind = ACTIVATION_METHODS[method];
      // `x.softmax(1)` on a tensor; `F.softmax` through an unresolved import is not a method.
      if (kind && evaluator.value(callee.childForFieldName('object')!).kind === 'tensor') activations.push({ kind, call, form: 'method', args });
    }
  }

  // Applications of constructed loss modules: `criterion(out, y)`, `self.loss_fn(out, y)`, each
  // candidate confirmed by the evaluator.
  for (const [offset, length] of calls) {
    if (!inScope(offset)) continue;
    const call = callAt(module, offset, length);
    if (!call || seen.has(`${call.startIndex}:${call.endIndex}`)) continue;
    const value = evaluator.value(call.childForFieldName('function')!);
    if (value.kind !== 'loss') continue;
    seen.add(`${call.startIndex}:${call.endIndex}`);
    const name = canonical(value.qualified);
    losses.push(application(name, LOSS_CLASSES[name]!, call, value.construction));
  }
  losses.sort((a, b) => a.call.startIndex - b.call.startIndex);
  activations.sort((a, b) => a.call.startIndex - b.call.startIndex);
  return { losses, activations };
}

function application(qualified: string, api: LossApi, call: SyntaxNode, construction?: SyntaxNode): PythonLossSite {
  const args = callArguments(call);
  const tensors = new Map<string, SyntaxNode>();
  api.parameters.forEach((parameter, index) => {
    const node = args.keywords.get(parameter) ?? args.positional[index];
    if (node) tensors.set(parameter, node);
  });
  const options = construction ? callArguments(construction).keywords : new Map([...args.keywords].filter(([key]) => !api.parameters.includes(key)));
  return { kind: 'application', qualified, api, call, ...(construction ? { construction } : {}), options, args: tensors, open: args.open };
}

/** `name = ctor(` or `self.name: T = module.ctor(` from a line start (or `;`) to the call's parenthesis. */
const ASSIGNED_CALL = /^[ \t]*(?:self\.)?([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=[ \t]*(?:[A-Za-z_][\w.]*\.)?([A-Za-z_]\w*)[ \t]*\($/;

/**
 * Names a loss module may be assigned to (`criterion = nn.CrossEntropyLoss()`,
 * `self.loss_fn = Loss()`): a superset, read from the text; the evaluator decides. Only the lines
 * where a mentioned `...Loss` or alias of a loss is called are read.
 */
function receiverNames(text: string, found: ReadonlyArray<[number, number]>): Set<string> {
  if (lastAliases?.text !== text) mentions(text);
  const constructors = lastAliases!.names;
  const names = new Set<string>();
  for (const [offset, length] of found) {
    const name = text.slice(offset, offset + length);
    if (!name.endsWith('Loss') && !constructors.includes(name)) continue;
    let paren = offset + length;
    while (text.charCodeAt(paren) === 32 || text.charCodeAt(paren) === 9) paren++;
    if (text.charCodeAt(paren) !== 40) continue;
    let start = offset;
    while (start > 0 && text.charCodeAt(start - 1) !== 10 && text.charCodeAt(start - 1) !== 59) start--;
    const match = ASSIGNED_CALL.exec(text.slice(start, paren + 1));
    if (match && (match[2]!.endsWith('Loss') || constructors.includes(match[2]!))) names.add(match[1]!);
  }
  return names;
}
