/**
 * Messages between the extension host and the status webview ("LossLens: Show Status"). Each is a
 * valibot schema: its TypeScript type is inferred from it, and both sides validate what they
 * receive, as the calculator and the explanation view do (`calculator.ts`).
 */
import * as v from 'valibot';

export const LanguageServerState = v.picklist(['not started', 'starting', 'running', 'stopped']);
export type LanguageServerState = v.InferOutput<typeof LanguageServerState>;

export const StatusSnapshot = v.object({
  version: v.string(),
  vscodeVersion: v.string(),
  uiLanguage: v.string(),
  activationMs: v.number(),
  settings: v.object({
    enable: v.boolean(),
    select: v.array(v.string()),
    ignore: v.array(v.string()),
    maxFileSizeKB: v.number(),
    evaluatorMaxElements: v.number(),
  }),
  /** The language server: not started yet (it starts with the first document it reads), starting, running (with its version), or stopped. */
  languageServer: v.object({ state: LanguageServerState, version: v.optional(v.string()) }),
  /** Open documents LossLens watches, by language id (notebooks under `jupyter-notebook`). */
  watchedDocuments: v.record(v.string(), v.number()),
});
export type StatusSnapshot = v.InferOutput<typeof StatusSnapshot>;

export const HostToStatus = v.variant('type', [v.object({ type: v.literal('status'), status: StatusSnapshot })]);
export type HostToStatus = v.InferOutput<typeof HostToStatus>;

export const StatusToHost = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('showLog') }),
  v.object({ type: v.literal('refresh') }),
]);
export type StatusToHost = v.InferOutput<typeof StatusToHost>;

/** State the webview keeps across reloads (`vscode.setState`) and hands to the panel serializer. */
export const StatusState = v.object({ status: v.optional(StatusSnapshot) });
export type StatusState = v.InferOutput<typeof StatusState>;
