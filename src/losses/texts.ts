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
