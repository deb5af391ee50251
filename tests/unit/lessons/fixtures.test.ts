// Every way the validator knows a lesson can be broken has a folder under
// tests/fixtures/lessons/<case>/ and the exact report `lessons check` must print for it.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLessons } from './cli-io.ts';

const root = 'tests/fixtures/lessons';
const cases = readdirSync(root).sort();

describe('lessons check on broken lessons', () => {
  it('has fixture cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('%s', async (name) => {
    const dir = join(root, name);
    const { status, stdout } = await runLessons(['check', dir]);
    const printed = stdout.split('\n').map((line) => (line.startsWith(`${dir}/`) ? line.slice(dir.length + 1) : line)).join('\n');
    expect(printed).toBe(readFileSync(join(dir, 'expected.txt'), 'utf8'));
    expect(status).toBe(1);
  });
});
