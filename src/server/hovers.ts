import * as l10n from '@vscode/l10n';
import { siteAt, shortApi } from '../analysis/site-request';
import type { Fact, LossSite, Space, Span } from '../analysis/types';
import type { CalculatorForm } from '../common/protocol/calculator';
import { EXPLAINED_RULES } from '../explain/explanations';
import { findLoss } from '../losses/registry';
import { lossTitle, shapeText, type LossTextTable } from '../losses/texts';
import type { ContractSpace, LossDefinition, OptionSpec } from '../losses/types';
import type { SiteValue } from './evaluations';

/** A finding a hover may show: its code and message, and where it is (offsets into the hovered document). */
interface HoverFinding {
  readonly code: string;
  readonly message: string;
  readonly span: Span;
}

export interface HoverContext {
  readonly sites: readonly LossSite[];
  readonly findings: readonly HoverFinding[];
  readonly value: (site: LossSite) => Promise<SiteValue>;
  /** Loss titles in the display language, when there is a table for it. */
  readonly lossTexts: LossTextTable | null;
  /** LossLens's own extension: its icons, and links to its commands. */
  readonly vscode: boolean;
}

export interface HoverAnswer {
  readonly markdown: string;
  readonly span: Span;
}

/**
 * Hovers on loss constructions and calls: what the loss expects, what LossLens inferred about
 * the arguments at this call, the formula, the findings here, and — when every tensor argument
 * is written in the code — the value, computed as PyTorch (or Keras, for its losses) computes it (on a worker thread).
 * Hovers on an argument say what it is and what the loss expects of it. Markdown, for any client.
 */
export async function lossHover(context: HoverContext, offset: number): Promise<HoverAnswer | undefined> {
  const site = siteAt(context.sites, offset);
  if (!site) return argumentHover(context, offset);
  const warning = context.vscode ? '$(warning)' : '⚠';
  const loss = site.loss ? findLoss(site.loss) : undefined;
  const parts: string[] = [];
  let heading = `**\`${shortApi(site.api)}\`**`;
  if (loss) heading += ` — ${l10n.t('{0} (`{1}`)', lossTitle(loss, context.lossTexts), loss.name)}`;
  parts.push(`${heading}\n\n`);
  // What matters most first: the finding, the value; then what is known, what is expected.
  const findings = context.findings.filter((finding) => overlaps(finding.span, site.span));
  for (const finding of findings) parts.push(`${warning} **${finding.code}** ${escape(finding.message)}\n\n`);
  if (site.kind === 'application') {
    const value = await context.value(site);
    // TensorFlow 1's `tf.losses.*` reduce; `tf.nn.*` give each example.
    const by = VALUE_WORDS[site.framework === 'tensorflow' && /\.losses\./.test(site.api) ? 'tensorflow1' : site.framework] ?? VALUE_WORDS.torch!;
    if (value.kind === 'value') {
      parts.push(`${by.computes()}\n`, codeBlock(value.printed));
      for (const warningText of value.warnings) parts.push(`${by.warns()} ${escape(warningText)}\n\n`);
    } else if (value.kind === 'error') {
      parts.push(`${by.raises()} ${escape(value.message)}\n\n`);
    } else {
      parts.push(`_${escape(l10n.t('No value here: {0}.', value.reason))}_\n\n`);
    }
    parts.push(facts(site));
  }
  if (loss) {
    parts.push(contract(loss, site));
    parts.push(`${l10n.t('Formula:')} \`${loss.formula}\`\n\n`);
  }
  if (context.vscode)
    parts.push(
      links(
        site,
        findings.map((finding) => finding.code),
      ),
    );
  return { markdown: parts.join(''), span: site.span };
}

/** How a hover introduces a value, by the framework that computes it so. */
const VALUE_WORDS: Readonly<Record<string, { computes(): string; warns(): string; raises(): string }>> = {
  torch: { computes: () => l10n.t('Value, as PyTorch computes it:'), warns: () => l10n.t('PyTorch warns:'), raises: () => l10n.t('PyTorch would raise:') },
  keras: { computes: () => l10n.t('Value, as Keras computes it:'), warns: () => l10n.t('Keras warns:'), raises: () => l10n.t('Keras would raise:') },
  tensorflow: {
    computes: () => l10n.t('Value, as TensorFlow computes it (each example):'),
    warns: () => l10n.t('TensorFlow warns:'),
    raises: () => l10n.t('TensorFlow would raise:'),
  },
  tensorflow1: {
    computes: () => l10n.t('Value, as TensorFlow 1 computes it:'),
    warns: () => l10n.t('TensorFlow warns:'),
    raises: () => l10n.t('TensorFlow would raise:'),
  },
  jax: {
    computes: () => l10n.t('Value, as optax computes it (unreduced):'),
    warns: () => l10n.t('optax warns:'),
    raises: () => l10n.t('optax would raise:'),
  },
  tfjs: {
    computes: () => l10n.t('Value, as TensorFlow.js computes it:'),
    warns: () => l10n.t('TensorFlow.js warns:'),
    raises: () => l10n.t('TensorFlow.js would raise:'),
  },
};

/** A hover on an argument of a loss call: what it is, the loss it feeds, and the findings on it. */
function argumentHover(context: HoverContext, offset: number): HoverAnswer | undefined {
  const found = argumentAt(context.sites, offset);
  if (!found) return undefined;
  const { site, name } = found;
  const argument = site.arguments[name]!;
  const names = Object.keys(site.arguments);
  const fact = name === names[0] ? site.input : name === names[1] ? site.target : undefined;
  const loss = site.loss ? findLoss(site.loss) : undefined;
  const expected = loss?.tensors.find((parameter) => parameter.name === name)?.contract;
  const warning = context.vscode ? '$(warning)' : '⚠';
  const parts = [
    `**\`${short(argument.text)}\`** — ${escape(fact ? describeFact(fact) : l10n.t('nothing known'))}\n\n`,
    `${l10n.t('The `{0}` of `{1}`, which expects {2}.', argument.name ?? name, shortApi(site.api), expected ? spaceName(expected.space) : l10n.t('a tensor'))}\n\n`,
  ];
  for (const finding of context.findings) {
    if (overlaps(finding.span, argument.span)) parts.push(`${warning} **${finding.code}** ${escape(finding.message)}\n\n`);
  }
  return { markdown: parts.join(''), span: argument.span };
}

function overlaps(a: Span, b: Span): boolean {
  return a.start <= b.end && b.start <= a.end;
}

function codeBlock(code: string): string {
  return `\n\`\`\`python\n${code}\n\`\`\`\n`;
}

/**
 * The hover's links: "Explain" (the loss, and each finding's rule) and "Evaluate" (the calculator,
 * filled in with the tensors written in the code).
 */
function links(site: LossSite, codes: readonly string[]): string {
  const link = (title: string, command: string, argument: unknown) =>
    `[${title}](command:${command}?${encodeURIComponent(JSON.stringify([argument]))} "${title}")`;
  const found: string[] = [];
  for (const code of new Set(codes)) if (EXPLAINED_RULES.includes(code)) found.push(link(l10n.t('Explain {0}', code), 'losslens.explainLoss', code));
  if (site.loss && findLoss(site.loss)) {
    found.push(link(l10n.t('Explain {0}', site.loss), 'losslens.explainLoss', site.loss));
    const tensors: Record<string, string> = {};
    for (const [name, argument] of Object.entries(site.arguments)) if (argument.literal !== undefined) tensors[name] = argument.literal;
    const options: Record<string, string> = {};
    for (const [name, text] of Object.entries(site.options)) options[name] = text.trim().replace(/^(['"])(.*)\1$/, '$2');
    const form: CalculatorForm = { loss: site.loss, tensors, options };
    found.push(link(l10n.t('Evaluate in the calculator'), 'losslens.openCalculator', form));
  }
  return found.length === 0 ? '' : `${found.join(' · ')}\n`;
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

function contract(loss: LossDefinition, site: LossSite): string {
  let text = `${l10n.t('Expects:')}\n\n`;
  for (const parameter of loss.tensors) {
    const { space, shapes, dtype } = parameter.contract;
    text += `- \`${parameter.name}\`: ${escape(spaceName(space))}, ${shapes.map((shape) => `\`${shapeText(shape)}\``).join(' / ')}, ${dtype}\n`;
  }
  const options = Object.entries(loss.options)
    .filter(([name, spec]) => spec.kind !== 'tensor' || site.options[name] !== undefined)
    .map(([name, spec]) => `\`${name}=${site.options[name] ?? defaultText(spec)}\`${site.options[name] !== undefined ? '' : ` ${l10n.t('(default)')}`}`);
  return options.length > 0 ? `${text}\n${l10n.t('Options:')} ${options.join(', ')}\n\n` : `${text}\n`;
}

function facts(site: LossSite): string {
  const names = Object.keys(site.arguments);
  // The prediction first, whatever order the API takes them in (TensorFlow's take the labels first).
  const [input, target] = names.includes('input') ? ['input', 'target'] : [names[0], names[1]];
  const described = [input, target].flatMap((name) => (name && site.arguments[name] ? [[name, site.arguments[name]] as const] : []));
  if (described.length === 0) return '';
  let text = `${l10n.t('At this call:')}\n\n`;
  for (const [name, argument] of described) {
    const fact = name === input ? site.input : site.target;
    text += `- \`${argument.name ?? name}\` = \`${short(argument.text)}\`: ${escape(fact ? describeFact(fact) : l10n.t('nothing known'))}\n`;
  }
  return `${text}\n`;
}

/** "logits from `head = nn.Linear(16, 1)`, shape (8, 1), float". */
function describeFact(fact: Fact): string {
  const parts: string[] = [];
  if (fact.space !== 'unknown') parts.push(spaceName(fact.space));
  if (fact.origin === 'literal' && fact.literal !== undefined) parts.push(l10n.t('written in the code'));
  const root = fact.evidence[0];
  if (root && fact.space !== 'unknown') parts[parts.length - 1] += ` ${l10n.t('from `{0}`', root.text)}`;
  if (fact.shape && fact.shape[0] !== 'param') {
    const dims = fact.shape.map((dim) => (dim === undefined ? '?' : String(dim)));
    parts.push(l10n.t('shape {0}', `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`));
  }
  if (fact.dtype !== 'unknown') parts.push(fact.dtype);
  return parts.length > 0 ? parts.join(', ') : l10n.t('nothing known');
}

/** What a space means, in the reader's language; every contract space has a name (the switch is exhaustive). */
function spaceName(space: ContractSpace | Space): string {
  switch (space) {
    case 'logits':
      return l10n.t('logits (raw scores)');
    case 'probabilities':
      return l10n.t('probabilities');
    case 'log-probabilities':
      return l10n.t('log-probabilities');
    case 'class-indices':
      return l10n.t('class indices');
    case 'values':
      return l10n.t('real values');
    case 'signs':
      return l10n.t('labels of 1 or -1');
    case 'embeddings':
      return l10n.t('embeddings');
    case 'scores':
      return l10n.t('scores');
    case 'lengths':
      return l10n.t('sequence lengths');
    case 'counts':
      return l10n.t('counts');
    case 'distances':
      return l10n.t('distances');
    case 'log-rates':
      return l10n.t('log rates');
    case 'variances':
      return l10n.t('variances');
    case 'unknown':
      return l10n.t('nothing known');
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
