import type { Plugin } from 'esbuild';
/** esbuild: `.wat` files imported as their compiled bytes. */
export const watPlugin: Plugin;
/** vite (vitest): the same. */
export function watVitePlugin(): { name: string; load(id: string): Promise<string | null> };
/** A `.wat` module's text compiled, as a JavaScript module exporting its bytes in base64. */
export function watToModule(path: string, text: string): Promise<string>;
