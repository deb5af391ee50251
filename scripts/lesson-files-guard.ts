// The build bundles every file under lessons/ into the site. A lesson file that is a
// symbolic link leading outside its own lesson folder (to ~/.ssh/id_rsa, to another
// lesson's solution) must not be published: the build stops and names the file. (Vite
// resolves links to their targets before any load hook sees them, so the folder is
// walked before the build starts.)

import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import type { Plugin } from 'vite';

/** Every file under `lessonsDir` that leads outside its lesson folder, with why. */
export function lessonFileRefusals(lessonsDir: string): string[] {
  if (!existsSync(lessonsDir)) return [];
  const out: string[] = [];
  for (const folder of readdirSync(lessonsDir)) {
    const path = join(lessonsDir, folder);
    if (lstatSync(path).isSymbolicLink()) out.push(`${folder}: a lesson folder may not be a symbolic link`);
    else if (lstatSync(path).isDirectory()) walk(realpathSync(path), path, folder, out);
  }
  return out;
}

function walk(root: string, dir: string, shown: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    let real: string;
    try {
      real = realpathSync(path);
    } catch {
      out.push(`${shown}/${name}: a symbolic link to nothing`);
      continue;
    }
    const rel = relative(root, real);
    if (rel.startsWith('..') || isAbsolute(rel)) out.push(`${shown}/${name}: a symbolic link to a file outside its lesson folder (${real})`);
    else if (lstatSync(path).isDirectory()) walk(root, path, `${shown}/${name}`, out);
  }
}

/** A Vite plugin that fails the build on a lesson file leading outside its folder. */
export function lessonFilesGuard(lessonsDir: string): Plugin {
  return {
    name: 'trapdoor-lesson-files-guard',
    buildStart() {
      const refused = lessonFileRefusals(lessonsDir);
      if (refused.length > 0) this.error(`lesson files refused, not bundled:\n  ${refused.join('\n  ')}`);
    },
  };
}
