import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import * as l10n from '@vscode/l10n';
import { notebookProgram } from '../analysis/notebook';
import { DEFAULT_MAX_FILE_BYTES } from '../analysis/options';
import { readAnalysable } from '../analysis/notebook';
import { printablePath } from './files';
import type { CheckFinding } from './findings';

/**
 * The reports `losslens check` writes for CI systems besides text, JSON and SARIF, after Ruff's
 * `--output-format`s: concise lines, GitHub Actions workflow commands, a GitLab Code Quality
 * report, JUnit XML, and `--statistics`. Each takes the findings in the order check found them.
 */

/** Where a finding is, as the text format names it: `path:line:col`, or `path:cell N:line:col` in a notebook. */
export function findingPlace(finding: CheckFinding): string {
  const path = printablePath(finding.file);
  return finding.cell !== undefined ? `${path}:cell ${finding.cell}:${finding.line}:${finding.column}` : `${path}:${finding.line}:${finding.column}`;
}

/** `--format concise`: `path:line:col: LL003 message`, a line per finding and nothing else, for grep. */
export function conciseReport(findings: readonly CheckFinding[]): string {
  return findings.map((finding) => `${findingPlace(finding)}: ${finding.code} ${oneLine(finding.message)}\n`).join('');
}

const GITHUB_COMMANDS = { error: 'error', warning: 'warning', information: 'notice' } as const;

/**
 * `--format github`: a workflow command per finding (`::error file=F,line=L,...::message`), which
 * GitHub Actions shows as an annotation on the line. A notebook's line counts within its cell, not
 * in the `.ipynb` file GitHub would put it on: the cell and line go in the title instead.
 */
export function githubReport(findings: readonly CheckFinding[]): string {
  return findings
    .map((finding) => {
      const title = `${finding.code} (${finding.rule})`;
      const properties: Record<string, string | number> =
        finding.cell === undefined
          ? { file: forwardSlashes(finding.file), line: finding.line, col: finding.column, endLine: finding.endLine, endColumn: finding.endColumn, title }
          : { file: forwardSlashes(finding.file), title: `${title} ${l10n.t('cell {0}, line {1}', finding.cell, finding.line)}` };
      const listed = Object.entries(properties).map(([key, value]) => `${key}=${escapeProperty(String(value))}`);
      return `::${GITHUB_COMMANDS[finding.severity]} ${listed.join(',')}::${escapeData(finding.message)}\n`;
    })
    .join('');
}

/** A command's message, escaped as `@actions/core` does (`escapeData`). */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command's property value, escaped as `@actions/core` does (`escapeProperty`): `:` and `,` would end it. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const GITLAB_SEVERITIES = { error: 'major', warning: 'minor', information: 'info' } as const;

/**
 * `--format gitlab`: a GitLab Code Quality report (Code Climate's issue format, GitLab's required
 * fields). The fingerprint, which GitLab compares between the base and the merge request, hashes
 * the path, the code, the message with its numbers left out (a message names lines, "line 12",
 * that move when lines are added above) and the text of the line, trimmed; the same finding twice
 * (a line and its copy) is told apart by its occurrence. A notebook's finding is placed at line 1
 * of the `.ipynb` file, its cell and line in the description.
 */
export function gitlabReport(findings: readonly CheckFinding[], cwd: string): string {
  const sources = new SourceLines(cwd);
  const occurrences = new Map<string, number>();
  const issues = findings.map((finding) => {
    const path = forwardSlashes(finding.file);
    const identity = JSON.stringify([path, finding.code, finding.message.replace(/\d+/g, '#'), sources.line(finding).trim()]);
    const occurrence = occurrences.get(identity) ?? 0;
    occurrences.set(identity, occurrence + 1);
    const inCell = finding.cell !== undefined;
    return {
      description: inCell
        ? `${finding.code} (${l10n.t('cell {0}, line {1}', finding.cell, finding.line)}): ${finding.message}`
        : `${finding.code}: ${finding.message}`,
      check_name: finding.code,
      fingerprint: createHash('sha256').update(`${identity}#${occurrence}`).digest('hex'),
      severity: GITLAB_SEVERITIES[finding.severity],
      location: { path, lines: inCell ? { begin: 1, end: 1 } : { begin: finding.line, end: finding.endLine } },
    };
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}

/** The lines of the files findings are in, each file read once (its text as check analysed it; a notebook's per cell). */
class SourceLines {
  private readonly texts = new Map<string, string>();

  constructor(private readonly cwd: string) {}

  line(finding: CheckFinding): string {
    let text = this.texts.get(finding.file);
    if (text === undefined) {
      const read = readAnalysable(resolve(this.cwd, finding.file), DEFAULT_MAX_FILE_BYTES);
      text = 'text' in read ? read.text : '';
      this.texts.set(finding.file, text);
    }
    const source = finding.cell === undefined ? text : cellSource(text, finding.cell);
    return source.split('\n')[finding.line - 1] ?? '';
  }
}

function cellSource(notebook: string, cell: number): string {
  try {
    return notebookProgram(notebook).cells.find((candidate) => candidate.index === cell)?.source ?? '';
  } catch {
    return '';
  }
}

/**
 * `--format junit`: JUnit XML, a `<testsuite>` per file and a failing `<testcase>` per finding,
 * as Ruff writes it. GitLab and Jenkins list test cases by `classname` (the file, without its
 * extension, which Jenkins would take for a class name) and test name; GitLab keeps one test case
 * per suite, class and name, so the name holds the place.
 */
export function junitReport(findings: readonly CheckFinding[]): string {
  const byFile = groupBy(findings, (finding) => finding.file);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="LossLens" tests="${findings.length}" failures="${findings.length}" errors="0">`];
  for (const [file, group] of byFile) {
    lines.push(`  <testsuite name="${xmlAttribute(file)}" tests="${group.length}" failures="${group.length}" errors="0" skipped="0">`);
    for (const finding of group) {
      const place = finding.cell !== undefined ? `cell ${finding.cell}:${finding.line}:${finding.column}` : `${finding.line}:${finding.column}`;
      const attributes = `name="${xmlAttribute(`${finding.code} (${finding.rule}) ${place}`)}" classname="${xmlAttribute(file.replace(/\.[^./\\]+$/, ''))}" file="${xmlAttribute(file)}" line="${finding.line}"`;
      lines.push(
        `    <testcase ${attributes}>`,
        `      <failure message="${xmlAttribute(finding.message)}" type="${finding.code}">${xmlText(`${findingPlace(finding)}: ${finding.code} ${finding.message}`)}</failure>`,
        '    </testcase>',
      );
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.map((line) => `${line}\n`).join('');
}

/** Characters XML 1.0 cannot hold even escaped (its `Char` production: controls but tab and newlines, lone surrogates, U+FFFE/FFFF), as U+FFFD. */
function xmlCharacters(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
    out += allowed ? char : '\ufffd';
  }
  return out;
}

function xmlText(text: string): string {
  return xmlCharacters(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An attribute value: quotes escaped, and tabs and newlines as references (a parser would make them spaces). */
function xmlAttribute(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

/** How often a rule was found, and whether each of its findings has a safe fix. */
interface RuleCount {
  readonly code: string;
  readonly name: string;
  readonly count: number;
  readonly fixable: boolean;
}

/** The findings counted per rule, most frequent first (by code among equals), as `ruff --statistics` counts them. */
function ruleCounts(findings: readonly CheckFinding[]): RuleCount[] {
  const byCode = groupBy(findings, (finding) => finding.code);
  return [...byCode.values()]
    .map((group) => ({
      code: group[0]!.code,
      name: group[0]!.rule,
      count: group.length,
      fixable: group.every((finding) => finding.fix?.safety === 'safe'),
    }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

/**
 * `--statistics`: a row per rule, `count  code  [*] name`, tab-separated and aligned as Ruff's;
 * `[*]` marks a rule whose findings all have a safe fix. With `--format json`, the rows as a JSON array.
 */
export function statisticsReport(findings: readonly CheckFinding[], format: 'text' | 'json'): string {
  const counts = ruleCounts(findings);
  if (format === 'json') return `${JSON.stringify(counts, null, 2)}\n`;
  const countWidth = Math.max(0, ...counts.map((row) => String(row.count).length));
  const codeWidth = Math.max(0, ...counts.map((row) => row.code.length));
  const anyFixable = counts.some((row) => row.fixable);
  return counts
    .map((row) => `${String(row.count).padStart(countWidth)}\t${row.code.padEnd(codeWidth)}\t${row.fixable ? '[*] ' : anyFixable ? '    ' : ''}${row.name}\n`)
    .join('');
}

/**
 * `--output-file PATH`: the report written whole, its folder made when missing (as Ruff does).
 * Returns why it could not be written, in a line a person can act on, or undefined.
 */
export function writeReport(cwd: string, given: string, report: string): string | undefined {
  const path = resolve(cwd, given);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, report);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EACCES' || code === 'EPERM'
        ? l10n.t('permission denied')
        : code === 'EISDIR'
          ? l10n.t('it is a folder')
          : code === 'ENOTDIR' || code === 'EEXIST'
            ? l10n.t('a part of its path is a file, not a folder')
            : (code ?? String(error));
    return l10n.t('cannot write the report to {0}: {1}', printablePath(given), reason);
  }
}

/** A message on one line: its line breaks as spaces. */
function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ');
}

/** A path as CI systems take it: `/` between folders (on Windows too). */
function forwardSlashes(path: string): string {
  return sep === '\\' ? path.replaceAll('\\', '/') : path;
}

/** Findings by `key`, each group in the findings' order, the groups in order of their first finding. */
function groupBy(findings: readonly CheckFinding[], key: (finding: CheckFinding) => string): Map<string, CheckFinding[]> {
  const groups = new Map<string, CheckFinding[]>();
  for (const finding of findings) {
    const group = groups.get(key(finding));
    if (group) group.push(finding);
    else groups.set(key(finding), [finding]);
  }
  return groups;
}
