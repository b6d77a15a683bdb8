import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * No module-level mutable state in src/: state lives in objects their owner creates (a
 * `SourceFile`, an `AnalysisHost`, the extension's controllers), never in a module. Caught: `let`
 * and `var` at module level, global or sticky regular expressions there (`lastIndex` is state),
 * maps and sets there not typed read-only, and static fields that are not readonly.
 */
const MODULE_LEVEL = ':matches(Program, Program > ExportNamedDeclaration) > VariableDeclaration';
const noModuleState = [
  { selector: `${MODULE_LEVEL}[kind!='const']`, message: 'No module-level mutable state: keep it in an object its owner creates.' },
  {
    selector: `${MODULE_LEVEL} > VariableDeclarator > Literal[regex.flags=/[gy]/]`,
    message: 'A module-level global or sticky RegExp carries lastIndex between uses: create it where it is used.',
  },
  {
    selector: `${MODULE_LEVEL} > VariableDeclarator:not([id.typeAnnotation.typeAnnotation.typeName.name=/^Readonly/]) > NewExpression[callee.name=/^(Map|Set|WeakMap|WeakSet)$/]`,
    message: 'A module-level Map or Set must be typed ReadonlyMap / ReadonlySet: no module-level mutable state.',
  },
  {
    selector: 'PropertyDefinition[static=true][readonly!=true]',
    message: 'A static field that is not readonly is module-level mutable state: keep it in an object its owner creates.',
  },
];

/** `vscode` may only be imported by the extension adapter (docs/ARCHITECTURE.md, layers). */
const vscodeOnlyInExtension = {
  'no-restricted-imports': [
    'error',
    {
      paths: [{ name: 'vscode', message: 'Only src/extension/ may import vscode; keep this layer runnable in plain Node.' }],
    },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "CallExpression[callee.name='require'][arguments.0.value='vscode']",
      message: 'Only src/extension/ may import vscode; keep this layer runnable in plain Node.',
    },
    ...noModuleState,
  ],
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'media/dist/**', 'node_modules/**', '.cache/**', 'scratch/**', 'test/e2e/artifacts/**', 'examples/**', 'test/fixtures/**', '*.vsix'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'media/**/*.ts'],
    ignores: ['src/extension/**'],
    rules: vscodeOnlyInExtension,
  },
  {
    files: ['src/extension/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...noModuleState] },
  },
  {
    files: ['scripts/**/*.mjs', 'test/**/*.mjs', '*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // Tests and the bench report on the console.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
