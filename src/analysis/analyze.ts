import * as l10n from '@vscode/l10n';
import { PythonModule } from './python/binder';
import { Evaluator } from './python/evaluator';
import { importedModules, type ImportResolver } from './python/imports';
import { diffText, parsePython, pythonParser, type Parser, type TextChange, type Tree } from './python/parser';
import { affectedStatements, chunkAt, relevantSpans, topLevelStatements, type Chunk } from './python/relevant';
import { activationNamed, findSites, mentions, receiverCalls } from './python/sites';
import { lineOf } from './python/syntax';
import { RULES } from './rules';
import { lineLocator } from './rules/helpers/describe';
import type { Report } from './rules/rule';
import { suppressions } from './suppression';
import type { AnalysisResult, Finding, LossSite, Span } from './types';

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface AnalyzeOptions {
  /** Rule codes to run; empty or absent: all. */
  readonly select?: readonly string[];
  readonly ignore?: readonly string[];
  readonly maxFileBytes?: number;
  /** Called when a rule fails internally; the other rules still run. */
  readonly onInternalError?: (rule: string, error: unknown) => void;
  /** Ignore `# losslens: ignore-file` in the text (notebooks decide it from their first cell). */
  readonly ignoreFileComments?: boolean;
  /** Where an offset is, in words; "line N" by default (notebooks say which cell). */
  readonly locate?: (offset: number) => string;
  /** Parse every statement, not only those that can reach a loss (to test that both agree). */
  readonly parseEverything?: boolean;
  /** Finds the workspace files this one imports, so facts can cross into them. */
  readonly resolveImport?: ImportResolver;
}

function enabled(code: string, options: AnalyzeOptions): boolean {
  if (options.ignore?.includes(code)) return false;
  return !options.select || options.select.length === 0 || options.select.includes(code);
}

/** Why a text is not analysed, if it is not: too large, or binary. */
export function skipReason(text: string, options: AnalyzeOptions): string | undefined {
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (text.length > limit) return l10n.t('skipped: larger than {0} KB', Math.round(limit / 1024));
  if (text.includes('\u0000')) return l10n.t('skipped: contains NUL bytes (binary file)');
  return undefined;
}

/** Findings of one top-level statement, as computed for a version of the text. */
interface StatementResult {
  readonly text: string;
  readonly start: number;
  readonly defines: readonly string[];
  readonly findings: readonly Finding[];
}

function shiftSpan(span: Span, delta: number): Span {
  return { start: span.start + delta, end: span.end + delta };
}

function shiftFinding(finding: Finding, delta: number): Finding {
  if (delta === 0) return finding;
  return {
    ...finding,
    span: shiftSpan(finding.span, delta),
    evidence: finding.evidence.map((entry) => ({ ...entry, span: shiftSpan(entry.span, delta) })),
    ...(finding.fix ? { fix: { ...finding.fix, edits: finding.fix.edits.map((edit) => ({ ...edit, span: shiftSpan(edit.span, delta) })) } } : {}),
  };
}

function newlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/**
 * Analyses Python source. One instance per document keeps the last tree, so the next version is
 * parsed incrementally, and the findings of each top-level statement, so after an edit only the
 * statements it can affect are checked again (when no line was added or removed: messages name
 * lines).
 */
export class PythonAnalyzer {
  private previous: { text: string; tree: Tree; spans: string; statements: readonly Chunk[] } | undefined;
  private importTrees: Tree[] = [];
  private importKey = '';
  private results: { key: string; text: string; lines: number; statements: StatementResult[] } | undefined;

  async analyze(text: string, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
    const skipped = skipReason(text, options);
    if (skipped) return { findings: [], sites: [], skipped };
    const marks = suppressions(text);
    const found = mentions(text);
    if ((marks.file && !options.ignoreFileComments) || found.length === 0) {
      this.results = undefined;
      return { findings: [], sites: [] };
    }
    const parser = await pythonParser();
    const change = this.previous ? diffText(this.previous.text, text) : undefined;
    const statements = topLevelStatements(text, this.previous && change ? { statements: this.previous.statements, change } : undefined);
    const calls = receiverCalls(text, found);
    // Only the statements that can reach a loss are parsed; offsets stay those of `text`.
    const seeds = [...siteSeeds(text, found, statements, options), ...calls.map(([offset]) => offset)].sort((a, b) => a - b);
    if (seeds.length === 0) {
      this.results = undefined;
      return { findings: [], sites: [] };
    }
    const spans = options.parseEverything ? undefined : relevantSpans(text, seeds, statements);
    // Incremental parsing reuses the old tree only when the same statements are parsed.
    const spanKey = spans ? spans.map((span) => `${span.start}-${span.end}`).join(',') : '';
    const sameSpans = this.previous && change && this.previous.spans === shiftedSpanKey(change, spans);
    const tree = parsePython(parser, text, sameSpans ? this.previous : undefined, spans, change && wholeStatements(change, statements));
    const imports = this.loadImports(parser, text, options);
    // A syntax error can change how tree-sitter reads untouched statements: check everything then.
    const reusable = tree.rootNode.hasError || imports.changed ? new Map<number, readonly Finding[]>() : this.reusable(text, statements, options, change);
    this.previous?.tree.delete();
    this.previous = { text, tree, spans: spanKey, statements };
    const result = analyzeTree(text, tree, options, marks, found, calls, statements, reusable, imports.evaluators);
    this.results = { key: optionsKey(options), text, lines: newlines(text), statements: result.statements };
    return {
      findings: result.findings,
      // Computed on demand: the facts of every site cost what the reused findings saved.
      get sites() {
        return result.sites();
      },
    };
  }

  /** Findings of statements an edit cannot have changed, moved to their new offsets, by statement index. */
  private reusable(text: string, statements: readonly Chunk[], options: AnalyzeOptions, change: TextChange | undefined): Map<number, readonly Finding[]> {
    const reused = new Map<number, readonly Finding[]>();
    const cache = this.results;
    if (!cache || !change || cache.text !== this.previous?.text || cache.key !== optionsKey(options) || options.locate || newlines(text) !== cache.lines)
      return reused;
    const delta = change.newEnd - change.oldEnd;
    const byPosition = new Map(cache.statements.map((result) => [result.start, result]));
    // A statement is unchanged when one with its text started at the same place before the edit.
    const before = (statement: Chunk) => {
      const oldStart = statement.start >= change.newEnd ? statement.start - delta : statement.start;
      const old = byPosition.get(oldStart);
      return old && old.text === text.slice(statement.start, statement.end) ? old : undefined;
    };
    const touched = new Set<number>();
    const survivors = new Set<StatementResult>();
    statements.forEach((statement, index) => {
      const old = before(statement);
      if (!old || (statement.end >= change.start && statement.start <= change.newEnd)) touched.add(index);
      else survivors.add(old);
    });
    // Names defined by statements that are gone or changed (an edit can also split or join
    // statements away from it, by opening a bracket): their users must be checked again too.
    const oldDefines = cache.statements.filter((result) => !survivors.has(result)).flatMap((result) => result.defines);
    const affected = affectedStatements(text, statements, [...touched], oldDefines);
    // A comment line above a statement (`# losslens: ignore[...]`) belongs to the one before it:
    // the statement after a changed one is checked again too (what it defines has not changed).
    for (const index of touched) if (index + 1 < statements.length) affected.add(index + 1);
    statements.forEach((statement, index) => {
      if (affected.has(index)) return;
      const old = before(statement);
      if (old)
        reused.set(
          index,
          old.findings.map((finding) => shiftFinding(finding, statement.start - old.start)),
        );
    });
    return reused;
  }

  /**
   * Parses the workspace modules the file imports (one level deep), for facts that cross files:
   * a model class defined in `models.py` and trained here. Their trees live until the next run.
   */
  private loadImports(parser: Parser, text: string, options: AnalyzeOptions): { evaluators: Map<string, Evaluator>; changed: boolean } {
    for (const tree of this.importTrees.splice(0)) tree.delete();
    const evaluators = new Map<string, Evaluator>();
    const key: string[] = [];
    if (options.resolveImport) {
      for (const name of importedModules(text)) {
        const source = options.resolveImport(name);
        if (!source || skipReason(source.text, options)) continue;
        const tree = parsePython(parser, source.text);
        this.importTrees.push(tree);
        evaluators.set(name, new Evaluator(new PythonModule(source.text, tree), new Map(), source.path));
        key.push(`${source.path}\u0000${source.text}`);
      }
    }
    const joined = key.join('\u0001');
    const changed = joined !== this.importKey;
    this.importKey = joined;
    return { evaluators, changed };
  }

  dispose(): void {
    this.previous?.tree.delete();
    this.previous = undefined;
    this.results = undefined;
    for (const tree of this.importTrees.splice(0)) tree.delete();
  }
}

/**
 * The change as tree-sitter is told of it: the whole top-level statements it falls in, up to the
 * next statement. Told only of the changed characters, tree-sitter reuses the start of a
 * statement but then re-parses every statement after it when the edit ends a block (measured:
 * 5 ms instead of 0.7 in a 5,000-line file), while a statement re-parsed whole leaves the rest
 * reusable.
 */
function wholeStatements(change: TextChange, statements: readonly Chunk[]): TextChange {
  const delta = change.newEnd - change.oldEnd;
  let start = change.start;
  let newEnd = change.newEnd;
  for (const statement of statements) {
    if (statement.end <= change.start) continue;
    if (statement.start <= change.start) start = Math.min(start, statement.start);
    if (statement.start >= change.newEnd) {
      newEnd = statement.start;
      break;
    }
    newEnd = Math.max(newEnd, statement.end);
  }
  return { start, oldEnd: newEnd - delta, newEnd };
}

/**
 * The mentions a finding can come from: every loss (and alias), and the activations some
 * enabled rule reads, where the statement around them has what that rule needs besides
 * (`log(` for a sigmoid: model zoos gate with sigmoids everywhere, and only a log of one is a
 * finding).
 */
function siteSeeds(text: string, found: ReadonlyArray<[number, number]>, statements: readonly Chunk[], options: AnalyzeOptions): number[] {
  const readers = RULES.filter((rule) => rule.activations && enabled(rule.code, options)).flatMap((rule) => rule.activations!);
  const seeds: number[] = [];
  for (const [offset, length] of found) {
    const kind = activationNamed(text.slice(offset, offset + length));
    if (kind === undefined) {
      seeds.push(offset);
      continue;
    }
    const index = chunkAt(statements, offset);
    const statement = index >= 0 ? statements[index]! : undefined;
    const read = readers.some(({ kinds, near }) => {
      if (!kinds.includes(kind)) return false;
      if (!near || !statement) return true;
      near.lastIndex = 0;
      return near.test(text.slice(statement.start, statement.end));
    });
    if (read) seeds.push(offset);
  }
  return seeds;
}

/** The previous version's span key, as the new spans would be written if the edit only moved them. */
function shiftedSpanKey(change: TextChange, spans: ReadonlyArray<{ start: number; end: number }> | undefined): string {
  if (!spans) return '';
  const delta = change.newEnd - change.oldEnd;
  const back = (offset: number) => (offset >= change.newEnd ? offset - delta : offset);
  return spans.map((span) => `${back(span.start)}-${back(span.end)}`).join(',');
}

function optionsKey(options: AnalyzeOptions): string {
  return JSON.stringify([options.select ?? [], options.ignore ?? [], !!options.parseEverything]);
}

function analyzeTree(
  text: string,
  tree: Tree,
  options: AnalyzeOptions,
  marks: ReturnType<typeof suppressions>,
  found: ReadonlyArray<[number, number]>,
  calls: ReadonlyArray<[number, number]>,
  statements: readonly Chunk[],
  reused: ReadonlyMap<number, readonly Finding[]>,
  imports: ReadonlyMap<string, Evaluator>,
): { findings: Finding[]; sites: () => LossSite[]; statements: StatementResult[] } {
  const module = new PythonModule(text, tree, statements);
  const evaluator = new Evaluator(module, imports);
  // Sites only where statements are checked again; every site only if something asks for them.
  const checked = statements.filter((_statement, index) => !reused.has(index));
  const inScope = reused.size === 0 ? undefined : (offset: number) => chunkAt(checked, offset) >= 0;
  const { losses, activations } = findSites(module, evaluator, found, calls, inScope);
  let everySite: ReturnType<typeof findSites> | undefined;
  const allSites = () => (everySite ??= inScope ? findSites(module, evaluator, found, calls) : { losses, activations });
  const locate = options.locate ?? lineLocator(text);
  const results: StatementResult[] = [];
  // Rules run statement by statement, so each statement's findings can be kept for the next edit.
  let siteCursor = 0;
  let activationCursor = 0;
  statements.forEach((statement, index) => {
    const ownLosses: typeof losses = [];
    while (siteCursor < losses.length && losses[siteCursor]!.call.startIndex < statement.end) {
      if (losses[siteCursor]!.call.startIndex >= statement.start) ownLosses.push(losses[siteCursor]!);
      siteCursor++;
    }
    const ownActivations: typeof activations = [];
    while (activationCursor < activations.length && activations[activationCursor]!.call.startIndex < statement.end) {
      if (activations[activationCursor]!.call.startIndex >= statement.start) ownActivations.push(activations[activationCursor]!);
      activationCursor++;
    }
    const statementText = text.slice(statement.start, statement.end);
    const kept = reused.get(index);
    if (kept) {
      results.push({ text: statementText, start: statement.start, defines: statement.defines, findings: kept });
      return;
    }
    const findings: Finding[] = [];
    if (ownLosses.length > 0 || ownActivations.length > 0) {
      for (const rule of RULES) {
        if (!enabled(rule.code, options)) continue;
        const report = (entry: Report) => {
          if (marks.isSuppressed(rule.code, lineOf(text, entry.span.start))) return;
          findings.push({
            code: rule.code,
            rule: rule.name,
            severity: entry.severity ?? rule.severity,
            message: entry.message,
            span: entry.span,
            evidence: entry.evidence ?? [],
            ...(entry.fix ? { fix: entry.fix } : {}),
          });
        };
        try {
          rule.check({
            text,
            locate,
            module,
            evaluator,
            losses: ownLosses,
            activations: ownActivations,
            get allLosses() {
              return allSites().losses;
            },
            report,
          });
        } catch (error) {
          options.onInternalError?.(rule.code, error);
        }
      }
    }
    results.push({ text: statementText, start: statement.start, defines: statement.defines, findings });
  });
  // The same finding can come from two statements (one weight, two uses of the loss): report it once.
  const unique = new Map<string, Finding>();
  for (const finding of results.flatMap((result) => result.findings))
    unique.set(`${finding.code}:${finding.span.start}:${finding.span.end}:${finding.message}`, finding);
  const findings = [...unique.values()].sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
  let siteCache: LossSite[] | undefined;
  const sites = (): LossSite[] =>
    (siteCache ??= allSites().losses.map((site): LossSite => {
      const input = site.args.get(site.api.parameters[0]!);
      const target = site.args.get(site.api.parameters[1] ?? '');
      const inputFact = input ? evaluator.factOf(input) : undefined;
      const targetFact = target ? evaluator.factOf(target) : undefined;
      const literal = [...site.args.values()].length > 0 && [...site.args.values()].every((node) => evaluator.factOf(node).origin === 'literal');
      return {
        framework: 'torch',
        api: site.qualified,
        loss: site.api.loss,
        kind: site.kind,
        span: { start: site.call.startIndex, end: site.call.endIndex },
        options: Object.fromEntries([...site.options].map(([key, node]) => [key, node.text])),
        ...(inputFact ? { input: inputFact } : {}),
        ...(targetFact ? { target: targetFact } : {}),
        literal: site.kind === 'application' && literal,
      };
    }));
  return { findings, sites, statements: results };
}
