// A Node module hook for `import text from './file.s?raw'` (what Vite does in the page):
// the file's contents as the default export. bin/trapdoor.mjs and bin/run-ts.mjs register
// it beside tsx, so the CLI and the scripts load the guest kernels' sources as the page does.
import { readFile } from 'node:fs/promises';

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !new URL(url).searchParams.has('raw')) return nextLoad(url, context);
  const path = new URL(url);
  path.search = '';
  const text = await readFile(path, 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}
