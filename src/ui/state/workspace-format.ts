// The learner's files as stored data: the localStorage record, the exported workspace
// file and the share link all use these functions, and all of them validate what they
// read, because anything stored may be corrupt or from another version.

export interface WorkspaceFile {
  name: string;
  content: string;
}

export interface WorkspaceData {
  format: 'trapdoor-workspace';
  version: 1;
  files: WorkspaceFile[];
  active: string;
}

export class WorkspaceFormatError extends Error {}

export function makeWorkspace(files: WorkspaceFile[], active: string): WorkspaceData {
  return { format: 'trapdoor-workspace', version: 1, files, active };
}

/** Parses and validates a stored or imported workspace; throws WorkspaceFormatError. */
export function parseWorkspace(text: string): WorkspaceData {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new WorkspaceFormatError('it is not valid JSON');
  }
  if (typeof data !== 'object' || data === null) throw new WorkspaceFormatError('it is not an object');
  const d = data as Record<string, unknown>;
  if (d['format'] !== 'trapdoor-workspace') throw new WorkspaceFormatError('it is not a Trapdoor workspace');
  if (d['version'] !== 1) throw new WorkspaceFormatError(`version ${String(d['version'])} is not supported`);
  const files = d['files'];
  if (!Array.isArray(files) || files.length === 0) throw new WorkspaceFormatError('it has no files');
  const checked = files.map((f, i) => checkFile(f, i));
  const names = new Set(checked.map((f) => f.name));
  if (names.size !== checked.length) throw new WorkspaceFormatError('two files have the same name');
  const active = typeof d['active'] === 'string' && names.has(d['active']) ? d['active'] : checked[0]!.name;
  return makeWorkspace(checked, active);
}

function checkFile(f: unknown, i: number): WorkspaceFile {
  const file = f as Record<string, unknown> | null;
  if (!file || typeof file['name'] !== 'string' || typeof file['content'] !== 'string' || file['name'] === '') {
    throw new WorkspaceFormatError(`file ${i + 1} is malformed`);
  }
  return { name: file['name'], content: file['content'] };
}

/** The code in a share link: base64url of UTF-8, after `#code=`. */
export function encodeShare(content: string): string {
  const bytes = new TextEncoder().encode(content);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeShare(encoded: string): string | null {
  try {
    const bin = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The shared code in a location hash like `#code=...`, or null. */
export function sharedCodeFromHash(hash: string): string | null {
  const m = /[#&]code=([A-Za-z0-9_-]*)/.exec(hash);
  return m ? decodeShare(m[1]!) : null;
}
