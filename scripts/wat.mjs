// WebAssembly text (`.wat`) imported from TypeScript: `import base64 from './kernels.wat'` gives the
// module's bytes in base64, compiled by wabt (npm, no toolchain to install) when the bundle or a
// test is built.
//   watPlugin       for esbuild (scripts/build.mjs, scripts/bundles.mjs, scripts/bench.mjs)
//   watVitePlugin   for vitest (vitest.config.ts)
import { readFile } from 'node:fs/promises';
import wabt from 'wabt';

/** The post-MVP features the kernels use: 128-bit SIMD and a shared memory. */
const FEATURES = { simd: true, threads: true, multi_value: true, sat_float_to_int: true };

/**
 * The module's bytes as a JavaScript module exporting them in base64 (a third of the size of a number list). A
 * syntax or validation error fails the build with wabt's message, which names the line.
 * @param {string} path
 * @param {string} text
 */
export async function watToModule(path, text) {
  const toolkit = await wabt();
  const parsed = toolkit.parseWat(path, text, FEATURES);
  try {
    parsed.resolveNames();
    parsed.validate(FEATURES);
    const { buffer } = parsed.toBinary({ log: false });
    // The bytes in base64, decoded by the importer when it first needs them (not when the bundle loads).
    return `export default ${JSON.stringify(Buffer.from(buffer).toString('base64'))};\n`;
  } finally {
    parsed.destroy();
  }
}

/** @type {import('esbuild').Plugin} */
export const watPlugin = {
  name: 'wat',
  setup(build) {
    build.onLoad({ filter: /\.wat$/ }, async (args) => ({ contents: await watToModule(args.path, await readFile(args.path, 'utf8')), loader: 'js' }));
  },
};

/** @returns {import('vite').Plugin} */
export function watVitePlugin() {
  return {
    name: 'wat',
    async load(id) {
      if (!id.endsWith('.wat')) return null;
      return watToModule(id, await readFile(id, 'utf8'));
    },
  };
}
