// Runs `trapdoor lessons ...` in-process and captures what it prints.

import { lessonsCommand } from '../../../src/cli/lessons-command.ts';

export async function runLessons(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (c: Uint8Array | string) => { stdout += typeof c === 'string' ? c : Buffer.from(c).toString('latin1'); } },
    stderr: { write: (c: string) => { stderr += c; } },
    readStdin: () => new Uint8Array(0),
  };
  const status = await lessonsCommand(argv, io);
  return { status, stdout, stderr };
}
