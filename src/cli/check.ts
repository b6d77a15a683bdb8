import * as l10n from '@vscode/l10n';
import { collectFiles, displayPath } from './files';
import { EXIT, type CliIO, UsageError } from './io';
import { parseCommandArgs } from './args';

const FORMATS = ['text', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** One problem found in a file, as the JSON contract of DESIGN.md spells it (1-based positions). */
export interface CheckFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly code: string;
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'information';
  readonly message: string;
  readonly fix?: unknown;
}

export const CHECK_USAGE = `losslens check [--format text|json] [--select LL001,...] [--ignore LL010,...] [--exit-zero] PATH...`;

/**
 * `losslens check`: collects the files under PATH... and reports findings. The analyzer that
 * produces findings arrives with the rules; until then every file is collected and reported clean.
 */
export function runCheck(argv: readonly string[], io: CliIO): number {
  const { values, positionals } = parseCommandArgs(argv, {
    format: { type: 'string', default: 'text' },
    select: { type: 'string' },
    ignore: { type: 'string' },
    'exit-zero': { type: 'boolean', default: false },
  });
  const format = values.format as string;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(l10n.t('Unknown format "{0}": use text or json.', format));
  }
  parseRuleList(values.select as string | undefined, '--select');
  parseRuleList(values.ignore as string | undefined, '--ignore');
  if (positionals.length === 0) throw new UsageError(l10n.t('Give at least one file or folder to check.'));

  const { files, missing } = collectFiles(positionals, io.cwd);
  if (missing.length > 0) {
    throw new UsageError(l10n.t('No such file or folder: {0}', missing.join(', ')));
  }
  const findings: CheckFinding[] = [];
  report(format as Format, files, findings, io);
  return findings.length > 0 && !values['exit-zero'] ? EXIT.findings : EXIT.ok;
}

function parseRuleList(raw: string | undefined, flag: string): string[] {
  if (raw === undefined) return [];
  const codes = raw
    .split(',')
    .map((code) => code.trim().toUpperCase())
    .filter((code) => code.length > 0);
  for (const code of codes) {
    if (!/^LL\d{3}$/.test(code)) throw new UsageError(l10n.t('{0} expects rule codes like LL001, got "{1}".', flag, code));
  }
  return codes;
}

function report(format: Format, files: readonly string[], findings: readonly CheckFinding[], io: CliIO): void {
  switch (format) {
    case 'json':
      io.stdout(`${JSON.stringify({ version: 1, files: files.length, findings })}\n`);
      return;
    case 'text':
      for (const finding of findings) {
        io.stdout(`${displayPath(finding.file, io.cwd)}:${finding.line}:${finding.column}: ${finding.code} ${finding.message}\n`);
      }
      io.stdout(
        findings.length === 0
          ? `${l10n.t('Checked {0} files: no findings.', files.length)}\n`
          : `${l10n.t('Checked {0} files: {1} findings.', files.length, findings.length)}\n`,
      );
      return;
  }
}
