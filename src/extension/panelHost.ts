import * as v from 'valibot';
import * as vscode from 'vscode';
import type { CalculatorForm } from '../common/protocol/calculator';
import { webviewHtml, webviewOptions } from './webviewHtml';

/**
 * The LossLens panels as the rest of the extension reaches them: commands and views open one,
 * and never import its module (a panel opens another through a command, so no two import each
 * other).
 */
export interface Panels {
  /** `show` gives the panel: the tests check a second run reveals the same one. */
  readonly status: { show(): vscode.WebviewPanel; refresh(): void };
  readonly calculator: { show(form?: CalculatorForm): void };
  readonly explain: { show(topic: string): void };
}

/** What a kind of panel is: its view type, its webview's files, and the messages it reads. */
export interface PanelKind<ToHost> {
  readonly viewType: string;
  /** File names under `media/dist/`. */
  readonly script: string;
  readonly stylesheet: string;
  readonly column: vscode.ViewColumn;
  /** The messages its webview sends; anything else is logged and dropped. */
  readonly inbound: v.GenericSchema<unknown, ToHost>;
  /** The log's words for a message that is not one of them, given valibot's summary. */
  malformed(summary: string): string;
}

/** What a panel needs of the activation. */
export interface PanelEnvironment {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
}

/**
 * One LossLens webview panel: the HTML shell with its CSP, the icon, the messages it receives
 * validated before `receive` sees them, and its listeners disposed with it. A panel is a subclass
 * that answers its messages and posts its own.
 */
export abstract class WebviewPanelHost<ToHost, ToWebview> {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    protected readonly environment: PanelEnvironment,
    readonly panel: vscode.WebviewPanel,
    kind: PanelKind<ToHost>,
    title: string,
  ) {
    panel.webview.options = webviewOptions(environment.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(environment.extensionUri, 'media', 'icon.png');
    panel.webview.html = webviewHtml({
      webview: panel.webview,
      extensionUri: environment.extensionUri,
      script: kind.script,
      stylesheet: kind.stylesheet,
      title,
      bootstrap: { l10nBundle: vscode.l10n.bundle },
    });
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage(
      (raw: unknown) => {
        const parsed = v.safeParse(kind.inbound, raw);
        if (parsed.success) this.receive(parsed.output);
        else environment.log.warn(kind.malformed(v.summarize(parsed.issues)));
      },
      undefined,
      this.disposables,
    );
  }

  protected abstract receive(message: ToHost): void;

  /** What to stop when the panel closes (a computation still running). */
  protected disposed(): void {}

  protected post(message: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    this.disposed();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

/**
 * One panel of a kind at a time: `open` reveals the panel there is, or makes one; after a reload,
 * VS Code hands the panel back to the serializer with the state its webview saved, validated.
 */
export class PanelSlot<Panel extends WebviewPanelHost<unknown, unknown>, State> {
  private current: Panel | undefined;

  constructor(
    private readonly environment: PanelEnvironment,
    private readonly kind: PanelKind<unknown> & { readonly state: v.GenericSchema<unknown, State> },
    private readonly make: (panel: vscode.WebviewPanel, state: State | undefined) => Panel,
  ) {}

  /** The panel open now, if any. */
  get open(): Panel | undefined {
    return this.current;
  }

  /**
   * Reveals the open panel and hands it to `update`, or makes one titled `title` from `initial`
   * (what its webview would have saved: a new panel starts from it).
   */
  show(title: string, update?: (panel: Panel) => void, initial?: State): Panel {
    if (this.current) {
      this.current.panel.reveal();
      update?.(this.current);
      return this.current;
    }
    const panel = vscode.window.createWebviewPanel(this.kind.viewType, title, this.kind.column, webviewOptions(this.environment.extensionUri));
    return this.adopt(this.make(panel, initial));
  }

  /** Restores the panels of this kind VS Code reopens after a reload. */
  register(subscriptions: vscode.Disposable[]): void {
    subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(this.kind.viewType, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
          const saved = v.safeParse(this.kind.state, state);
          this.adopt(this.make(panel, saved.success ? saved.output : undefined));
        },
      }),
    );
  }

  private adopt(panel: Panel): Panel {
    this.current = panel;
    panel.panel.onDidDispose(() => {
      if (this.current === panel) this.current = undefined;
    });
    return panel;
  }
}
