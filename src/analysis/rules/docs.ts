import type { Rule } from './rule';

const SEVERITY = { error: 'Error', warning: 'Warning', information: 'Information' } as const;

/** The docs page of a rule, `docs/rules/<code>.md`, generated from its metadata. */
export function ruleDocPage(rule: Rule): string {
  const { docs } = rule.meta;
  return [
    `# ${rule.meta.code} ${rule.meta.name}`,
    '',
    `${rule.meta.summary}`,
    '',
    `Severity: ${SEVERITY[rule.meta.severity]}. Fix: ${rule.meta.fixable ? 'available' : 'none'}.`,
    '',
    '## What it does',
    '',
    docs.whatItDoes,
    '',
    '## Why is this bad?',
    '',
    docs.whyIsThisBad,
    '',
    '## Example',
    '',
    '```python',
    docs.example,
    '```',
    '',
    '## Use instead',
    '',
    '```python',
    docs.useInstead,
    '```',
    '',
    '## Fix safety',
    '',
    docs.fixSafety,
    '',
    '## Suppression',
    '',
    `\`# losslens: ignore[${rule.meta.code}]\` on the line or the line above, or \`# noqa: ${rule.meta.code}\` on the line.`,
    '',
    '## References',
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
