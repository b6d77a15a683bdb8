import { AnalysisHost } from '../../../src/analysis/host';
import { SourceFile } from '../../../src/analysis/python/source-file';
import type { AnalyzeOptions } from '../../../src/analysis/options';
import type { AnalysisResult } from '../../../src/analysis/types';

/** One host for a test file's analyses: the parser loads once. */
export const host = new AnalysisHost();

/** A fresh analysis of `text`, as a new document would get it. */
export async function analyzeFresh(text: string, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const source = new SourceFile(host);
  try {
    return await source.analyze(text, options);
  } finally {
    source.dispose();
  }
}
