import { isAbsolute, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES } from '../analysis/rules';
import type { CheckFinding } from './findings';

const DOCS_BASE = 'https://github.com/losslens/losslens/blob/main/docs/rules';

const LEVEL = { error: 'error', warning: 'warning', information: 'note' } as const;

/** A SARIF 2.1.0 log: one rule descriptor per LL code, with its docs page as help URI. */
export function sarifLog(findings: readonly CheckFinding[], version: string): object {
  const index = new Map(RULES.map((rule, position) => [rule.meta.code, position]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'LossLens',
            version,
            informationUri: 'https://github.com/losslens/losslens',
            rules: RULES.map((rule) => ({
              id: rule.meta.code,
              name: rule.meta.name,
              shortDescription: { text: rule.meta.summary },
              fullDescription: { text: rule.meta.docs.whatItDoes.replace(/`/g, '') },
              helpUri: `${DOCS_BASE}/${rule.meta.code}.md`,
              help: { text: rule.meta.docs.whyIsThisBad.replace(/`/g, '') },
              defaultConfiguration: { level: LEVEL[rule.meta.severity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        results: findings.map((finding) => ({
          ruleId: finding.code,
          ruleIndex: index.get(finding.code) ?? -1,
          level: LEVEL[finding.severity],
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(finding.file) },
                region: { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn },
              },
            },
          ],
          // The evidence chain: where each fact the finding rests on comes from.
          ...(finding.related
            ? {
                relatedLocations: finding.related.map((place, id) => ({
                  id,
                  physicalLocation: {
                    artifactLocation: { uri: artifactUri(place.file) },
                    region: { startLine: place.line, ...(place.column !== undefined ? { startColumn: place.column } : {}) },
                  },
                  message: { text: place.text },
                  ...(place.cell !== undefined ? { properties: { notebookCell: place.cell } } : {}),
                })),
              }
            : {}),
          ...(finding.cell !== undefined ? { properties: { notebookCell: finding.cell } } : {}),
        })),
      },
    ],
  };
}

/**
 * A file as a SARIF artifact URI: a relative reference with each segment percent-encoded
 * (`#`, `%` and spaces are legal in file names, not in URIs), or a `file:` URL when absolute.
 */
function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  // A backslash separates folders on Windows only; elsewhere it is part of a name.
  return file
    .split(sep === '\\' ? /[\\/]/ : '/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}
