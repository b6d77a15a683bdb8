import * as vscode from 'vscode';
import type { Fact, LossSite, Space } from '../analysis/types';
import type { CalculatorForm } from '../common/calculator';
import { EXPLAINED_RULES } from '../explain/explanations';
import { findLoss } from '../losses/registry';
import { lossTitle, type LossTextTable } from '../losses/texts';
import type { ContractSpace, LossDefinition, OptionSpec } from '../losses/types';
import type { DiagnosticsController } from './diagnostics';
import type { SiteEvaluations } from './evaluations';

/**
 * Hovers on loss constructions and calls: what the loss expects, what LossLens inferred about
 * the arguments at this call, the formula, the findings here, and — when every tensor argument
 * is written in the code — the value, computed as PyTorch computes it (on a worker thread).
 */
export class LossHovers implements vscode.HoverProvider {
  constructor(
    private readonly diagnostics: DiagnosticsController,
    private readonly evaluations: SiteEvaluations,
    /** Loss titles in the display language, when the extension has them. */
    private readonly lossTexts: LossTextTable | null = null,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const offset = document.offsetAt(position);
    const sites = await this.diagnostics.currentSites(document);
    const site = siteAt(sites, offset);
    if (token.isCancellationRequested) return undefined;
    if (!site) return this.argumentHover(document, sites, offset);
    const loss = site.loss ? findLoss(site.loss) : undefined;
    const markdown = new vscode.MarkdownString(undefined, true);
    markdown.appendMarkdown(`**\`${shortApi(site.api)}\`**`);
    if (loss) markdown.appendMarkdown(` — ${vscode.l10n.t('{0} (`{1}`)', lossTitle(loss, this.lossTexts), loss.name)}`);
    markdown.appendMarkdown('\n\n');
    // What matters most first: the finding, the value; then what is known, what is expected.
    const findings = (await this.diagnostics.currentFindings(document)).filter(
      (entry) => entry.diagnostic.range.intersection(new vscode.Range(document.positionAt(site.span.start), document.positionAt(site.span.end))) !== undefined,
    );
    for (const { finding, diagnostic } of findings) markdown.appendMarkdown(`$(warning) **${finding.code}** ${escape(diagnostic.message)}\n\n`);
    if (site.kind === 'application') {
      const value = await this.evaluations.value(site, token);
      if (value.kind === 'value') {
        markdown.appendMarkdown(`${vscode.l10n.t('Value, as PyTorch computes it:')}\n`);
        markdown.appendCodeblock(value.printed, 'python');
        for (const warning of value.warnings) markdown.appendMarkdown(`${vscode.l10n.t('PyTorch warns:')} ${escape(warning)}\n\n`);
      } else if (value.kind === 'error') {
        markdown.appendMarkdown(`${vscode.l10n.t('PyTorch would raise:')} ${escape(value.message)}\n\n`);
      } else {
        markdown.appendMarkdown(`_${escape(vscode.l10n.t('No value here: {0}.', value.reason))}_\n\n`);
      }
      appendFacts(markdown, site);
    }
    if (loss) {
      appendContract(markdown, loss, site);
      markdown.appendMarkdown(`${vscode.l10n.t('Formula:')} \`${loss.formula}\`\n\n`);
    }
    appendLinks(
      markdown,
      site,
      findings.map(({ finding }) => finding.code),
    );
    return new vscode.Hover(markdown, new vscode.Range(document.positionAt(site.span.start), document.positionAt(site.span.end)));
  }

  /** A hover on an argument of a loss call: what it is, the loss it feeds, and the findings on it. */
  private async argumentHover(document: vscode.TextDocument, sites: readonly LossSite[], offset: number): Promise<vscode.Hover | undefined> {
    const found = argumentAt(sites, offset);
    if (!found) return undefined;
    const { site, name } = found;
    const argument = site.arguments[name]!;
    const fact = name === Object.keys(site.arguments)[0] ? site.input : name === Object.keys(site.arguments)[1] ? site.target : undefined;
    const loss = site.loss ? findLoss(site.loss) : undefined;
    const expected = loss?.tensors.find((parameter) => parameter.name === name)?.contract;
    const range = new vscode.Range(document.positionAt(argument.span.start), document.positionAt(argument.span.end));
    const markdown = new vscode.MarkdownString(undefined, true);
    markdown.appendMarkdown(`**\`${short(argument.text)}\`** — ${escape(fact ? describeFact(fact) : vscode.l10n.t('nothing known'))}\n\n`);
    markdown.appendMarkdown(
      `${vscode.l10n.t('The `{0}` of `{1}`, which expects {2}.', name, shortApi(site.api), expected ? spaceName(expected.space) : vscode.l10n.t('a tensor'))}\n\n`,
    );
    for (const { finding, diagnostic } of await this.diagnostics.currentFindings(document)) {
      if (diagnostic.range.intersection(range)) markdown.appendMarkdown(`$(warning) **${finding.code}** ${escape(diagnostic.message)}\n\n`);
    }
    return new vscode.Hover(markdown, range);
  }
}

/** Commands a hover may run: only these, with arguments LossLens wrote. */
const HOVER_COMMANDS = ['losslens.explainLoss', 'losslens.openCalculator'];

/**
 * The hover's links: "Explain" (the loss, and each finding's rule) and "Evaluate" (the calculator,
 * filled in with the tensors written in the code).
 */
function appendLinks(markdown: vscode.MarkdownString, site: LossSite, codes: readonly string[]): void {
  const link = (title: string, command: string, argument: unknown) =>
    `[${title}](command:${command}?${encodeURIComponent(JSON.stringify([argument]))} "${title}")`;
  const links: string[] = [];
  for (const code of new Set(codes)) if (EXPLAINED_RULES.includes(code)) links.push(link(vscode.l10n.t('Explain {0}', code), 'losslens.explainLoss', code));
  if (site.loss && findLoss(site.loss)) {
    links.push(link(vscode.l10n.t('Explain {0}', site.loss), 'losslens.explainLoss', site.loss));
    const tensors: Record<string, string> = {};
    for (const [name, argument] of Object.entries(site.arguments)) if (argument.literal !== undefined) tensors[name] = argument.literal;
    const options: Record<string, string> = {};
    for (const [name, text] of Object.entries(site.options)) options[name] = text.trim().replace(/^(['"])(.*)\1$/, '$2');
    const form: CalculatorForm = { loss: site.loss, tensors, options };
    links.push(link(vscode.l10n.t('Evaluate in the calculator'), 'losslens.openCalculator', form));
  }
  if (links.length === 0) return;
  markdown.isTrusted = { enabledCommands: HOVER_COMMANDS };
  markdown.appendMarkdown(`${links.join(' · ')}\n`);
}

/**
 * The argument of a loss call a hover at `offset` is on (innermost call first), with the loss it
 * feeds: a `torch.sigmoid(x)` written as the input of `BCEWithLogitsLoss` says what it makes.
 */
function argumentAt(sites: readonly LossSite[], offset: number): { site: LossSite; name: string } | undefined {
  let best: { site: LossSite; name: string; length: number } | undefined;
  for (const site of sites) {
    for (const [name, argument] of Object.entries(site.arguments)) {
      const length = argument.span.end - argument.span.start;
      if (argument.span.start <= offset && offset < argument.span.end && (!best || length < best.length)) best = { site, name, length };
    }
  }
  return best;
}

/**
 * The site a hover at `offset` is about: the innermost call holding it, not inside one of its
 * tensor arguments (those are other expressions); a construction applied in place
 * (`nn.BCELoss()(a, b)`) is its application, which has a value.
 */
export function siteAt(sites: readonly LossSite[], offset: number): LossSite | undefined {
  const holding = sites.filter(
    (site) =>
      site.span.start <= offset &&
      offset < site.span.end &&
      !Object.values(site.arguments).some((argument) => argument.span.start <= offset && offset < argument.span.end),
  );
  const innermost = holding.sort((a, b) => a.span.end - a.span.start - (b.span.end - b.span.start))[0];
  if (innermost?.kind !== 'construction') return innermost;
  return sites.find((site) => site.kind === 'application' && site.construction?.start === innermost.span.start) ?? innermost;
}

function appendContract(markdown: vscode.MarkdownString, loss: LossDefinition, site: LossSite): void {
  markdown.appendMarkdown(`${vscode.l10n.t('Expects:')}\n\n`);
  for (const parameter of loss.tensors) {
    const { space, shapes, dtype } = parameter.contract;
    markdown.appendMarkdown(`- \`${parameter.name}\`: ${escape(spaceName(space))}, ${shapes.map((shape) => `\`${shape}\``).join(' / ')}, ${dtype}\n`);
  }
  const options = Object.entries(loss.options)
    .filter(([name, spec]) => spec.kind !== 'tensor' || site.options[name] !== undefined)
    .map(([name, spec]) => `\`${name}=${site.options[name] ?? defaultText(spec)}\`${site.options[name] !== undefined ? '' : ` ${vscode.l10n.t('(default)')}`}`);
  if (options.length > 0) markdown.appendMarkdown(`\n${vscode.l10n.t('Options:')} ${options.join(', ')}\n\n`);
  else markdown.appendMarkdown('\n');
}

function appendFacts(markdown: vscode.MarkdownString, site: LossSite): void {
  const described = Object.entries(site.arguments).slice(0, 2);
  if (described.length === 0) return;
  markdown.appendMarkdown(`${vscode.l10n.t('At this call:')}\n\n`);
  for (const [name, argument] of described) {
    const fact = name === Object.keys(site.arguments)[0] ? site.input : site.target;
    markdown.appendMarkdown(`- \`${name}\` = \`${short(argument.text)}\`: ${escape(fact ? describeFact(fact) : vscode.l10n.t('nothing known'))}\n`);
  }
  markdown.appendMarkdown('\n');
}

/** "logits from `head = nn.Linear(16, 1)`, shape (8, 1), float". */
function describeFact(fact: Fact): string {
  const parts: string[] = [];
  if (fact.space !== 'unknown') parts.push(spaceName(fact.space));
  if (fact.origin === 'literal' && fact.literal !== undefined) parts.push(vscode.l10n.t('written in the code'));
  const root = fact.evidence[0];
  if (root && fact.space !== 'unknown') parts[parts.length - 1] += ` ${vscode.l10n.t('from `{0}`', root.text)}`;
  if (fact.shape && fact.shape[0] !== 'param') {
    const dims = fact.shape.map((dim) => (dim === undefined ? '?' : String(dim)));
    parts.push(vscode.l10n.t('shape {0}', `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`));
  }
  if (fact.dtype !== 'unknown') parts.push(fact.dtype);
  return parts.length > 0 ? parts.join(', ') : vscode.l10n.t('nothing known');
}

/** What a space means, in the reader's language; every contract space has a name (the switch is exhaustive). */
function spaceName(space: ContractSpace | Space): string {
  switch (space) {
    case 'logits':
      return vscode.l10n.t('logits (raw scores)');
    case 'probabilities':
      return vscode.l10n.t('probabilities');
    case 'log-probabilities':
      return vscode.l10n.t('log-probabilities');
    case 'class-indices':
      return vscode.l10n.t('class indices');
    case 'values':
      return vscode.l10n.t('real values');
    case 'signs':
      return vscode.l10n.t('labels of 1 or -1');
    case 'embeddings':
      return vscode.l10n.t('embeddings');
    case 'scores':
      return vscode.l10n.t('scores');
    case 'lengths':
      return vscode.l10n.t('sequence lengths');
    case 'counts':
      return vscode.l10n.t('counts');
    case 'distances':
      return vscode.l10n.t('distances');
    case 'log-rates':
      return vscode.l10n.t('log rates');
    case 'variances':
      return vscode.l10n.t('variances');
    case 'unknown':
      return vscode.l10n.t('nothing known');
    default: {
      const unnamed: never = space;
      return String(unnamed);
    }
  }
}

function defaultText(spec: OptionSpec): string {
  if (spec.default === null) return 'None';
  if (typeof spec.default === 'string') return `'${spec.default}'`;
  if (typeof spec.default === 'boolean') return spec.default ? 'True' : 'False';
  return String(spec.default);
}

/** `torch.nn.functional.mse_loss` as `F.mse_loss`, `torch.nn.BCELoss` as `nn.BCELoss`: as people import them. */
export function shortApi(api: string): string {
  return api.replace(/^torch\.nn\.(functional\.)?/, (_match, functional: string | undefined) => (functional ? 'F.' : 'nn.'));
}

function short(code: string): string {
  const line = code.replace(/\s+/g, ' ');
  return line.length > 48 ? `${line.slice(0, 45)}...` : line;
}

/** Text for markdown, as text: what markdown would read is escaped, outside `code` spans. */
function escape(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/[\\*_[\]<>]/g, (character) => `\\${character}`)))
    .join('');
}
