import {
  ACTIVATION_FUNCTIONS,
  ACTIVATION_METHODS,
  ACTIVATION_MODULES,
  LOSS_CLASSES,
  LOSS_FUNCTIONS,
  canonical,
  type ActivationKind,
  type LossApi,
} from './torch/apis';
import type { PythonModule } from './binder';
import type { Interpreter } from './interpreter';
import type { SyntaxNode } from './parser';
import type { Selection } from './select';
import { callArguments, type CallArguments } from './syntax';

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
 * Phase 4, sites: the loss sites and activation calls of a module. Candidates are the selection's
 * mentions and receiver calls (phase 1); each is confirmed on the syntax tree and through the
 * imports, so a string or comment naming a loss is never a site, and a receiver call is a site
 * only when the interpreter says the name holds a loss module.
 */
export function findSites(
  module: PythonModule,
  interpreter: Interpreter,
  selection: Pick<Selection, 'mentions' | 'receivers'>,
  /** Only sites starting where this holds (the statements checked again); all when absent. */
  inScope: (offset: number) => boolean = () => true,
): { losses: PythonLossSite[]; activations: ActivationSite[] } {
  const losses: PythonLossSite[] = [];
  const activations: ActivationSite[] = [];
  const seen = new Set<number>();

  for (const [offset, length] of selection.mentions.words) {
    if (!inScope(offset)) continue;
    const call = callAt(module, offset, length);
    if (!call || seen.has(call.id)) continue;
    seen.add(call.id);
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
      if (kind && interpreter.value(callee.childForFieldName('object')!).kind === 'tensor') activations.push({ kind, call, form: 'method', args });
    }
  }

  // Applications of constructed loss modules: `criterion(out, y)`, `self.loss_fn(out, y)`, each
  // candidate confirmed by the interpreter.
  // A name can be both: `mse_loss = nn.MSELoss()` names a receiver after a loss function.
  const applied = new Set(losses.map((site) => site.call.id));
  for (const [offset, length] of selection.receivers) {
    if (!inScope(offset)) continue;
    const call = callAt(module, offset, length);
    if (!call || applied.has(call.id)) continue;
    const value = interpreter.value(call.childForFieldName('function')!);
    if (value.kind !== 'loss') continue;
    applied.add(call.id);
    const name = canonical(value.qualified);
    losses.push(application(name, LOSS_CLASSES[name]!, call, value.construction));
  }
  losses.sort((a, b) => a.call.startIndex - b.call.startIndex);
  activations.sort((a, b) => a.call.startIndex - b.call.startIndex);
  return { losses, activations };
}

/**
 * The names of the prediction and the target among a loss's tensor arguments: `input` and
 * `target` where it has them (whatever order the call takes them in), else its first two.
 */
export function roles(site: PythonLossSite): [string, string] {
  const parameters = site.api.parameters;
  if (parameters.includes('input') && parameters.includes('target')) return ['input', 'target'];
  return [parameters[0]!, parameters[1] ?? ''];
}

/** Whether the loss is PyTorch's (or torchvision's): rules that read PyTorch semantics look only at these. */
export function isPyTorch(site: PythonLossSite): boolean {
  return site.api.framework === undefined;
}

function application(qualified: string, api: LossApi, call: SyntaxNode, construction?: SyntaxNode): PythonLossSite {
  const args = callArguments(call);
  const tensors = new Map<string, SyntaxNode>();
  const spelled = (role: string) => Object.entries(api.keywords ?? {}).flatMap(([keyword, target]) => (target === role ? [keyword] : []));
  api.parameters.forEach((parameter, index) => {
    const node =
      args.keywords.get(parameter) ??
      spelled(parameter)
        .map((keyword) => args.keywords.get(keyword))
        .find(Boolean) ??
      args.positional[index];
    if (node) tensors.set(parameter, node);
  });
  const isTensor = (key: string) => api.parameters.includes(key) || (api.keywords?.[key] ?? '') !== '';
  const options = construction ? callArguments(construction).keywords : new Map([...args.keywords].filter(([key]) => !isTensor(key)));
  return { kind: 'application', qualified, api, call, ...(construction ? { construction } : {}), options, args: tensors, open: args.open };
}
