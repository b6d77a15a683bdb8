import * as l10n from '@vscode/l10n';
import type { EvaluateRequest } from '../losses/evaluate';
import { ParseError, parseTensor } from '../tensor/parse';
import type { LossSite } from './types';

/** A loss site as an evaluator request, or why it cannot be one (a person reads the reason). */
export type SiteRequest = { readonly request: EvaluateRequest } | { readonly reason: string };

/**
 * The request that computes a loss site's value when every tensor argument resolves to a literal
 * and every option is one (`reduction='sum'`, `weight=torch.tensor([1., 9.])`, `ignore_index=-1`).
 */
export function siteRequest(site: LossSite, maxElements: number): SiteRequest {
  if (site.kind !== 'application') return { reason: l10n.t('only a call of the loss has a value') };
  // Metrics, the `compile` strings, spread arguments, and options or layouts the evaluator does not have: not computed.
  if (!site.loss)
    return {
      reason: l10n.t(
        'LossLens does not compute this call: its evaluator lacks this loss or something the call gives it (metrics, `compile` strings, arguments spread with `*args` or `**kwargs`, options such as `axis=` or `SUM_OVER_BATCH_SIZE`, TensorFlow cross entropies on logits of rank 3 or more)',
      ),
    };
  const args: Record<string, ReturnType<typeof parseTensor>> = {};
  for (const [name, argument] of Object.entries(site.arguments)) {
    if (argument.literal === undefined) return { reason: l10n.t('`{0}` is not a tensor written in the code', argument.text) };
    const tensor = literalTensor(argument.literal, maxElements);
    if ('reason' in tensor) return { reason: tensor.reason };
    args[name] = tensor.value;
  }
  const kwargs: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(site.options)) {
    const value = pythonLiteral(text, maxElements);
    if (value === undefined) return { reason: l10n.t('`{0}={1}` is not a value written in the code', name, text) };
    kwargs[name] = value;
  }
  return { request: { loss: site.loss, args, kwargs } };
}

function literalTensor(text: string, maxElements: number): { value: ReturnType<typeof parseTensor> } | { reason: string } {
  try {
    return { value: parseTensor(text, { maxElements }) };
  } catch (error) {
    if (error instanceof ParseError) return { reason: error.message };
    throw error;
  }
}

/** A keyword argument's value from its source: a string, number, bool, None, or a tensor literal. */
function pythonLiteral(text: string, maxElements: number): unknown {
  const source = text.trim();
  const quoted = /^(['"])([^'"\\]*)\1$/.exec(source);
  if (quoted) return quoted[2];
  if (source === 'True' || source === 'False') return source === 'True';
  if (source === 'None') return null;
  if (/^[-+]?(\d[\d_]*\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(source)) return Number(source.replace(/_/g, ''));
  if (/^(\[|(torch\.|np\.|numpy\.)?(tensor|Tensor|FloatTensor|LongTensor|array|as_tensor)\()/.test(source)) {
    const tensor = literalTensor(source, maxElements);
    return 'value' in tensor ? tensor.value : undefined;
  }
  return undefined;
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

/** `torch.nn.functional.mse_loss` as `F.mse_loss`, `torch.nn.BCELoss` as `nn.BCELoss`: as people import them. */
export function shortApi(api: string): string {
  return api
    .replace(/^torch\.nn\.(functional\.)?/, (_match, functional: string | undefined) => (functional ? 'F.' : 'nn.'))
    .replace(/^tfjs\./, 'tf.')
    .replace(/^tensorflow\./, 'tf.');
}
