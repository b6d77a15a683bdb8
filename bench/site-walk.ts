/**
 * The oracle for the pre-parse filter: every loss and activation call of a file, found by parsing
 * all of it and walking every call node, with no text scan. The analyzer must find the same ones
 * from its selection (`select.ts`) — checked by a property test on random programs and by
 * `npm run corpus -- PATH --prefilter` on real code.
 */
import { BoundModule } from '../src/analysis/engine/binder';
import { Interpreter } from '../src/analysis/engine/interpreter';
import { parsePython, type Parser } from '../src/analysis/python/parser';
import type { IrNode } from '../src/analysis/ir/node';
import { scanMentions, select, type ActivationReader } from '../src/analysis/python/select';
import { findSites } from '../src/analysis/engine/sites';
import { topLevelStatements } from '../src/analysis/python/statements';
import { ACTIVATION_FUNCTIONS, ACTIVATION_METHODS, ACTIVATION_MODULES, LOSS_CLASSES, LOSS_FUNCTIONS, canonical } from '../src/analysis/frameworks/apis';
import { frameworkLibrary } from '../src/analysis/frameworks/library';

/** Every activation read, wherever it is: what the filter is compared on (rules narrow it further). */
const EVERY_ACTIVATION: readonly ActivationReader[] = [{ kinds: ['sigmoid', 'softmax', 'log_softmax', 'logsigmoid'] }];

function callsIn(node: IrNode, found: IrNode[]): void {
  if (node.type === 'call') found.push(node);
  for (const child of node.namedChildren) if (child) callsIn(child, found);
}

/** `start-end kind` of every loss and activation call, by a walk over the whole tree. */
export function sitesByWalk(parser: Parser, text: string): string[] {
  const tree = parsePython(parser, text);
  try {
    const module = new BoundModule(text, tree);
    const interpreter = new Interpreter(module, frameworkLibrary);
    const calls: IrNode[] = [];
    callsIn(tree.rootNode, calls);
    const found: string[] = [];
    for (const call of calls) {
      const callee = call.childForFieldName('function');
      if (!callee) continue;
      const qualified = callee.type === 'identifier' || callee.type === 'attribute' ? module.qualify(callee) : undefined;
      const name = qualified ? canonical(qualified) : undefined;
      const at = `${call.startIndex}-${call.endIndex}`;
      if (name && (LOSS_CLASSES[name] || LOSS_FUNCTIONS[name])) found.push(`${at} loss`);
      else if (name && (ACTIVATION_FUNCTIONS[name] || ACTIVATION_MODULES[name])) found.push(`${at} activation`);
      else if (!name && callee.type === 'attribute' && ACTIVATION_METHODS[callee.childForFieldName('attribute')?.text ?? '']) {
        if (interpreter.value(callee.childForFieldName('object')!).kind === 'tensor') found.push(`${at} activation`);
      } else if (interpreter.value(callee).kind === 'loss') found.push(`${at} loss`);
    }
    return found.sort();
  } finally {
    tree.delete();
  }
}

/** The same, found the analyzer's way: the selection's seeds, a parse of the selected spans, `findSites`. */
export function sitesBySelection(parser: Parser, text: string): string[] {
  const statements = topLevelStatements(text);
  const selection = select(text, scanMentions(text), statements, EVERY_ACTIVATION);
  if (selection.seeds.length === 0) return [];
  const tree = parsePython(parser, text, undefined, selection.spans);
  try {
    const module = new BoundModule(text, tree);
    const { losses, activations } = findSites(module, new Interpreter(module, frameworkLibrary), selection);
    return [
      ...new Set(losses.map((site) => `${site.call.startIndex}-${site.call.endIndex} loss`)),
      ...activations.map((site) => `${site.call.startIndex}-${site.call.endIndex} activation`),
    ].sort();
  } finally {
    tree.delete();
  }
}
