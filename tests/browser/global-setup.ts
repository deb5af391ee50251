// Builds the site once and serves it four times for the browser tests:
//  - `vite preview` on a free port, with the cross-origin isolation headers (shared memory);
//  - a plain static server that mounts dist/ under a sub-path and sends no special
//    headers, as a static host would: the lab must work there too;
//  - the same with a Content-Security-Policy without 'unsafe-eval' (guests interpreted);
//  - the same with only 'wasm-unsafe-eval' (the translator's WebAssembly back end only).
// Each server is stopped by its own handle; nothing is killed by name.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { chromiumPath } from './chromium.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** vite preview, cross-origin isolated. */
    baseUrl: string;
    /** dist/ under a sub-path on a plain static server, no isolation headers. */
    subPathUrl: string;
    /** The same, with a Content-Security-Policy that forbids eval (CSP_NO_EVAL). */
    cspUrl: string;
    /** The same, with a policy that allows compiling WebAssembly only (CSP_WASM_ONLY). */
    cspWasmUrl: string;
  }
}

const root = resolve(import.meta.dirname, '../..');
const dist = join(root, 'dist');
export const SUB_PATH = '/courses/virt/trapdoor/';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createNetServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited (${child.exitCode}):\n${log()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer at ${url}:\n${log()}`);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.json': 'application/json', '.ttf': 'font/ttf', '.woff2': 'font/woff2', '.png': 'image/png',
};

/** A strict self-hosting policy: no 'unsafe-eval', so the translator cannot compile. */
export const CSP_NO_EVAL = "default-src 'self'; script-src 'self'; worker-src 'self' blob:; "
  + "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'";

/** The strict policy plus 'wasm-unsafe-eval': only the translator's WebAssembly back end compiles. */
export const CSP_WASM_ONLY = CSP_NO_EVAL.replace("script-src 'self';", "script-src 'self' 'wasm-unsafe-eval';");

/**
 * dist/ under SUB_PATH, with extra response headers. `override` may answer a path itself
 * (the offline test serves the next build's service worker that way).
 */
export function staticServer(
  port: number, override?: (path: string) => string | undefined, headers: Record<string, string> = {},
): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const answer = override?.(path);
    if (answer !== undefined) {
      res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(answer);
      return;
    }
    if (!path.startsWith(SUB_PATH)) {
      res.writeHead(404).end('not under the sub-path');
      return;
    }
    let file = normalize(join(dist, path.slice(SUB_PATH.length)));
    if (!file.startsWith(dist)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  chromiumPath(); // fail first, with the install hint, if there is no browser
  // Vitest runs with NODE_ENV=test, which a child `vite build` would inherit and then build
  // a development bundle (import.meta.env.PROD false: no service worker, Svelte's dev checks).
  const build = spawnSync('node_modules/.bin/vite', ['build'], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
  if (build.status !== 0) throw new Error(`vite build failed:\n${build.stdout}\n${build.stderr}`);

  const port = await freePort();
  let output = '';
  const preview = spawn('node_modules/.bin/vite', ['preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
  });
  preview.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  preview.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  const baseUrl = `http://127.0.0.1:${port}/`;
  const server = await staticServer(await freePort());
  const { port: staticPort } = server.address() as { port: number };
  const cspServer = await staticServer(await freePort(), undefined, { 'Content-Security-Policy': CSP_NO_EVAL });
  const { port: cspPort } = cspServer.address() as { port: number };
  const wasmServer = await staticServer(await freePort(), undefined, { 'Content-Security-Policy': CSP_WASM_ONLY });
  const { port: wasmPort } = wasmServer.address() as { port: number };
  try {
    await waitFor(baseUrl, preview, () => output);
  } catch (e) {
    preview.kill();
    server.close();
    cspServer.close();
    wasmServer.close();
    throw e;
  }
  project.provide('baseUrl', baseUrl);
  project.provide('subPathUrl', `http://127.0.0.1:${staticPort}${SUB_PATH}`);
  project.provide('cspUrl', `http://127.0.0.1:${cspPort}${SUB_PATH}`);
  project.provide('cspWasmUrl', `http://127.0.0.1:${wasmPort}${SUB_PATH}`);

  return async () => {
    server.close();
    cspServer.close();
    wasmServer.close();
    if (preview.exitCode === null) {
      const exited = new Promise((r) => preview.once('exit', r));
      preview.kill('SIGTERM');
      await exited;
    }
  };
}
