import * as l10n from '@vscode/l10n';
import type { WebviewBootstrap } from '../../src/common/protocol/webview';

interface VsCodeApi<State, Message> {
  postMessage(message: Message): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State, Message>(): VsCodeApi<State, Message>;

export function vscodeApi<State, Message>(): VsCodeApi<State, Message> {
  return acquireVsCodeApi<State, Message>();
}

/** Reads the host's bootstrap JSON and sets up l10n with the host's bundle. */
export function bootstrap(): WebviewBootstrap {
  const element = document.getElementById('bootstrap');
  const data = element?.textContent ? (JSON.parse(element.textContent) as WebviewBootstrap) : {};
  if (data.l10nBundle) l10n.config({ contents: data.l10nBundle });
  return data;
}

/** Creates an element with text content and optional class; text is never parsed as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: { text?: string; className?: string; attrs?: Record<string, string> } = {},
  ...children: Node[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.text !== undefined) node.textContent = options.text;
  if (options.className) node.className = options.className;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}
