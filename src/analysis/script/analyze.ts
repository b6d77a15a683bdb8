/**
 * TypeScript and JavaScript files, read for TensorFlow.js: parsed with typescript-estree (a
 * statement with a syntax error is left out, and said so; the rest is read), lowered into the IR
 * (`lower.ts`), then analysed by the same engine and rules as Python — the binder, the
 * interpreter, the sites and every rule, with TensorFlow.js's names from its table
 * (`frameworks/tfjs.ts`).
 *
 * Bundled on its own (`dist/tfjs/analyze.js`, with the TypeScript parser): the language server and
 * the CLI load it the first time a file imports TensorFlow.js (the server on a worker thread of its
 * own, `src/server/tfjs.ts`).
 */

import { parse, simpleTraverse, type TSESTree } from '@typescript-eslint/typescript-estree';
import * as l10n from '@vscode/l10n';
import { dirname, join, resolve } from 'node:path';
import * as ts from 'typescript';
import { BoundModule } from '../engine/binder';
import { Interpreter } from '../engine/interpreter';
import { describeSites, findSites, type ActivationSite, type PythonLossSite, type SiteCandidates } from '../engine/sites';
import { TFJS_LOSS_NAMES } from '../frameworks/tfjs';
import { frameworkLibrary } from '../frameworks/library';
import type { IrNode } from '../ir/node';
import { LineIndex, lastAtOrBefore } from '../lines';
import { fileVersion } from '../python/imports';
import { readSourceText } from '../source-text';
import type { AnalyzeOptions } from '../options';
import { SiteIndex, findingsThroughCalls, runRules, uniqueFindings, type RuleInput } from '../rules/run';
import { finish } from '../slices';
import { suppressions } from '../suppression';
import type { Finding, LossSite, Span } from '../types';
import { TFJS_PACKAGE, lowerProgram, type LoweredTree } from './lower';

export interface ScriptResult {
  readonly findings: readonly Finding[];
  /** The workspace files whose contents the findings depend on (relative imports, at any depth). */
  readonly dependencies?: readonly string[];
  readonly sites?: readonly LossSite[];
  /** Why the file was not analysed, when it was not. */
  readonly skipped?: string;
  /** The statements left out for a syntax error, when some were (the rest was analysed). */
  readonly syntaxErrors?: readonly Span[];
}

/**
 * Every finding is about a loss the file names, or a log taken of an activation (LL008): without
 * one of those, there is none to find.
 */
const LOSS_NAME = new RegExp(TFJS_LOSS_NAMES.join('|'));
const mayHaveFindings = (text: string): boolean => LOSS_NAME.test(text) || (/\blog\s*\(/.test(text) && /softmax|sigmoid/i.test(text));

/** At most this many statements with syntax errors are left out before the file is skipped. */
const MAX_BROKEN_STATEMENTS = 8;

/** The findings of one TypeScript or JavaScript file; never throws for bad input. */
export function analyzeScript(text: string, options: AnalyzeOptions & { readonly jsx?: boolean; readonly path?: string } = {}): ScriptResult {
  if (!mayHaveFindings(text)) return { findings: [] };
  try {
    return analyzeParsed(text, options);
  } catch (error) {
    // Expressions nested thousands deep exhaust the stack of TypeScript's parser (or the lowering).
    if (error instanceof RangeError) return { findings: [], skipped: l10n.t('skipped: expressions nested too deeply to read') };
    throw error;
  }
}

function analyzeParsed(text: string, options: AnalyzeOptions & { readonly jsx?: boolean; readonly path?: string }): ScriptResult {
  const parsed = parseTolerant(text, options.jsx ?? false);
  if ('skipped' in parsed) return { findings: [], skipped: parsed.skipped };
  const marks = suppressions(text);
  if (marks.file) return { findings: [] };
  const tree = lowerProgram(text, parsed.program, usesGlobalTf(parsed.program));
  const module = new BoundModule(text, tree);
  const workspace: WorkspaceModules = { interpreters: new Map(options.path ? [[resolve(options.path), null]] : []), files: [] };
  const imports = options.path ? workspaceImports(options.path, tree, workspace, 0) : new Map<string, Interpreter>();
  const interpreter = new Interpreter(module, frameworkLibrary, imports);
  const candidates = callCandidates(tree.rootNode);
  const { losses, activations } = findSites(module, interpreter, candidates);
  const input: RuleInput = { text, module, interpreter, marks, options };
  const index = new SiteIndex(() => losses, interpreter);
  // The sites of each top-level statement together, as Python's are: a function's calls are then
  // tried once for all the sites in it.
  const starts = module.topLevelNodes().map((statement) => statement.startIndex);
  const groups = new Map<number, { losses: PythonLossSite[]; activations: ActivationSite[] }>();
  const groupAt = (offset: number) => {
    const key = lastAtOrBefore(starts, offset);
    let entry = groups.get(key);
    if (!entry) groups.set(key, (entry = { losses: [], activations: [] }));
    return entry;
  };
  for (const site of losses) groupAt(site.call.startIndex).losses.push(site);
  for (const site of activations) groupAt(site.call.startIndex).activations.push(site);
  const findings: Finding[] = [];
  for (const { losses: own, activations: ownActivations } of groups.values()) {
    const found = runRules(input, index, own, ownActivations);
    const through = finish(findingsThroughCalls(input, (pinned) => new SiteIndex(() => losses, pinned), own, ownActivations, found));
    findings.push(...found, ...through);
  }
  return {
    findings: uniqueFindings(findings),
    ...(options.sites ? { sites: describeSites(losses, interpreter) } : {}),
    ...(parsed.syntaxErrors ? { syntaxErrors: parsed.syntaxErrors } : {}),
    ...(workspace.files.length > 0 ? { dependencies: [...workspace.files].sort() } : {}),
  };
}

/** Workspace modules imported by one analysis, each read once: by path, and the files read. */
interface WorkspaceModules {
  readonly interpreters: Map<string, Interpreter | null>;
  readonly files: string[];
}

/** How many modules deep, and how many in all, relative imports are followed for one file. */
const MAX_IMPORT_DEPTH = 8;
const MAX_IMPORTED_MODULES = 64;
/** Imported modules larger than this are not read. */
const MAX_IMPORTED_BYTES = 512 * 1024;

/**
 * The workspace modules a lowered file imports by a relative path (`import { createModel } from
 * './model'`, `require('./model')`, `export * from './layers'`), each read, lowered and given its
 * own imports in turn, as interpreters by the name the file imports them under.
 */
function workspaceImports(path: string, tree: LoweredTree, workspace: WorkspaceModules, depth: number): Map<string, Interpreter> {
  const imports = new Map<string, Interpreter>();
  for (const statement of tree.rootNode.namedChildren) {
    const names =
      statement.type === 'import_from_statement'
        ? [statement.childForFieldName('module_name')?.text]
        : statement.type === 'import_statement'
          ? statement.namedChildren.map((aliased) => aliased.childForFieldName('name')?.text)
          : [];
    for (const name of names) {
      if (!name?.startsWith('.') || imports.has(name)) continue;
      const resolved = resolveScript(path, name);
      if (!resolved) continue;
      let interpreter = workspace.interpreters.get(resolved);
      if (interpreter === undefined && depth < MAX_IMPORT_DEPTH && workspace.interpreters.size < MAX_IMPORTED_MODULES) {
        workspace.interpreters.set(resolved, null);
        workspace.files.push(resolved);
        interpreter = importedScript(resolved, workspace, depth + 1);
        workspace.interpreters.set(resolved, interpreter ?? null);
      }
      if (interpreter) imports.set(name, interpreter);
    }
  }
  return imports;
}

/** An imported TypeScript or JavaScript module, read from disk and lowered; undefined when it cannot be. */
function importedScript(path: string, workspace: WorkspaceModules, depth: number): Interpreter | undefined {
  const read = readSourceText(path, MAX_IMPORTED_BYTES);
  if (!('text' in read) || read.text.includes('\u0000')) return undefined;
  const text = read.text;
  const parsed = parseTolerant(text, /\.[jt]sx$/.test(path));
  if ('skipped' in parsed) return undefined;
  const tree = lowerProgram(text, parsed.program, usesGlobalTf(parsed.program));
  return new Interpreter(new BoundModule(text, tree), frameworkLibrary, workspaceImports(path, tree, workspace, depth), path);
}

/** The file a relative specifier names: as written, with one of the script extensions, or its folder's index. */
function resolveScript(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const extensions = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs'];
  // `./model.js` written for `model.ts` (TypeScript's ES module style) is the TypeScript file.
  const stem = base.replace(/\.(?:js|jsx|mjs|cjs)$/, '');
  const candidates = [base, ...extensions.map((extension) => `${stem}${extension}`), ...extensions.map((extension) => join(base, `index${extension}`))];
  return candidates.find((candidate) => candidate !== resolve(from) && fileVersion(candidate) !== undefined);
}

/**
 * Every call of a name or a member: where a loss or an activation can be (`words`), and the calls
 * of a name or of a member of `this` (`lossFn(...)`, `this.criterion(...)`), where a loss held by
 * a name can be applied (`receivers`).
 */
function callCandidates(root: IrNode): SiteCandidates {
  const words: Array<readonly [number, number]> = [];
  const receivers: Array<readonly [number, number]> = [];
  const stack: IrNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'call') {
      const callee = node.childForFieldName('function');
      const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute') : callee?.type === 'identifier' ? callee : null;
      if (name && name.endIndex > name.startIndex) {
        words.push([name.startIndex, name.endIndex - name.startIndex]);
        const object = callee?.type === 'attribute' ? callee.childForFieldName('object') : null;
        if (callee?.type === 'identifier' || (object?.type === 'identifier' && object.text === 'this'))
          receivers.push([name.startIndex, name.endIndex - name.startIndex]);
      }
    }
    for (const child of node.namedChildren) if (child) stack.push(child);
  }
  words.sort((a, b) => a[0] - b[0]);
  receivers.sort((a, b) => a[0] - b[0]);
  return { mentions: { words }, receivers };
}

/**
 * Parses as TSX or not (by the file's name; a file that only parses the other way is read so).
 * A top-level statement with a syntax error is blanked out (its offsets kept) and the rest parsed
 * again, up to `MAX_BROKEN_STATEMENTS` times.
 */
function parseTolerant(text: string, jsx: boolean): { program: TSESTree.Program; syntaxErrors?: readonly Span[] } | { skipped: string } {
  let source = text;
  const blanked: Array<[number, number]> = [];
  let sourceFile: ts.SourceFile | undefined;
  for (let attempt = 0; ; attempt++) {
    let failure: unknown;
    try {
      const program = parseEither(source, jsx);
      if (blanked.length === 0) return { program };
      return { program, syntaxErrors: blanked.sort((a, b) => a[0] - b[0]).map(([start, end]) => ({ start, end })) };
    } catch (error) {
      failure = error;
    }
    const offset = errorOffset(failure);
    sourceFile ??= ts.createSourceFile(jsx ? 'file.tsx' : 'file.ts', text, ts.ScriptTarget.Latest, false, jsx ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    // The top-level statement TypeScript's own (error-tolerant) parser puts the error in, or the
    // line it is on when it is in none (a stray `}` after the statements).
    const statement = offset === undefined ? undefined : sourceFile.statements.find((candidate) => candidate.pos <= offset && offset < candidate.end);
    const range: [number, number] | undefined = statement
      ? [statement.getStart(sourceFile), statement.end]
      : offset === undefined
        ? undefined
        : [text.lastIndexOf('\n', offset - 1) + 1, text.indexOf('\n', offset) < 0 ? text.length : text.indexOf('\n', offset)];
    if (!range || attempt >= MAX_BROKEN_STATEMENTS || blanked.some(([start, end]) => start <= range[0] && range[1] <= end)) {
      const line = offset === undefined ? undefined : new LineIndex(text).line(offset);
      return {
        skipped:
          line !== undefined
            ? l10n.t('skipped: a syntax error at line {0}; LossLens reads the file again once it parses', line)
            : l10n.t('skipped: a syntax error; LossLens reads the file again once it parses'),
      };
    }
    blanked.push(range);
    source = source.slice(0, range[0]) + source.slice(range[0], range[1]).replace(/[^\r\n]/g, ' ') + source.slice(range[1]);
  }
}

function errorOffset(error: unknown): number | undefined {
  const index = error && typeof error === 'object' && 'index' in error ? Number((error as { index: unknown }).index) : NaN;
  return Number.isFinite(index) ? index : undefined;
}

function parseEither(text: string, jsx: boolean): TSESTree.Program {
  try {
    return parse(text, { range: true, loc: false, jsx, comment: false });
  } catch (error) {
    try {
      return parse(text, { range: true, loc: false, jsx: !jsx, comment: false });
    } catch {
      throw error;
    }
  }
}

/**
 * Whether the file uses TensorFlow.js's global `tf` (a page loads it with a `<script>` tag):
 * it imports and requires no TensorFlow.js package, and declares no `tf` of its own.
 */
function usesGlobalTf(program: TSESTree.Program): boolean {
  // Most files say at the top: an import, or a top-level `require`.
  for (const statement of program.body) {
    if (statement.type === 'ImportDeclaration' && TFJS_PACKAGE.test(String(statement.source.value))) return false;
    if (statement.type === 'VariableDeclaration' && statement.declarations.some((declarator) => declarator.init && requiresTfjs(declarator.init))) return false;
  }
  let found = false;
  simpleTraverse(program, {
    enter: (node, parent) => {
      if (found) return;
      if (node.type === 'ImportDeclaration' && TFJS_PACKAGE.test(String(node.source.value))) found = true;
      else if (requiresTfjs(node)) found = true;
      else if (node.type === 'Identifier' && node.name === 'tf' && parent && binds(parent, node)) found = true;
    },
  });
  return !found;
}

function requiresTfjs(node: TSESTree.Node): boolean {
  return (
    node.type === 'CallExpression' &&
    node.callee.type === 'Identifier' &&
    node.callee.name === 'require' &&
    node.arguments[0]?.type === 'Literal' &&
    TFJS_PACKAGE.test(String(node.arguments[0].value))
  );
}

/** Whether `identifier` is declared by `parent` (a variable, parameter, import, class, catch clause). */
function binds(parent: TSESTree.Node, identifier: TSESTree.Identifier): boolean {
  switch (parent.type) {
    case 'VariableDeclarator':
    case 'ClassDeclaration':
    case 'TSImportEqualsDeclaration':
      return parent.id === identifier;
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return parent.id === identifier || parent.params.includes(identifier);
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
      return parent.local === identifier;
    case 'CatchClause':
      return parent.param === identifier;
    case 'AssignmentPattern':
      return parent.left === identifier;
    case 'ArrayPattern':
    case 'RestElement':
      return true;
    case 'Property':
      // `{ tf }` in a pattern binds it; in an object literal it reads it: either way, not the global for sure.
      return parent.value === identifier;
    default:
      return false;
  }
}
