// Source files imported as text (`import text from './kernel.s?raw'`): Vite does it in the
// page, the worker and the tests; bin/raw-loader.mjs does it for the CLI under tsx.
declare module '*?raw' {
  const text: string;
  export default text;
}
