import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CheckFinding } from '../../src/cli/findings';
import { githubReport, junitReport } from '../../src/cli/formats';
import { runCli } from './helpers/cli';

const run = (argv: string[], cwd: string) => runCli(argv, cwd);

/**
 * LL003 on line 8, LL021 on line 9 and again on line 10, the same text; LL003 on line 12, its
 * message naming line 11. Each with a safe fix.
 */
const BUGGY = [
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  '',
  'head = nn.Linear(16, 10)',
  'x = torch.randn(8, 16)',
  'labels = torch.randint(0, 10, (8,))',
  'loss = F.cross_entropy(F.softmax(head(x), dim=1), labels)',
  'probs = F.softmax(head(x))',
  'probs = F.softmax(head(x))',
  'criterion = nn.CrossEntropyLoss()',
  'loss = criterion(F.softmax(head(x), dim=1), labels)',
  '',
].join('\n');

/** LL021 in the code cell at index 2, line 2. */
const NOTEBOOK = JSON.stringify({
  cells: [
    { cell_type: 'markdown', metadata: {}, source: '# Notes' },
    { cell_type: 'code', metadata: {}, source: ['import torch\n', 'import torch.nn.functional as F\n'] },
    { cell_type: 'code', metadata: {}, source: 'logits = torch.randn(4, 3)\nprobs = F.softmax(logits)\n' },
  ],
  metadata: { language_info: { name: 'python' } },
  nbformat: 4,
  nbformat_minor: 5,
});

/** A file name with every character GitHub's properties and XML escape: `,` `:` `%` `&` `<` `"` `'`. */
const ODD_NAME = `odd,name%25:&<"'>.py`;

type JsonFinding = CheckFinding & { fix?: { safety: string } };

let dir: string;
let findings: JsonFinding[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'losslens-formats-'));
  mkdirSync(join(dir, 'pkg'));
  writeFileSync(join(dir, 'pkg', 'train.py'), BUGGY);
  writeFileSync(join(dir, 'pkg', 'explore.ipynb'), NOTEBOOK);
  writeFileSync(join(dir, 'pkg', ODD_NAME), BUGGY);
  writeFileSync(join(dir, 'pkg', 'clean.py'), 'import torch\n');
  writeFileSync(join(dir, 'notes.txt'), 'not analysed\n');
  const result = await run(['check', '--no-cache', '--format', 'json', 'pkg'], dir);
  findings = JSON.parse(result.stdout).findings;
});

/** A finding whose message, path and rule name hold every character a format must escape. */
const HOSTILE: CheckFinding = {
  file: 'dir,a:b/100%\r\n.py',
  line: 3,
  column: 5,
  endLine: 4,
  endColumn: 2,
  code: 'LL003',
  rule: 'softmax-before-cross-entropy',
  severity: 'information',
  message: '100% sure: a, b\nand c\r\n%0A is text, <not> &markup; "quoted" \'too\' \u0001\u001f',
};

/** A workflow command parsed back as the Actions runner reads it: `::name k=v,k=v::data`, then unescaped. */
function parseCommand(line: string): { command: string; properties: Record<string, string>; message: string } {
  const match = /^::([a-z]+)(?: ([^:]*))?::(.*)$/.exec(line);
  expect(match, line).not.toBeNull();
  const unescape = (text: string, codes: Record<string, string>) => text.replace(/%(25|0D|0A|3A|2C)/g, (escape) => codes[escape] ?? escape);
  const data = { '%25': '%', '%0D': '\r', '%0A': '\n' };
  const property = { ...data, '%3A': ':', '%2C': ',' };
  const properties: Record<string, string> = {};
  for (const pair of match![2]?.split(',') ?? []) {
    const at = pair.indexOf('=');
    properties[pair.slice(0, at)] = unescape(pair.slice(at + 1), property);
  }
  return { command: match![1]!, properties, message: unescape(match![3]!, data) };
}

describe('losslens check --format github', () => {
  it('writes a workflow command per finding that parses back to its file, place, title and message', async () => {
    const result = await run(['check', '--no-cache', '--format', 'github', 'pkg'], dir);
    expect(result.code).toBe(1);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(findings.length);
    lines.forEach((line, index) => {
      const finding = findings[index]!;
      const { command, properties, message } = parseCommand(line);
      expect(command).toBe(finding.severity === 'information' ? 'notice' : finding.severity);
      expect(message).toBe(finding.message);
      expect(properties.file).toBe(finding.file);
      if (finding.cell === undefined) {
        expect(properties).toEqual({
          file: finding.file,
          line: String(finding.line),
          col: String(finding.column),
          endLine: String(finding.endLine),
          endColumn: String(finding.endColumn),
          title: `${finding.code} (${finding.rule})`,
        });
      } else {
        // The line counts in the cell, not in the .ipynb: no line for GitHub to misplace it on.
        expect(properties).toEqual({ file: finding.file, title: `${finding.code} (${finding.rule}) cell ${finding.cell}, line ${finding.line}` });
      }
    });
    expect(lines.map((line) => parseCommand(line).properties.file)).toContain(`pkg/${ODD_NAME}`);
  });

  it('escapes %, CR, LF in the message and also : and , in properties, as @actions/core does', () => {
    const line = githubReport([HOSTILE]);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\r\n]/);
    expect(line).toContain('file=dir%2Ca%3Ab/100%25%0D%0A.py,');
    expect(line).toContain('::100%25 sure: a, b%0Aand c%0D%0A%250A is text');
    const { command, properties, message } = parseCommand(line.slice(0, -1));
    expect(command).toBe('notice');
    expect(properties).toEqual({ file: HOSTILE.file, line: '3', col: '5', endLine: '4', endColumn: '2', title: 'LL003 (softmax-before-cross-entropy)' });
    expect(message).toBe(HOSTILE.message);
  });
});

/** GitLab's Code Quality report, as its documentation lists the required fields and their types. */
const GITLAB_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['description', 'check_name', 'fingerprint', 'severity', 'location'],
    properties: {
      description: { type: 'string', minLength: 1 },
      check_name: { type: 'string', minLength: 1 },
      fingerprint: { type: 'string', minLength: 1 },
      severity: { enum: ['info', 'minor', 'major', 'critical', 'blocker'] },
      location: {
        type: 'object',
        required: ['path', 'lines'],
        properties: {
          // Relative to the repository, not prefixed with ./ or /.
          path: { type: 'string', minLength: 1, pattern: '^(?!\\.?/)' },
          lines: {
            type: 'object',
            required: ['begin'],
            properties: { begin: { type: 'integer', minimum: 1 }, end: { type: 'integer', minimum: 1 } },
          },
        },
      },
    },
  },
};

describe('losslens check --format gitlab', () => {
  const validate = new Ajv({ allErrors: true }).compile(GITLAB_SCHEMA);
  type Issue = {
    description: string;
    check_name: string;
    fingerprint: string;
    severity: string;
    location: { path: string; lines: { begin: number; end: number } };
  };

  async function gitlab(cwd: string, path = 'pkg'): Promise<Issue[]> {
    const result = await run(['check', '--no-cache', '--format', 'gitlab', path], cwd);
    const report = JSON.parse(result.stdout);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    return report;
  }

  it('is a valid Code Quality report: an issue per finding, severities by level, unique fingerprints', async () => {
    const issues = await gitlab(dir);
    expect(issues).toHaveLength(findings.length);
    issues.forEach((issue, index) => {
      const finding = findings[index]!;
      expect(issue.check_name).toBe(finding.code);
      expect(issue.location.path).toBe(finding.file);
      expect(issue.severity).toBe({ error: 'major', warning: 'minor', information: 'info' }[finding.severity]);
      expect(issue.description).toContain(finding.message);
      if (finding.cell === undefined) expect(issue.location.lines).toEqual({ begin: finding.line, end: finding.endLine });
      else expect(issue.description).toContain(`cell ${finding.cell}, line ${finding.line}`);
    });
    // The two LL021 on identical lines of train.py are two issues.
    expect(issues.filter((issue) => issue.location.path === 'pkg/train.py' && issue.check_name === 'LL021')).toHaveLength(2);
    expect(new Set(issues.map((issue) => issue.fingerprint)).size).toBe(issues.length);
  });

  it('keeps each fingerprint when lines are added above, and across runs; a changed line changes it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'losslens-gitlab-'));
    writeFileSync(join(folder, 'train.py'), BUGGY);
    const before = await gitlab(folder, '.');
    expect((await gitlab(folder, '.')).map((issue) => issue.fingerprint)).toEqual(before.map((issue) => issue.fingerprint));

    writeFileSync(join(folder, 'train.py'), `# Three lines above\n# move every finding\n# and its "line N"\n${BUGGY}`);
    const moved = await gitlab(folder, '.');
    expect(before.at(-1)!.description).toContain('line 11');
    expect(moved.at(-1)!.description).toContain('line 14');
    expect(moved.map((issue) => issue.location.lines.begin)).toEqual(before.map((issue) => issue.location.lines.begin + 3));
    expect(moved.map((issue) => issue.fingerprint)).toEqual(before.map((issue) => issue.fingerprint));

    writeFileSync(join(folder, 'train.py'), BUGGY.replace('F.softmax(head(x), dim=1)', 'F.softmax(head(x), dim=-1)'));
    const edited = await gitlab(folder, '.');
    expect(edited[0]!.check_name).toBe('LL003');
    expect(edited[0]!.fingerprint).not.toBe(before[0]!.fingerprint);
    expect(edited.slice(1).map((issue) => issue.fingerprint)).toEqual(before.slice(1).map((issue) => issue.fingerprint));
  });

  it('is an empty array when nothing is found', async () => {
    const result = await run(['check', '--no-cache', '--format', 'gitlab', 'pkg/clean.py'], dir);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});

describe('losslens check --format junit', () => {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    htmlEntities: true,
    parseAttributeValue: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  });
  type Case = { name: string; classname: string; file: string; line: string; failure: { message: string; type: string; '#text': string } };
  type Suite = { name: string; tests: string; failures: string; testcase: Case[] };

  it('is well-formed JUnit XML: a suite per file, a failing test case per finding, the counts in the attributes', async () => {
    const result = await run(['check', '--no-cache', '--format', 'junit', 'pkg'], dir);
    expect(result.code).toBe(1);
    expect(XMLValidator.validate(result.stdout)).toBe(true);
    const { testsuites } = parser.parse(result.stdout) as { testsuites: { name: string; tests: string; failures: string; testsuite: Suite[] } };
    expect(testsuites.tests).toBe(String(findings.length));
    expect(testsuites.failures).toBe(String(findings.length));
    const files = [...new Set(findings.map((finding) => finding.file))];
    expect(testsuites.testsuite.map((suite) => suite.name)).toEqual(files);
    for (const suite of testsuites.testsuite) {
      const own = findings.filter((finding) => finding.file === suite.name);
      expect(suite.tests).toBe(String(own.length));
      expect(suite.failures).toBe(String(own.length));
      expect(suite.testcase.map((testcase) => [testcase.failure.type, testcase.failure.message, testcase.file, testcase.line])).toEqual(
        own.map((finding) => [finding.code, finding.message, finding.file, String(finding.line)]),
      );
      // GitLab keeps one test case per suite, class and name: every finding must have its own.
      expect(new Set(suite.testcase.map((testcase) => testcase.name)).size).toBe(own.length);
      expect(suite.testcase[0]!.classname).toBe(suite.name.replace(/\.(py|ipynb)$/, ''));
    }
  });

  it('escapes markup and drops characters XML cannot hold; newlines in attributes survive', () => {
    const xml = junitReport([HOSTILE]);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect([xml.includes('\u0001'), xml.includes('\u001f')]).toEqual([false, false]);
    const { testsuites } = parser.parse(xml) as { testsuites: { testsuite: Suite[] } };
    const testcase = testsuites.testsuite[0]!.testcase[0]!;
    expect(testcase.file).toBe(HOSTILE.file);
    expect(testcase.failure.message).toBe(HOSTILE.message.replaceAll('\u0001', '\ufffd').replaceAll('\u001f', '\ufffd'));
  });
});

describe('losslens check --format concise', () => {
  it('is the text format without fix markers or the summary: path:line:col: code message', async () => {
    const concise = await run(['check', '--no-cache', '--format', 'concise', 'pkg'], dir);
    const text = await run(['check', '--no-cache', 'pkg'], dir);
    expect(concise.code).toBe(1);
    const lines = concise.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(findings.length);
    expect(lines).toEqual(
      text.stdout
        .trimEnd()
        .split('\n')
        .slice(0, -1)
        .map((line) => line.replace(/ \[[*-]\] /, ' ')),
    );
    expect(lines).toContain(`pkg/explore.ipynb:cell 2:2:9: LL021 ${findings.find((finding) => finding.cell === 2)!.message}`);
    for (const line of lines) expect(line).toMatch(/^[^\n]+:(cell \d+:)?\d+:\d+: LL\d{3} \S/);
  });
});

describe('losslens check --statistics', () => {
  const tally = () => {
    const counts = new Map<string, JsonFinding[]>();
    for (const finding of findings) counts.set(finding.code, [...(counts.get(finding.code) ?? []), finding]);
    return [...counts.values()]
      .map((group) => ({ code: group[0]!.code, name: group[0]!.rule, count: group.length, fixable: group.every((finding) => finding.fix?.safety === 'safe') }))
      .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
  };

  it('counts findings per rule, most frequent first, [*] where every one has a safe fix', async () => {
    const result = await run(['check', '--no-cache', '--statistics', 'pkg'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(['5\tLL021\t[*] softmax-implicit-dim', '4\tLL003\t[*] softmax-before-cross-entropy', ''].join('\n'));
    expect(tally().map(({ count, code }) => `${count} ${code}`)).toEqual(['5 LL021', '4 LL003']);
  });

  it('marks only the rules whose findings all have a safe fix, the others aligned after them', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'losslens-statistics-'));
    // LL012 (no fix) and LL021 (a safe fix).
    const source = [
      'import torch',
      'import torch.nn as nn',
      'import torch.nn.functional as F',
      '',
      'head = nn.Linear(16, 1)',
      'x = torch.randn(8, 16)',
      'y = torch.randint(0, 2, (8,))',
      'loss = F.cross_entropy(head(x), y)',
      'probs = F.softmax(x)',
      '',
    ];
    writeFileSync(join(folder, 'a.py'), source.join('\n'));
    const result = await run(['check', '--no-cache', '--statistics', '--exit-zero', '.'], folder);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('1\tLL012\t    class-count-mismatch\n1\tLL021\t[*] softmax-implicit-dim\n');
  });

  it('with --format json prints the counts as a JSON array', async () => {
    const result = await run(['check', '--no-cache', '--statistics', '--format', 'json', 'pkg'], dir);
    expect(JSON.parse(result.stdout)).toEqual(tally());
  });

  it('does not go with a CI format', async () => {
    const result = await run(['check', '--statistics', '--format', 'junit', 'pkg'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--statistics prints a table, or JSON with --format json; it does not go with --format junit.');
  });
});

describe('losslens check --output-file', () => {
  it.each(['text', 'concise', 'json', 'sarif', 'github', 'gitlab', 'junit'])('writes the %s report whole to the file, nothing to stdout', async (format) => {
    const printed = await run(['check', '--no-cache', '--format', format, 'pkg', 'notes.txt'], dir);
    const file = join(mkdtempSync(join(tmpdir(), 'losslens-output-')), 'reports', `report.${format}`);
    const written = await run(['check', '--no-cache', '--format', format, '--output-file', file, 'pkg', 'notes.txt'], dir);
    expect(written.stdout).toBe('');
    expect(written.code).toBe(printed.code);
    expect(written.stderr).toBe(printed.stderr);
    expect(written.stderr).toContain('notes.txt: skipped');
    expect(readFileSync(file, 'utf8')).toBe(printed.stdout);
  });

  it('writes the statistics, relative to the working folder', async () => {
    const printed = await run(['check', '--no-cache', '--statistics', 'pkg'], dir);
    await run(['check', '--no-cache', '--statistics', '--output-file', 'out/statistics.txt', 'pkg'], dir);
    expect(readFileSync(join(dir, 'out', 'statistics.txt'), 'utf8')).toBe(printed.stdout);
  });

  it('says in one line on stderr why it cannot write the file, exit 2', async () => {
    const result = await run(['check', '--no-cache', '--output-file', 'pkg/train.py/report.txt', 'pkg'], dir);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('losslens check: cannot write the report to pkg/train.py/report.txt: a part of its path is a file, not a folder\n');
  });
});

describe('losslens check --format', () => {
  it('names every format when given one it does not know', async () => {
    const result = await run(['check', '--format', 'xml', 'pkg'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown format "xml": use one of text, concise, json, sarif, github, gitlab, junit.');
  });
});
