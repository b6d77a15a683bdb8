/** A WebAssembly text module, imported as its compiled bytes in base64 (`scripts/wat.mjs`). */
declare module '*.wat' {
  const base64: string;
  export default base64;
}
