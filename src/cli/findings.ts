/** One finding as the JSON contract spells it (docs/ARCHITECTURE.md, "Contracts"; 1-based positions). */
export interface CheckFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly code: string;
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'information';
  readonly message: string;
  readonly fix?: { readonly title: string; readonly safety: 'safe' | 'unsafe'; readonly edits: ReadonlyArray<{ start: number; end: number; newText: string }> };
  /** Notebooks: the cell index; line and column are within that cell. */
  readonly cell?: number;
  /**
   * The evidence chain (and the call that makes the loss wrong, first), for SARIF's related
   * locations; not part of the JSON contract, which leaves it out.
   */
  readonly related?: ReadonlyArray<{ readonly file: string; readonly line: number; readonly column?: number; readonly cell?: number; readonly text: string }>;
}
