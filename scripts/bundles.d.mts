/** Bundles `losslens check`'s worker thread to `outfile`. */
export function bundleCheckWorker(outfile: string): Promise<void>;
/** Bundles the CLI, with the evaluator's worker and the TensorFlow.js analyzer beside it, into `outdir`. */
export function bundleCli(outdir: string): Promise<void>;
