import type { Rule } from './rule';

/** The prose of a rule's page that is written per language (code and references are not). */
export interface RulePageTexts {
  readonly summary: string;
  readonly whatItDoes: string;
  readonly whyIsThisBad: string;
  readonly fixSafety: string;
}

/** The words of a page around the rule's own texts: headings and the fixed lines. */
export interface RulePageWords {
  readonly severity: (severity: string, fix: string) => string;
  readonly severities: Readonly<Record<Rule['meta']['severity'], string>>;
  readonly fix: { readonly available: string; readonly none: string };
  readonly headings: {
    readonly whatItDoes: string;
    readonly whyIsThisBad: string;
    readonly example: string;
    readonly useInstead: string;
    readonly fixSafety: string;
    readonly suppression: string;
    readonly references: string;
  };
  readonly suppression: (code: string) => string;
}

const ENGLISH: RulePageWords = {
  severity: (severity, fix) => `Severity: ${severity}. Fix: ${fix}.`,
  severities: { error: 'Error', warning: 'Warning', information: 'Information' },
  fix: { available: 'available', none: 'none' },
  headings: {
    whatItDoes: 'What it does',
    whyIsThisBad: 'Why is this bad?',
    example: 'Example',
    useInstead: 'Use instead',
    fixSafety: 'Fix safety',
    suppression: 'Suppression',
    references: 'References',
  },
  suppression: (code) => `\`# losslens: ignore[${code}]\` on the line or the line above, or \`# noqa: ${code}\` on the line.`,
};

/**
 * The docs page of a rule, generated from its metadata: `docs/rules/<code>.md` in English, and
 * in the editor in the display language when the page's texts and words are given in it.
 */
export function ruleDocPage(rule: Rule, texts: RulePageTexts = { summary: rule.meta.summary, ...rule.meta.docs }, words: RulePageWords = ENGLISH): string {
  const { docs } = rule.meta;
  const { headings } = words;
  return [
    `# ${rule.meta.code} ${rule.meta.name}`,
    '',
    texts.summary,
    '',
    words.severity(words.severities[rule.meta.severity], rule.meta.fixable ? words.fix.available : words.fix.none),
    '',
    `## ${headings.whatItDoes}`,
    '',
    texts.whatItDoes,
    '',
    `## ${headings.whyIsThisBad}`,
    '',
    texts.whyIsThisBad,
    '',
    `## ${headings.example}`,
    '',
    '```python',
    docs.example,
    '```',
    '',
    `## ${headings.useInstead}`,
    '',
    '```python',
    docs.useInstead,
    '```',
    '',
    `## ${headings.fixSafety}`,
    '',
    texts.fixSafety,
    '',
    `## ${headings.suppression}`,
    '',
    words.suppression(rule.meta.code),
    '',
    `## ${headings.references}`,
    '',
    ...docs.references.map((reference) => `- <${reference}>`),
    '',
  ].join('\n');
}

export function ruleIndexPage(rules: readonly Rule[]): string {
  return [
    '# LossLens rules',
    '',
    '| code | name | severity | fix | summary |',
    '|---|---|---|---|---|',
    ...rules.map(
      (rule) =>
        `| [${rule.meta.code}](${rule.meta.code}.md) | ${rule.meta.name} | ${rule.meta.severity} | ${rule.meta.fixable ? 'yes' : '—'} | ${rule.meta.summary.replace(/\|/g, '\\|')} |`,
    ),
    '',
  ].join('\n');
}
