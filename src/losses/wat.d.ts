/** A WebAssembly text module, imported as its compiled bytes (`scripts/wat.mjs`). */
declare module '*.wat' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}
