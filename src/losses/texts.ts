import * as l10n from '@vscode/l10n';
import type { LossDefinition } from './types';

/**
 * A loss's own words in the display language (`l10n/losses.<language>.json`): its title and the
 * description of each tensor argument and tensor option. The registry holds them in English.
 */
interface LossTexts {
  readonly title: string;
  readonly tensors: Readonly<Record<string, string>>;
}

export type LossTextTable = Readonly<Record<string, LossTexts>>;

export function lossTitle(loss: LossDefinition, table?: LossTextTable | null): string {
  return table?.[loss.name]?.title ?? loss.title;
}

/** The description of a tensor argument or tensor option, translated when the table has it. */
export function tensorDescription(loss: LossDefinition, name: string, table?: LossTextTable | null): string {
  const english = loss.tensors.find((parameter) => parameter.name === name)?.contract.description;
  const option = loss.options[name];
  return table?.[loss.name]?.tensors[name] ?? english ?? (option?.kind === 'tensor' ? option.contract.description : '');
}

/**
 * A shape contract as a person reads it, its words in the display language: the notation stays
 * (`(N, C)`), the words around it are said (`same as input`, `broadcastable to input`, `logits
 * without its last axis`). Shapes the patterns do not know are given as written.
 */
export function shapeText(shape: string): string {
  const clause = (words: string): string | undefined => {
    let match = /^same as (the losses|\w+)( \(class probabilities\))?$/.exec(words);
    if (match)
      return match[2]
        ? l10n.t('same as {0} (class probabilities)', match[1] === 'the losses' ? l10n.t('the losses') : match[1]!)
        : l10n.t('same as {0}', match[1] === 'the losses' ? l10n.t('the losses') : match[1]!);
    match = /^broadcastable to (\w+)$/.exec(words);
    if (match) return l10n.t('broadcastable to {0}', match[1]!);
    match = /^broadcast with (\w+)$/.exec(words);
    if (match) return l10n.t('broadcast with {0}', match[1]!);
    match = /^(\w+) without its last (dim|axis)$/.exec(words);
    if (match) return match[2] === 'axis' ? l10n.t('{0} without its last axis', match[1]!) : l10n.t('{0} without its last dim', match[1]!);
    match = /^(\w+) with last dim 1$/.exec(words);
    if (match) return l10n.t('{0} with last dim 1', match[1]!);
    return undefined;
  };
  const whole = clause(shape);
  if (whole) return whole;
  const comma = /^(\([^)]*\)), (.*)$/.exec(shape);
  const words = comma ? clause(comma[2]!) : undefined;
  return comma && words ? `${comma[1]}, ${words}` : shape;
}
