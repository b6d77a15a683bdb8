import * as l10n from '@vscode/l10n';
import type { AnalysisHost, ImportedModule } from '../host';
import { moveData } from '../messages';
import { skipReason, type AnalyzeOptions } from '../options';
import { SiteIndex, activationReaders, findingsThroughCalls, firstByRank, runRules, uniqueBy } from '../rules/run';
import { suppressions } from '../suppression';
import { finish, inSlices, type Steps } from '../slices';
import type { AnalysisResult, Fact, Finding, FindingRanking, LossSite, Span } from '../types';
import { BoundModule, type FunctionInfo } from '../engine/binder';
import { affectedStatements, calledDefinitions, readsItsCalls } from './impact';
import { importedModules } from './imports';
import { Interpreter } from '../engine/interpreter';
import { diffText, parsePython, ParseTimeout, type Node, type Parser, type TextChange, type Tree } from './parser';
import { parseSpans, scanMentions, select, type Selection } from './select';
import { describeSites, findSites, siteSteps, type ActivationSite, type PythonLossSite } from '../engine/sites';
import { correspondence, statementAt, topLevelStatements, type Statement } from './statements';
import { frameworkLibrary } from '../frameworks/library';
import { OffsetMap } from './offset-map';

/**
 * What checking one statement gave: its findings, and its loss sites described as plain data,
 * with the offsets of the version it was checked in. Carried over edits as it is: the version's
 * offset map says where its offsets are now (`placed`).
 */
interface StatementCheck {
  readonly findings: readonly Finding[];
  readonly sites: readonly LossSite[];
  /** Its applications of loss modules: where the module is constructed, and the space of the input each gets. */
  readonly applications?: ReadonlyArray<{ readonly construction: Span; readonly space: Fact['space'] | undefined }>;
  /** The version whose offsets it holds; none when it holds none. */
  readonly version?: number;
  /**
   * Where the statements its offsets lie in started, in that version: it is carried over an edit
   * only while each of them is unchanged. None when an offset lies outside every statement.
   */
  readonly footprint?: readonly number[];
}

/** A check with nothing in it (most statements). */
const NOTHING: StatementCheck = { findings: [], sites: [], footprint: [] };

/** How long a tree replaced by the next version's is kept before it is freed. */
const TREE_DELETE_DELAY_MS = 1000;

/** Past this many runs, a version's map is retired: its checks are moved to the offsets of now. */
const MAX_MAP_RUNS = 64;

/** One analysed version of the file: what the next version can reuse. */
interface Version {
  /** Counts the versions of this file, for checks to name the one their offsets are in. */
  readonly id: number;
  /** For each earlier version whose offsets a check holds: where those offsets are in this one. */
  readonly maps: ReadonlyMap<number, OffsetMap>;
  readonly text: string;
  readonly statements: readonly Statement[];
  readonly tree: Tree;
  /** The spans parsed, as a key: incremental parsing needs the same ones. */
  readonly spans: string;
  /** Per statement: the names binding it found it binds (undefined where it was not visited). */
  readonly bound: ReadonlyArray<readonly string[] | undefined>;
  /** The imported modules, by path and version on disk. */
  readonly imports: string;
  /** Whether its tree had a syntax error: its findings are then not carried over. */
  readonly hadError: boolean;
  /** Where the syntax errors are (what tree-sitter could not read), when there are any. */
  readonly syntaxErrors?: readonly Span[];
  /** Per statement: its findings and loss sites, for the options they were computed with. */
  readonly checks: { readonly options: string; readonly byStatement: readonly StatementCheck[] } | undefined;
}

/**
 * A Python file (or a notebook's cells joined) as LossLens analyses it, version after version:
 * its statements, syntax tree, bound names, imports and findings, each kept while it stays
 * right, so that re-analysis after an edit costs what the edit touched. `analyze` runs the
 * phases in order: select → parse → bind → sites → rules → findings (docs/ARCHITECTURE.md).
 */
export class SourceFile {
  private last: Version | undefined;
  /** The id the next version gets. */
  private nextId = 0;
  /** The analysis under way, if any: the next one waits for it (each builds on the one before). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly host: AnalysisHost,
    /** Where the file is on disk, for resolving its imports; none for unsaved documents. */
    readonly path?: string,
  ) {}

  /**
   * The findings (and with `sites`, the loss sites) of this version of the file. Analyses of one
   * file run one after another, in the order asked for; with `sliceMs`, each gives the thread
   * back between slices of that many milliseconds.
   */
  analyze(text: string, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
    const result = this.queue.then(() => this.run(text, options));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async run(text: string, options: AnalyzeOptions): Promise<AnalysisResult> {
    const started = performance.now();
    const skipped = skipReason(text, options);
    if (skipped) return { findings: [], skipped };
    const previous = this.last;
    const key = optionsKey(options);
    this.host.enter();
    try {
      // The same text as last time, with the same options and imports: the same answer (a hover
      // asking for the sites of the version just analysed costs nothing).
      if (previous && previous.text === text && previous.checks?.options === key) {
        const parser = await this.host.parser();
        if (this.imports(parser, text, previous.statements, this.callers(previous.statements)).key === previous.imports) {
          return result(previous.checks.byStatement, previous, options, previous.syntaxErrors);
        }
      }
      // 1. Select: where sites can be, and what must be parsed for them. Most files of a model
      // zoo name no loss at all, and are done after one scan of their text.
      const nothing = { findings: [], ...(options.sites ? { sites: [] } : {}) };
      const mentions = scanMentions(text);
      // A file naming no loss is done — unless files importing it may hand its functions a loss.
      if (mentions.words.length === 0 && !(this.path && /\bdef\b/.test(text))) return nothing;
      const marks = suppressions(text);
      if (marks.file && !options.ignoreFileComments) return nothing;
      const change = previous ? diffText(previous.text, text) : undefined;
      const statements = topLevelStatements(text, previous && change ? { statements: previous.statements, change } : undefined);
      const importers = this.callers(statements);
      if (mentions.words.length === 0 && importers.length === 0) return nothing;
      const selection = select(text, mentions, statements, activationReaders(options), options.parseEverything, importers.length > 0);
      if (selection.seeds.length === 0) return nothing;
      const parser = await this.host.parser();
      const steps = this.check({ text, options, key, marks, previous, change, statements, selection, parser, importers });
      return options.sliceMs === undefined ? finish(steps) : await inSlices(steps, options.sliceMs, started);
    } catch (error) {
      // Every walk over a syntax tree is bounded or a loop, but one that is not would exhaust the
      // stack on code nested thousands deep: that file is skipped, with the reason, and the
      // version before it kept.
      if (error instanceof RangeError && /call stack/i.test(error.message))
        return { findings: [], skipped: l10n.t('skipped: expressions nested too deeply to read') };
      if (error instanceof ParseTimeout) {
        return {
          findings: [],
          skipped: l10n.t('skipped: the parser gave up after {0} s (a syntax error it cannot recover from quickly)', error.budgetMs / 1000),
        };
      }
      throw error;
    } finally {
      this.host.leave();
    }
  }

  /** Phases 2 to 6 for a selection, pausing where an editor may take the thread back. */
  private *check(input: CheckInput): Steps<AnalysisResult> {
    const { text, options, key, previous, change, statements, selection, parser, importers } = input;
    yield;
    const imports = this.imports(parser, text, statements, importers);
    const same = previous && change ? correspondence(previous, text, statements, change) : undefined;
    // The findings of statements an edit cannot have changed are carried over (a syntax error,
    // in the version they come from or in this one, can change how tree-sitter reads untouched
    // statements, and a changed import anything: then everything is checked).
    const id = this.nextId++;
    const kept =
      previous?.hadError !== false || imports.key !== previous.imports || previous.checks?.options !== key || !same
        ? { carried: new Map<number, StatementCheck>(), maps: new Map<number, OffsetMap>() }
        : carryOver(previous, previous.checks.byStatement, text, statements, same, change!, id);
    const carried = kept.carried;
    // 2. Parse: only what the statements checked again need (their seeds, and the statements those
    // read), incrementally when the same ones were parsed before: after an edit in a file of
    // thousands of loss lines, a few statements.
    const narrowed = carried.size > 0 && !options.parseEverything ? narrowSelection(selection, statements, carried, text, same!, change!) : selection;
    const parse = (chosen: Selection) => {
      const reuseTree = previous && change && previous.spans === movedSpanKey(change, chosen.spans) ? previous : undefined;
      return parsePython(parser, text, reuseTree, chosen.spans, change && wholeStatements(change, statements));
    };
    let tree = parse(narrowed);
    let chosen = narrowed;
    // A syntax error where only part was parsed: the whole selection is, and checked anew.
    if (tree.rootNode.hasError && narrowed !== selection) {
      tree.delete();
      tree = parse(selection);
      chosen = selection;
    }
    // Kept for the next version when the analysis ends; freed when it throws.
    try {
      return yield* this.checkParsed(
        { ...input, selection: chosen },
        {
          id,
          tree,
          imports,
          same,
          ...(tree.rootNode.hasError || chosen !== narrowed ? { carried: new Map<number, StatementCheck>(), maps: new Map<number, OffsetMap>() } : kept),
        },
      );
    } catch (error) {
      tree.delete();
      throw error;
    }
  }

  /** Phases 3 to 6 for a selection parsed into `tree`, with what carries over from the version before. */
  private *checkParsed(input: CheckInput, parsed: Parsed): Steps<AnalysisResult> {
    const { text, options, key, marks, previous, statements, selection, parser } = input;
    const { id, tree, imports, same, carried, maps } = parsed;
    const spans = spanKey(selection.spans);
    yield;

    // 3. Bind: names, scopes and imports; the interpreter follows values on demand from here on.
    const bound = statements.map((_statement, index) => (same && same[index]! >= 0 ? previous!.bound[same[index]!] : undefined));
    const module = new BoundModule(text, tree, { statements, bound }, selection.spans);
    // The calls of this file's functions from the workspace files that import it.
    const path = this.path;
    const external =
      path && imports.importers.length > 0
        ? (fn: FunctionInfo, max: number) => (max > 0 ? this.host.externalCalls(path, fn.name, parser, max) : [])
        : undefined;
    const interpreter = new Interpreter(module, frameworkLibrary, imports.interpreters, undefined, undefined, external);
    yield;
    const checked = statements.filter((_statement, index) => !carried.has(index));
    const inScope = carried.size === 0 ? undefined : (offset: number) => statementAt(checked, offset) >= 0;
    const sites = yield* siteSteps(module, interpreter, selection, inScope);
    let everySite: ReturnType<typeof findSites> | undefined;
    const allSites = () => (everySite ??= inScope ? findSites(module, interpreter, selection) : sites);
    const ruleInput = { text, module, interpreter, marks, options };
    // The applications of loss modules in statements carried over (maybe not parsed this time):
    // whether every application of a module gets logits decides how safe renaming it is.
    const elsewhere = carriedApplications(carried, maps);
    const index = new SiteIndex(() => allSites().losses, interpreter, elsewhere);
    const own = sitesByStatement(sites, statements);
    // A statement's sites are described (as plain data, for hovers) with the facts its rules read.
    const byStatement: StatementCheck[] = [];
    for (let at = 0; at < statements.length; at++) {
      const carriedCheck = carried.get(at);
      if (carriedCheck) {
        byStatement.push(carriedCheck);
        continue;
      }
      const [losses, activations] = [own.losses[at]!, own.activations[at]!];
      if (losses.length === 0 && activations.length === 0) {
        byStatement.push(NOTHING);
        continue;
      }
      // What the rules will ask of each site's arguments, a site at a time (the interpreter keeps
      // the answers): a statement of many losses is then checked in several slices.
      for (const site of losses) {
        for (const argument of site.args.values()) interpreter.factOf(argument);
        yield;
      }
      const found = runRules(ruleInput, index, losses, activations);
      // A function whose calls pass different models or losses: checked once per call as well.
      const through = yield* findingsThroughCalls(ruleInput, (pinned) => new SiteIndex(() => allSites().losses, pinned, elsewhere), losses, activations, found);
      const applications = losses.map((site) => index.application(site)).filter((application) => application !== undefined);
      byStatement.push(
        withFootprint(
          { findings: [...found, ...through], sites: describeSites(losses, interpreter), ...(applications.length > 0 ? { applications } : {}), version: id },
          statements,
        ),
      );
      yield;
    }

    // The tree before is freed once the findings are out: deleting a large one takes a while.
    if (previous) deleteLater(previous.tree);
    const syntaxErrors = tree.rootNode.hasError ? errorSpans(tree.rootNode) : undefined;
    this.last = {
      id,
      maps,
      text,
      statements,
      tree,
      spans,
      bound: module.scope.boundNames() ?? bound,
      imports: imports.keyAfter(),
      hadError: tree.rootNode.hasError,
      ...(syntaxErrors ? { syntaxErrors } : {}),
      checks: { options: key, byStatement },
    };
    return result(byStatement, this.last, options, syntaxErrors);
  }

  /**
   * The workspace files importing this one whose calls of its functions count: those that name a
   * loss, when one of its functions reads what its calls pass (none for unsaved documents).
   */
  private callers(statements: readonly Statement[]): readonly string[] {
    return this.path && statements.some((statement) => readsItsCalls(statement)) ? this.host.lossImporters(this.path) : [];
  }

  /**
   * The workspace modules this file imports (one level deep), as the host has them now, keyed with
   * the versions of the importing files whose calls count (`callers`).
   */
  private imports(
    parser: Parser,
    text: string,
    statements: readonly Statement[],
    importers: readonly string[],
  ): { interpreters: Map<string, Interpreter>; key: string; keyAfter: () => string; importers: readonly string[] } {
    const interpreters = new Map<string, Interpreter>();
    const modules: ImportedModule[] = [];
    const importersKey = this.path && importers.length > 0 ? [this.host.importersKey(this.path)] : [];
    if (this.path) {
      for (const name of importedModules(text, statements)) {
        const path = this.host.resolve(this.path, name);
        const imported = path ? this.host.module(path, parser) : undefined;
        if (!imported) continue;
        interpreters.set(name, imported.interpreter);
        modules.push(imported);
      }
    }
    // The modules an analysis reads of their imports are known once it has: the key kept for the
    // next version names them too.
    const keyOf = () => [...importersKey, ...modules.map((module) => this.host.deepVersion(module))].join('\u0001');
    return { interpreters, key: keyOf(), keyAfter: keyOf, importers };
  }

  /** Frees the syntax tree kept for the next version (after the analysis under way, if any). */
  dispose(): void {
    this.queue = this.queue.then(() => {
      this.last?.tree.delete();
      this.last = undefined;
    });
  }
}

/**
 * Deletes a tree once the findings made without it are out: a second later, when an editor has
 * shown them (freeing the tree of a whole 2 MB file takes a tenth of a second). A function of its
 * own: the closure holds the tree alone.
 */
function deleteLater(tree: Tree): void {
  setTimeout(() => tree.delete(), TREE_DELETE_DELAY_MS).unref();
}

/** What the parse of a version gave, and what it reuses of the version before. */
interface Parsed {
  readonly id: number;
  readonly tree: Tree;
  readonly imports: ReturnType<SourceFile['imports']>;
  readonly same: Int32Array | undefined;
  /** The checks carried over, by statement index. */
  readonly carried: ReadonlyMap<number, StatementCheck>;
  /** Where the offsets of the versions those checks hold are now. */
  readonly maps: ReadonlyMap<number, OffsetMap>;
}

/**
 * The selection for the statements checked again after an edit: their seeds, and what those read
 * (`parseSpans`); the statements whose checks are carried over need not be parsed at all. What the
 * edit changed is parsed too wherever the whole selection would parse it (the changed statements,
 * and the changed lines themselves, which may lie outside any statement): a syntax error there
 * changes how the rest reads, and is noticed only where it is parsed.
 */
function narrowSelection(
  selection: Selection,
  statements: readonly Statement[],
  carried: ReadonlyMap<number, StatementCheck>,
  text: string,
  same: Int32Array,
  change: TextChange,
): Selection {
  const seeds: number[] = [];
  let at = 0;
  for (const seed of selection.seeds) {
    while (at < statements.length && statements[at]!.end <= seed) at++;
    if (at < statements.length && statements[at]!.start <= seed && !carried.has(at)) seeds.push(seed);
  }
  const spans = parseSpans(seeds, statements, text);
  if (!spans) return { ...selection, seeds, spans };
  const lineEnd = text.indexOf('\n', change.newEnd);
  const lines = { start: text.lastIndexOf('\n', change.start - 1) + 1, end: lineEnd < 0 ? text.length : lineEnd + 1 };
  // Whole statements: a statement parsed in part would read as a syntax error.
  const changed = [
    lines,
    ...statements
      .filter((statement, index) => same[index]! < 0 || (statement.start < lines.end && lines.start < statement.end))
      .map(({ start, end }) => ({ start, end })),
  ];
  const whole = selection.spans ?? [{ start: 0, end: text.length }];
  const parsedAnyway = changed.flatMap((span) =>
    whole
      .filter((part) => part.start < span.end && span.start < part.end)
      .map((part) => ({ start: Math.max(part.start, span.start), end: Math.min(part.end, span.end) })),
  );
  return { ...selection, seeds, spans: mergeSpans([...spans, ...parsedAnyway]) };
}

/** Spans sorted and made disjoint (overlapping or touching ones joined). */
function mergeSpans(spans: Array<{ start: number; end: number }>): Array<{ start: number; end: number }> {
  spans.sort((a, b) => a.start - b.start);
  const merged: Array<{ start: number; end: number }> = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/**
 * The applications of loss modules the carried checks hold, of the construction at a place now
 * (asked for a few constructions after an edit: each question reads the carried checks once).
 */
function carriedApplications(
  carried: ReadonlyMap<number, StatementCheck>,
  maps: ReadonlyMap<number, OffsetMap>,
): (construction: Span) => ReadonlyArray<Fact['space'] | undefined> {
  const answers = new Map<string, Array<Fact['space'] | undefined>>();
  return (construction) => {
    const key = `${construction.start}:${construction.end}`;
    let spaces = answers.get(key);
    if (spaces) return spaces;
    answers.set(key, (spaces = []));
    for (const check of carried.values()) {
      if (!check.applications) continue;
      const map = check.version === undefined ? undefined : maps.get(check.version);
      for (const { construction: made, space } of check.applications) {
        if ((map ? map.apply(made.start) : made.start) !== construction.start) continue;
        // The end moves with the last character's statement (as `moveSpan` moves it).
        const end = made.end > made.start && map ? map.apply(made.end - 1) + 1 : made.end - made.start + construction.start;
        if (end === construction.end) spaces.push(space);
      }
    }
    return spaces;
  };
}

/** What `SourceFile.check` is given: the text, its selection, and what the version before left. */
interface CheckInput {
  readonly text: string;
  readonly options: AnalyzeOptions;
  readonly key: string;
  readonly marks: ReturnType<typeof suppressions>;
  readonly previous: Version | undefined;
  readonly change: TextChange | undefined;
  readonly statements: readonly Statement[];
  readonly selection: Selection;
  readonly parser: Parser;
  readonly importers: readonly string[];
}

/** The sites of each statement, in one pass over both sorted lists. */
function sitesByStatement(
  sites: ReturnType<typeof findSites>,
  statements: readonly Statement[],
): { losses: PythonLossSite[][]; activations: ActivationSite[][] } {
  const split = <T extends { readonly call: { readonly startIndex: number } }>(list: readonly T[]): T[][] => {
    const result = statements.map((): T[] => []);
    let index = 0;
    for (const site of list) {
      while (index < statements.length && statements[index]!.end <= site.call.startIndex) index++;
      if (index < statements.length && statements[index]!.start <= site.call.startIndex) result[index]!.push(site);
    }
    return result;
  };
  return { losses: split(sites.losses), activations: split(sites.activations) };
}

/**
 * The checks of statements an edit cannot have changed, by statement index, and where the offsets
 * they hold are now. Unchanged: the same text at the same place (moved by the edit), not touched
 * by it, and using no name that a changed statement defines (before or after the edit); every
 * offset a check holds (its spans, evidence, fixes, the places its messages name) must lie in
 * an unchanged statement (its footprint). A check is carried as it is: the map of the version it
 * was made in moves its offsets when they are read (`placed`), so an edit in a file of tens of
 * thousands of findings moves a few maps, not the findings.
 */
function carryOver(
  previous: Version,
  byStatement: readonly StatementCheck[],
  text: string,
  statements: readonly Statement[],
  same: Int32Array,
  change: TextChange,
  id: number,
): { carried: Map<number, StatementCheck>; maps: Map<number, OffsetMap> } {
  const touched: number[] = [];
  const survivors = new Set<number>();
  statements.forEach((statement, index) => {
    if (same[index]! < 0 || (statement.end >= change.start && statement.start <= change.newEnd)) touched.push(index);
    else survivors.add(same[index]!);
  });
  // Functions a changed call calls (before the edit or after it): their parameters may hold
  // something else now.
  const gone = previous.statements.filter((_statement, index) => !survivors.has(index)).map((statement) => previous.text.slice(statement.start, statement.end));
  // And the functions those call in turn: `train` handing its `model` on to `step(model, ...)`.
  let callers = [...touched.map((index) => text.slice(statements[index]!.start, statements[index]!.end)), ...gone];
  while (callers.length > 0) {
    const added = calledDefinitions(text, statements, callers).filter((index) => !touched.includes(index));
    touched.push(...added);
    callers = added.map((index) => text.slice(statements[index]!.start, statements[index]!.end));
  }
  // Names defined by statements that are gone or changed: their users must be checked again too.
  const goneDefines = previous.statements.filter((_statement, index) => !survivors.has(index)).flatMap((statement) => statement.defines);
  const affected = affectedStatements(text, statements, touched, goneDefines);
  // Statements reading a changed name may call a method or store an attribute with it
  // (`t.use_loss(...)` after `t = Trainer()` changed): the classes they reach read those calls.
  for (const index of calledDefinitions(
    text,
    statements,
    [...affected].map((at) => text.slice(statements[at]!.start, statements[at]!.end)),
  ))
    affected.add(index);
  // A comment line above a statement (`# losslens: ignore[...]`) belongs to the one before it:
  // the statement after a changed one is checked again too.
  for (const index of touched) if (index + 1 < statements.length) affected.add(index + 1);
  // Where the statements that are unchanged started before the edit.
  const unchanged = new Set<number>();
  for (const old of same) if (old >= 0) unchanged.add(previous.statements[old]!.start);
  const mapBefore = (version: number) => (version === previous.id ? OffsetMap.identity : previous.maps.get(version));
  const carried = new Map<number, StatementCheck>();
  const maps = new Map<number, OffsetMap>();
  const retired: number[] = [];
  statements.forEach((_statement, index) => {
    if (affected.has(index) || same[index]! < 0) return;
    const old = byStatement[same[index]!]!;
    if (old.version === undefined) {
      carried.set(index, old);
      return;
    }
    const before = mapBefore(old.version);
    if (!before || !old.footprint || !old.footprint.every((start) => unchanged.has(before.apply(start)))) return;
    let map = maps.get(old.version);
    if (!map) {
      map = before.then(change);
      maps.set(old.version, map);
      if (map.runs > MAX_MAP_RUNS) retired.push(old.version);
    }
    carried.set(index, old);
  });
  // A version edited around many times: its checks move to the offsets of now, as new checks.
  for (const version of retired) {
    const map = maps.get(version)!;
    maps.delete(version);
    for (const [index, check] of carried)
      if (check.version === version) carried.set(index, { ...placed(check, map), version: id, footprint: check.footprint!.map((start) => map.apply(start)) });
  }
  return { carried, maps };
}

/** A check with its offsets where `map` says they are now (the very check when they have not moved). */
function placed(check: StatementCheck, map: OffsetMap | undefined): StatementCheck {
  if (!map || check.version === undefined) return check;
  const move = (offset: number) => map.apply(offset);
  const applications = check.applications?.map((application) => {
    const construction = moveSpan(application.construction, move)!;
    return construction === application.construction ? application : { ...application, construction };
  });
  return {
    findings: placedFindings(check, map),
    sites: placedSites(check, map),
    ...(applications ? { applications } : {}),
    version: check.version,
    ...(check.footprint ? { footprint: check.footprint } : {}),
  };
}

function placedFindings(check: StatementCheck, map: OffsetMap | undefined): readonly Finding[] {
  if (!map || check.findings.length === 0) return check.findings;
  return check.findings.map((finding) => moveFinding(finding, (offset) => map.apply(offset))!);
}

function placedSites(check: StatementCheck, map: OffsetMap | undefined): readonly LossSite[] {
  if (!map || check.sites.length === 0) return check.sites;
  return check.sites.map((site) => moveSite(site, (offset) => map.apply(offset))!);
}

/**
 * A check made now, with its footprint: where the statements its offsets lie in start (none when
 * one lies outside every statement: it is then checked again after any edit).
 */
function withFootprint(check: StatementCheck, statements: readonly Statement[]): StatementCheck {
  const starts = new Set<number>();
  let outside = false;
  const record = (offset: number) => {
    const at = statementAt(statements, offset);
    if (at < 0) outside = true;
    else starts.add(statements[at]!.start);
    return offset;
  };
  for (const finding of check.findings) moveFinding(finding, record);
  for (const site of check.sites) moveSite(site, record);
  for (const application of check.applications ?? []) moveSpan(application.construction, record);
  return outside ? check : { ...check, footprint: [...starts] };
}

/**
 * What an analysis answers: the findings of every statement, and the sites when asked for, each
 * moved to where it is in `version` when it is first read (a server publishing a few of tens of
 * thousands of findings moves only those).
 */
function result(byStatement: readonly StatementCheck[], version: Version, options: AnalyzeOptions, syntaxErrors: readonly Span[] | undefined): AnalysisResult {
  const mapOf = (check: StatementCheck) => (check.version === undefined ? undefined : version.maps.get(check.version));
  // Every finding, made unique by where it is now, before any is moved there.
  let keyed: KeyedFinding[] | undefined;
  const unique = () => (keyed ??= keyedFindings(byStatement, mapOf));
  const moved = (item: KeyedFinding) => item.moved();
  let findings: readonly Finding[] | undefined;
  let sites: readonly LossSite[] | undefined;
  const answer: AnalysisResult = {
    get findings() {
      return (findings ??= unique().map(moved));
    },
    firstFindings: (limit: FindingRanking) => {
      const all = unique();
      const { kept, next } = firstByRank(all, limit.count, (item) => limit.rank(item.finding));
      return { findings: kept.map(moved), ...(next ? { next: moved(next) } : {}), total: all.length };
    },
    ...(syntaxErrors ? { syntaxErrors } : {}),
  };
  // Defined, not spread: spreading a getter reads it.
  if (options.sites)
    Object.defineProperty(answer, 'sites', {
      enumerable: true,
      get: () => (sites ??= byStatement.flatMap((check) => placedSites(check, mapOf(check)))),
    });
  return answer;
}

/** The findings of every check with where each is now, unique (`uniqueBy`) and in order. */
function keyedFindings(byStatement: readonly StatementCheck[], mapOf: (check: StatementCheck) => OffsetMap | undefined): KeyedFinding[] {
  const items: KeyedFinding[] = [];
  for (const check of byStatement) {
    if (check.findings.length === 0) continue;
    const map = mapOf(check);
    for (const finding of check.findings) items.push(new KeyedFinding(finding, map));
  }
  return uniqueBy(items);
}

/** A finding of a carried check, with where its span is now (as `moveSpan` moves it) and its data as text when asked. */
class KeyedFinding {
  readonly code: string;
  readonly messageId: string;
  readonly start: number;
  readonly end: number;

  constructor(
    readonly finding: Finding,
    readonly map: OffsetMap | undefined,
  ) {
    const { start, end } = finding.span;
    this.code = finding.code;
    this.messageId = finding.messageId;
    this.start = map ? map.apply(start) : start;
    this.end = map && end > start ? map.apply(end - 1) + 1 : this.start + (end - start);
  }

  dataText(): string {
    const map = this.map;
    return JSON.stringify(map ? moveData(this.finding.data, (offset) => map.apply(offset)) : this.finding.data);
  }

  /** The finding with every offset where it is now. */
  moved(): Finding {
    const map = this.map;
    return map ? moveFinding(this.finding, (offset) => map.apply(offset))! : this.finding;
  }
}

/*
 * Moving keeps what does not move: each function below returns the very object it was given when
 * none of its offsets changed (the statements before an edit), so carrying a file of tens of
 * thousands of findings over an edit allocates for the part after the edit only.
 */

function moveSpan(span: Span, move: (offset: number) => number | undefined): Span | undefined {
  const start = move(span.start);
  // The end is the offset after the last character: moved with that character's statement.
  const last = span.end > span.start ? move(span.end - 1) : start;
  if (start === undefined || last === undefined) return undefined;
  const end = span.end > span.start ? last + 1 : start;
  return start === span.start && end === span.end ? span : { start, end };
}

function moveFinding(finding: Finding, move: (offset: number) => number | undefined): Finding | undefined {
  const span = moveSpan(finding.span, move);
  const data = moveData(finding.data, move);
  const evidence = moveEach(finding.evidence, move);
  const edits = finding.fix ? moveEach(finding.fix.edits, move) : undefined;
  // A call in another file keeps that file's offsets.
  const via = finding.via ? (finding.via.file ? finding.via.span : moveSpan(finding.via.span, move)) : undefined;
  if (!span || !data || !evidence || (finding.fix && !edits) || (finding.via && !via)) return undefined;
  if (span === finding.span && data === finding.data && evidence === finding.evidence && edits === finding.fix?.edits && via === finding.via?.span)
    return finding;
  return {
    ...finding,
    span,
    data,
    evidence,
    ...(finding.fix && edits ? { fix: { ...finding.fix, edits } } : {}),
    ...(finding.via && via ? { via: { ...finding.via, span: via } } : {}),
  };
}

/**
 * Items with their spans moved, or undefined when one cannot be; evidence in another file
 * (`file` set) keeps its offsets, which are that file's.
 */
function moveEach<T extends { readonly span: Span; readonly file?: object }>(
  items: readonly T[],
  move: (offset: number) => number | undefined,
): T[] | undefined {
  const moved: T[] = [];
  let changed = false;
  for (const item of items) {
    if (item.file) {
      moved.push(item);
      continue;
    }
    const span = moveSpan(item.span, move);
    if (!span) return undefined;
    if (span === item.span) moved.push(item);
    else {
      moved.push({ ...item, span });
      changed = true;
    }
  }
  return changed ? moved : (items as T[]);
}

/** A loss site with every offset it holds moved, or undefined when one cannot be. */
function moveSite(site: LossSite, move: (offset: number) => number | undefined): LossSite | undefined {
  const span = moveSpan(site.span, move);
  const construction = site.construction ? moveSpan(site.construction, move) : undefined;
  if (!span || (site.construction && !construction)) return undefined;
  const args: Record<string, LossSite['arguments'][string]> = {};
  let argumentsMoved = false;
  for (const [name, argument] of Object.entries(site.arguments)) {
    const moved = moveSpan(argument.span, move);
    if (!moved) return undefined;
    args[name] = moved === argument.span ? argument : { ...argument, span: moved };
    argumentsMoved ||= moved !== argument.span;
  }
  const input = site.input ? moveFact(site.input, move) : undefined;
  const target = site.target ? moveFact(site.target, move) : undefined;
  if ((site.input && !input) || (site.target && !target)) return undefined;
  if (span === site.span && construction === site.construction && !argumentsMoved && input === site.input && target === site.target) return site;
  return { ...site, span, arguments: args, ...(construction ? { construction } : {}), ...(input ? { input } : {}), ...(target ? { target } : {}) };
}

function moveFact(fact: Fact, move: (offset: number) => number | undefined): Fact | undefined {
  const evidence = moveEach(fact.evidence, move);
  if (!evidence) return undefined;
  return evidence === fact.evidence ? fact : { ...fact, evidence };
}

/**
 * The parts of a tree tree-sitter could not read (`ERROR` nodes, and tokens it had to assume),
 * found by walking only the subtrees that hold one.
 */
function errorSpans(root: Node): Span[] {
  const spans: Span[] = [];
  const stack: Node[] = [root];
  while (stack.length > 0 && spans.length < 100) {
    const node = stack.pop()!;
    if (node.isError || node.isMissing) {
      spans.push({ start: node.startIndex, end: Math.max(node.endIndex, node.startIndex + 1) });
      continue;
    }
    if (!node.hasError) continue;
    for (const child of node.children) if (child) stack.push(child);
  }
  return spans.sort((a, b) => a.start - b.start);
}

function spanKey(spans: Selection['spans']): string {
  return spans ? spans.map((span) => `${span.start}-${span.end}`).join(',') : '';
}

/** The previous version's span key, as the new spans would be written if the edit only moved them. */
function movedSpanKey(change: TextChange, spans: Selection['spans']): string {
  if (!spans) return '';
  const delta = change.newEnd - change.oldEnd;
  const back = (offset: number) => (offset >= change.newEnd ? offset - delta : offset);
  return spans.map((span) => `${back(span.start)}-${back(span.end)}`).join(',');
}

/**
 * The change as tree-sitter is told of it: the whole top-level statements it falls in, up to the
 * next statement. Told only of the changed characters, tree-sitter reuses the start of a
 * statement but then re-parses every statement after it when the edit ends a block (measured:
 * 5 ms instead of 0.7 in a 5,000-line file), while a statement re-parsed whole leaves the rest
 * reusable.
 */
function wholeStatements(change: TextChange, statements: readonly Statement[]): TextChange {
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

function optionsKey(options: AnalyzeOptions): string {
  return JSON.stringify([options.select ?? [], options.ignore ?? [], !!options.parseEverything, !!options.ignoreFileComments]);
}
