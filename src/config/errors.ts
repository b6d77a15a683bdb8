/**
 * A project configuration LossLens cannot use, with a message a person can act on: it names the
 * file, the line and the key (`pyproject.toml:14: [tool.losslens] unknown key "selct"; ...`).
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    message: string,
    /** The file at fault, absolute. */
    readonly file: string,
    /** 1-based; absent when the file as a whole is at fault (it cannot be read). */
    readonly line?: number,
    /** The key at fault, dotted as written under the LossLens table (`severity.LL001`). */
    readonly key?: string,
  ) {
    super(message);
  }
}
