import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/** `vscode` may only be imported by the extension adapter (DESIGN.md, layers). */
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
  ],
};

export default tseslint.config(
  {
    ignores: ['dist/**', 'media/dist/**', 'node_modules/**', '.cache/**', 'test/e2e/artifacts/**', 'examples/**', 'test/fixtures/**', '*.vsix'],
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
    files: ['scripts/**/*.mjs', 'test/**/*.mjs', '*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // Tests and the bench report on the console.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
