// Bundles the extension, the CLI and the webview scripts with esbuild.
//   node scripts/build.mjs               development build (source maps)
//   node scripts/build.mjs --production  minified, no source maps (what `npm run package` ships)
//   node scripts/build.mjs --tests       also the integration suite that runs in the extension host
//   node scripts/build.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import ts from 'typescript';
import { treeSitterBeside } from './bundles.mjs';
import { watPlugin } from './wat.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
};

/**
 * The TensorFlow.js analyzer carries the TypeScript parser (megabytes): it is its own bundle,
 * `dist/tfjs/analyze.js`, which the extension and the CLI load the first time a file imports
 * TensorFlow.js. Their `import('./script/analyze')` stays a `require` of that file.
 */
const tfjsExternal = {
  name: 'tfjs-analyzer-external',
  setup(build) {
    build.onResolve({ filter: /\/script\/analyze$/ }, () => ({ path: './tfjs/analyze.js', external: true }));
  },
};

/**
 * TypeScript's parser without the rest of TypeScript. `typescript.js` is one 9 MB file (checker,
 * emitter, language service, tsserver) that esbuild cannot tree-shake: it is one closure that
 * exports every function. It was 85% of `dist/tfjs/analyze.js` and 60% of the VSIX. The analyzer
 * only parses, one file at a time without type information (typescript-estree's `parse`, which
 * creates no `ts.Program`), so this plugin keeps of `typescript.js` the top-level statements
 * reachable from the names the bundle's code reads off `typescript`, and drops the rest.
 */
function typescriptParserOnly(entryPoints) {
  /**
   * typescript-estree calls these only for typed parsing (`parseAndGenerateServices` with `project`,
   * `programs` or `projectService`), which LossLens never does; they would keep the checker.
   */
  const programApis = [
    'createProgram',
    'createWatchProgram',
    'createAbstractBuilder',
    'createWatchCompilerHost',
    'createCompilerHost',
    'getConfigFileParsingDiagnostics',
    'server',
  ];
  /** Top-level calls that only fill the language service's registries: kept when a registry is. */
  const registrations = { registerRefactor: ['refactors'], registerCodeFix: ['errorCodeToFixes', 'fixIdToRegistration'] };
  /** The language service's symbols, types and signatures are made by the checker only. */
  const checkerObjects =
    '    getSymbolConstructor: () => SymbolObject,\n    getTypeConstructor: () => TypeObject,\n    getSignatureConstructor: () => SignatureObject,\n';
  const wrapperStart = 'var ts = {}; ((module) => {\n';
  const wrapperEnd = /\n\}\)\(\{ get exports\(\) \{ return ts; \}.*\n/;
  const exportList = /^__export\(typescript_exports, \{\n([^]*?)\n\}\);$/m;

  const parse = (path, text) => ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, /\.[mc]?ts$/.test(path) ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  /** Calls `visit(identifier)` for each identifier in `node` that is not a property's name. */
  const forEachReference = (node, visit, parent = undefined) => {
    if (ts.isIdentifier(node)) {
      const isPropertyName =
        parent !== undefined &&
        parent.name === node &&
        (ts.isPropertyAccessExpression(parent) ||
          ts.isPropertyAssignment(parent) ||
          ts.isMethodDeclaration(parent) ||
          ts.isPropertyDeclaration(parent) ||
          ts.isAccessor(parent));
      if (!isPropertyName) visit(node.text);
    }
    ts.forEachChild(node, (child) => forEachReference(child, visit, node));
  };

  /** The exports of `typescript` the bundle's code may read: every property name it reads anywhere. */
  async function namesRead(exported) {
    const { metafile } = await esbuild.build({
      ...common,
      entryPoints,
      write: false,
      metafile: true,
      outdir: 'dist',
      platform: 'node',
      external: ['typescript', 'typescript/*'],
      plugins: [watPlugin],
    });
    const readers = Object.entries(metafile.inputs).filter(([, input]) => input.imports.some((imported) => /^typescript(\/|$)/.test(imported.path)));
    const names = new Set();
    const visit = (node) => {
      const name = ts.isPropertyAccessExpression(node)
        ? node.name.text
        : ts.isElementAccessExpression(node) && ts.isStringLiteral(node.argumentExpression)
          ? node.argumentExpression.text
          : ts.isBindingElement(node) || ts.isImportSpecifier(node)
            ? (node.propertyName ?? node.name).text
            : undefined;
      if (name !== undefined && exported.has(name)) names.add(name);
      ts.forEachChild(node, visit);
    };
    for (const [path] of readers) visit(parse(path, readFileSync(path, 'utf8')));
    return names;
  }

  function checkLayout(source) {
    const layoutProblems = [
      source.includes(wrapperStart) && wrapperEnd.test(source) ? [] : ['its module wrapper'],
      exportList.test(source) ? [] : ['its export list'],
      source.includes(checkerObjects) ? [] : ["the language service's object allocator"],
      programApis.filter((name) => !new RegExp(`^ {2}${name}: `, 'm').test(source)).map((name) => `its export ${name}`),
    ].flat();
    if (layoutProblems.length > 0) {
      throw new Error(`typescript.js (TypeScript ${ts.version}) changed (${layoutProblems.join(', ')}): update typescriptParserOnly in scripts/build.mjs`);
    }
  }

  function shake(source, keep) {
    const start = source.indexOf(wrapperStart);
    const end = source.search(wrapperEnd);
    const stubs = programApis.map((name) => `  ${name}: () => notBundled,`).join('\n');
    const body = source
      .slice(start + wrapperStart.length, end)
      .replace(exportList, () => `__export(typescript_exports, {\n${[...keep].map((name) => `  ${name}: () => ${name},`).join('\n')}\n${stubs}\n});`)
      .replace(checkerObjects, '')
      .concat('\nfunction notBundled() {\n  throw new Error("LossLens bundles only TypeScript\'s parser: TypeScript\'s programs are not in this build");\n}');
    const statements = parse('typescript.js', body).statements;
    const declaredAt = new Map();
    const declare = (name, index) => declaredAt.set(name, [...(declaredAt.get(name) ?? []), index]);
    const declaredNames = statements.map((statement) => {
      if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) return [statement.name.text];
      if (ts.isVariableStatement(statement))
        return statement.declarationList.declarations.flatMap((declaration) => (ts.isIdentifier(declaration.name) ? [declaration.name.text] : []));
      return [];
    });
    declaredNames.forEach((names, index) => names.forEach((name) => declare(name, index)));
    // A statement that only sets up a declaration (`Name.prop = ...`, a namespace's
    // `((Name2) => {...})(Name || (Name = {}))`, `__export(Name, ...)`, a registration) goes with it.
    const setsUp = (statement) => {
      if (!ts.isExpressionStatement(statement)) return [];
      const expression = statement.expression;
      let target;
      if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        target = expression.left;
        while (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) target = target.expression;
      } else if (ts.isCallExpression(expression) && ts.isIdentifier(expression.expression)) {
        const callee = expression.expression.text;
        if (callee in registrations) return registrations[callee].filter((name) => declaredAt.has(name));
        if (callee === '__export') target = expression.arguments[0];
      } else if (ts.isCallExpression(expression) && ts.isParenthesizedExpression(expression.expression) && expression.arguments.length === 1) {
        const [namespace] = expression.arguments;
        if (ts.isBinaryExpression(namespace)) target = namespace.left;
      }
      return target && ts.isIdentifier(target) && target.text !== 'typescript_exports' && declaredAt.has(target.text) ? [target.text] : [];
    };
    // esbuild's `0 && (module.exports = {...})` names every export for Node's CommonJS lexer: dead code.
    const isExportsAnnotation = (statement) =>
      ts.isExpressionStatement(statement) &&
      ts.isBinaryExpression(statement.expression) &&
      statement.expression.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken &&
      ts.isNumericLiteral(statement.expression.left) &&
      statement.expression.left.text === '0';
    const owners = statements.map((statement, index) => (declaredNames[index].length > 0 || isExportsAnnotation(statement) ? [] : setsUp(statement)));
    owners.forEach((names, index) => names.forEach((name) => declare(name, index)));

    const kept = new Set();
    const pending = [];
    const keepStatement = (index) => {
      if (kept.has(index)) return;
      kept.add(index);
      pending.push(index);
    };
    statements.forEach((statement, index) => {
      if (declaredNames[index].length === 0 && owners[index].length === 0 && !isExportsAnnotation(statement)) keepStatement(index);
    });
    while (pending.length > 0) forEachReference(statements[pending.pop()], (name) => declaredAt.get(name)?.forEach(keepStatement));
    return statements
      .filter((_, index) => kept.has(index))
      .map((statement) => body.slice(statement.pos, statement.end))
      .join('');
  }

  // In watch mode the names are read again on each rebuild; TypeScript is shaken again only when they change.
  const shakenFor = new Map();
  return {
    name: 'typescript-parser-only',
    setup(build) {
      build.onLoad({ filter: /[\\/]typescript[\\/]lib[\\/]typescript\.js$/ }, async (args) => {
        const source = readFileSync(args.path, 'utf8');
        checkLayout(source);
        const exported = new Set([...source.match(exportList)[1].matchAll(/^ {2}(\w+): /gm)].map((match) => match[1]));
        const keep = [...(await namesRead(exported))].filter((name) => !programApis.includes(name)).sort();
        const key = keep.join(',');
        if (!shakenFor.has(key)) shakenFor.set(key, shake(source, keep));
        return { contents: shakenFor.get(key), loader: 'js' };
      });
    },
  };
}

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [tfjsExternal, watPlugin],
  },
  {
    ...common,
    entryPoints: { 'tfjs/analyze': 'src/analysis/script/analyze.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [typescriptParserOnly({ 'tfjs/analyze': 'src/analysis/script/analyze.ts' }), watPlugin],
  },
  {
    ...common,
    entryPoints: { 'evaluator-worker': 'src/losses/worker.ts', 'calculator-worker': 'src/explain/worker.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [watPlugin],
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/bin.ts', 'check-worker': 'src/cli/check-worker.ts', 'tfjs-worker': 'src/server/tfjs-worker.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [tfjsExternal, treeSitterBeside, watPlugin],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['status', 'calculator', 'explain'].flatMap((page) => [`media/src/${page}.ts`, `media/src/${page}.css`]),
    outdir: 'media/dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    plugins: [watPlugin],
  },
];

if (tests) {
  builds.push({
    ...common,
    sourcemap: 'inline',
    entryPoints: readdirSync('test/integration/suite')
      .filter((file) => file === 'index.ts' || file.endsWith('.test.ts'))
      .map((file) => `test/integration/suite/${file}`),
    outdir: 'dist/test/integration',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    plugins: [watPlugin],
  });
}

if (!watch) {
  rmSync('dist', { recursive: true, force: true });
  rmSync('media/dist', { recursive: true, force: true });
}

/** The tree-sitter runtime and Python grammar, loaded at run time beside the bundles. */
function copyWasm() {
  mkdirSync('dist', { recursive: true });
  for (const file of ['tree-sitter.wasm', 'tree-sitter-python.wasm']) copyFileSync(`node_modules/@vscode/tree-sitter-wasm/wasm/${file}`, `dist/${file}`);
}

/**
 * The TensorFlow.js analyzer, with the part of TypeScript `typescriptParserOnly` kept, still parses
 * and finds: a softmax fed to `tf.losses.softmaxCrossEntropy` is LL003.
 */
function checkTfjsAnalyzer() {
  const sample = [
    "import * as tf from '@tensorflow/tfjs';",
    'const probs = tf.softmax(tf.randomNormal([4, 3]));',
    'const loss = tf.losses.softmaxCrossEntropy(tf.oneHot([0, 1, 2, 0], 3), probs);',
  ].join('\n');
  const found = execFileSync(
    process.execPath,
    ['-e', "const { analyzeScript } = require('./dist/tfjs/analyze.js'); process.stdout.write(JSON.stringify(analyzeScript(process.argv[1])))", sample],
    { encoding: 'utf8' },
  );
  const codes = JSON.parse(found).findings.map((finding) => finding.code);
  if (!codes.includes('LL003')) throw new Error(`dist/tfjs/analyze.js found ${JSON.stringify(codes)} in a softmax fed to softmaxCrossEntropy, not LL003`);
}

if (watch) {
  copyWasm();
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  copyWasm();
  checkTfjsAnalyzer();
}
