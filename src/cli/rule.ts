import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { RULES, ruleByCode, type Rule } from '../analysis/rules';
import { ruleDocPage, type RulePageTexts, type RulePageWords } from '../analysis/rules/docs';
import { parseCommandArgs } from './args';
import { EXIT, type CliIO, UsageError } from './io';
import { cliLocale } from './l10n';

export const RULE_USAGE = 'losslens rule [--format text|json] (LL001... | --all)';

/** The translations beside the bundle (`dist/../l10n`), where bin.ts loads the CLI's strings from. */
const L10N_FOLDER = join(__dirname, '..', 'l10n');

/**
 * `losslens rule LL001`: a rule's documentation page, the one `npm run docs:rules` writes to
 * `docs/rules/LL001.md`, made from the rule's metadata bundled into the CLI (the package may ship
 * no docs); in Simplified Chinese when the locale is and the translations are beside the bundle.
 * `--all` prints every page; `--format json` the rules' metadata, in English, for tools.
 */
export function runRule(argv: readonly string[], io: CliIO): number {
  const { values, positionals } = parseCommandArgs(argv, {
    all: { type: 'boolean', default: false },
    format: { type: 'string', default: 'text' },
  });
  const format = values.format as string;
  if (format !== 'text' && format !== 'json') throw new UsageError(l10n.t('Unknown format "{0}": use text or json.', format));
  const codes = RULES.map((rule) => rule.meta.code).join(', ');
  if (values.all && positionals.length > 0) throw new UsageError(l10n.t('Give rule codes or --all, not both.'));
  if (!values.all && positionals.length === 0) throw new UsageError(l10n.t('Name a rule, such as LL001, or give --all. Rules: {0}.', codes));
  const rules = values.all
    ? RULES
    : positionals.map((given) => {
        const rule = ruleByCode(given.trim().toUpperCase());
        if (!rule) throw new UsageError(l10n.t('There is no rule "{0}". Rules: {1}.', given, codes));
        return rule;
      });

  if (format === 'json') {
    const described = rules.map(ruleJson);
    io.stdout(`${JSON.stringify(values.all || rules.length > 1 ? described : described[0], null, 2)}\n`);
    return EXIT.ok;
  }
  const local = localPages();
  const pages = rules.map((rule) => {
    const texts = local?.texts[rule.meta.code];
    return texts ? ruleDocPage(rule, texts, local.words) : ruleDocPage(rule);
  });
  // A thematic break between pages: each page stays valid Markdown, the whole too.
  io.stdout(pages.join('\n---\n\n'));
  return EXIT.ok;
}

/** A rule's metadata as tools read it (Ruff's `rule --output-format json`): its page's parts, and the page. */
function ruleJson(rule: Rule): object {
  const { meta } = rule;
  return {
    code: meta.code,
    name: meta.name,
    severity: meta.severity,
    summary: meta.summary,
    fixable: meta.fixable,
    deprecated: meta.deprecated ?? false,
    whatItDoes: meta.docs.whatItDoes,
    whyIsThisBad: meta.docs.whyIsThisBad,
    example: meta.docs.example,
    useInstead: meta.docs.useInstead,
    fixSafety: meta.docs.fixSafety,
    references: meta.docs.references,
    explanation: ruleDocPage(rule),
  };
}

/** The rules' texts and the pages' words in the CLI's locale (`l10n/rules.<locale>.json`); undefined for English or without them. */
function localPages(): { readonly texts: Readonly<Record<string, RulePageTexts>>; readonly words: RulePageWords } | undefined {
  const locale = cliLocale();
  if (!locale) return undefined;
  let texts: Record<string, RulePageTexts>;
  try {
    texts = JSON.parse(readFileSync(join(L10N_FOLDER, `rules.${locale}.json`), 'utf8')) as Record<string, RulePageTexts>;
  } catch {
    return undefined;
  }
  return {
    texts,
    words: {
      severity: (severity, fix) => l10n.t('Severity: {0}. Fix: {1}.', severity, fix),
      severities: { error: l10n.t('Error'), warning: l10n.t('Warning'), information: l10n.t('Information') },
      fix: { available: l10n.t('available'), none: l10n.t('none') },
      headings: {
        whatItDoes: l10n.t('What it does'),
        whyIsThisBad: l10n.t('Why is this bad?'),
        example: l10n.t('Example'),
        useInstead: l10n.t('Use instead'),
        fixSafety: l10n.t('Fix safety'),
        suppression: l10n.t('Suppression'),
        references: l10n.t('References'),
      },
      suppression: (code) => l10n.t('`# losslens: ignore[{0}]` on the line or the line above, or `# noqa: {0}` on the line.', code),
    },
  };
}
