export interface Toolchain {
  /** Node 24, which code-server requires. */
  readonly node: string;
  /** The VS Code server bundled in code-server (`server-main.js`), for extension-host tests. */
  readonly serverMain: string;
  /** code-server's own entry point, for the UI (`--install-extension`, `--auth none`). */
  readonly codeServer: string;
  readonly vscodeVersion: string;
}

export const REPO_ROOT: string;
export const CACHE_DIR: string;
export function ensureToolchain(log?: (line: string) => void): Toolchain;
export const QUIET_SETTINGS: Readonly<Record<string, unknown>>;
export function writeUserSettings(userDataDir: string, settings?: Record<string, unknown>): void;
export function codeServerArgs(
  toolchain: Toolchain,
  options: {
    extensionsDir: string;
    userDataDir: string;
    port?: number;
    workspace?: string;
    locale?: string;
    installExtension?: string;
  },
): string[];
