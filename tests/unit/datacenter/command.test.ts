// `trapdoor dc …` and the shell's `dc`: the same verbs, with --json figures computed by
// the simulation (an input changed on the command line changes the figure).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { DcSession } from '../../../src/core/datacenter/dc-command.ts';
import { standardCommands } from '../../../src/core/shell/commands.ts';

async function cli(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await main(argv, {
    stdout: { write: (c: Uint8Array | string) => { out += typeof c === 'string' ? c : new TextDecoder().decode(c); } },
    stderr: { write: (c: string) => { err += c; } },
    readStdin: () => new Uint8Array(0),
  });
  return { status, out, err };
}

describe('trapdoor dc', () => {
  it('cost --json follows --server-price', async () => {
    const a = await cli('dc', 'cost', '--before', '5,5,5,40', '--after', '60', '--json');
    const b = await cli('dc', 'cost', '--before', '5,5,5,40', '--after', '60', '--server-price', '5000', '--json');
    expect(a.status).toBe(0);
    const ja = JSON.parse(a.out);
    const jb = JSON.parse(b.out);
    expect(ja.before.capital).toBe(4 * 6000);
    expect(jb.before.capital).toBe(4 * 5000);
    expect(jb.after.capital).toBe(5000);
    expect(jb.sources.pue).toMatch(/Uptime Institute/);
  });

  it('cost without utilizations measures them by simulation', async () => {
    const r = await cli('dc', 'cost', '--ms', '30', '--json');
    const j = JSON.parse(r.out);
    expect(j.before.servers).toBe(8);
    expect(j.after.servers).toBeLessThan(8);
    expect(j.before.utilization.every((u: number) => u > 0)).toBe(true);
  });

  it('migrate --json reports rounds, pages and downtime', async () => {
    const r = await cli('dc', 'migrate', 'api-1', 'host-3', '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.from).toBe('host-1');
    expect(j.rounds.length).toBeGreaterThan(0);
    expect(j.pagesSent).toBeGreaterThan(0);
    expect(j.downtimeCycles).toBeGreaterThan(0);
  });

  it('fail-host --json reports downtime and lost work', async () => {
    const j = JSON.parse((await cli('dc', 'fail-host', '--json')).out);
    expect(j.host).toBe('host-1');
    expect(j.vms).toHaveLength(3);
    for (const v of j.vms) {
      expect(v.to).not.toBe('host-1');
      expect(v.lostInstructions).toBeGreaterThan(0);
      expect(v.downtimeCycles).toBeGreaterThan(0);
    }
  });

  it('exports a backup file and refuses a damaged one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dc-'));
    const file = join(dir, 'web.tdvm');
    expect((await cli('dc', 'export', 'web-1', file)).status).toBe(0);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('TDVM');
    expect((await cli('dc', 'restore', file, 'web-copy', '--host', 'host-3')).out).toMatch(/web-copy restored .* on host-3/);
    writeFileSync(join(dir, 'cut.tdvm'), bytes.subarray(0, 100));
    const bad = await cli('dc', 'restore', join(dir, 'cut.tdvm'), 'x');
    expect(bad.status).toBe(1);
    expect(bad.err).toMatch(/backup refused: snapshot truncated/);
  });

  it('usage errors are one line with status 2', async () => {
    expect((await cli('dc', 'migrate', 'web-1', 'host-3', '--bogus', '1')).status).toBe(2);
    expect((await cli('dc', 'nope')).status).toBe(2);
    expect((await cli('dc', 'cost', '--pue', '0.5')).err).toMatch(/PUE must be at least 1/);
  });
});

describe('the dc verbs in a session', () => {
  it('keep one data centre across commands', () => {
    const s = new DcSession();
    expect(s.run(['create', 'dev', 'idle', '--host', 'host-3']).status).toBe(0);
    expect(s.run(['pause', 'web-*']).text).toBe('pause: web-1 web-2\n');
    s.run(['run', '10']);
    const list = s.run(['list', '--json']).json as { vms: Array<{ name: string; status: string; host: string }> };
    expect(list.vms.find((v) => v.name === 'web-1')!.status).toBe('paused');
    expect(list.vms.find((v) => v.name === 'dev')!.host).toBe('host-3');
    expect(s.run(['clone', 'dev', '3']).status).toBe(0);
    expect((s.run(['list', '--json']).json as { vms: unknown[] }).vms).toHaveLength(9);
    expect(s.run(['export', 'dev', 'x']).text).toMatch(/no file system/);
  });

  it('is registered in the shell command table', () => {
    expect(standardCommands().get('dc')?.summary).toMatch(/data centre/);
  });
});

describe('dc in the shell', () => {
  it('acts on one data centre per session and lists the kernel\'s containers beside the VMs', async () => {
    const { runScript, testbed } = await import('../shell/testbed.ts');
    const bed = testbed();
    const { out } = await runScript('container run -d --name redis alpine ticker\ndc pause web-*\ndc run 10\ndc list\ndc bogus\necho status $?\n', bed);
    expect(out).toContain('pause: web-1 web-2');
    expect(out).toMatch(/web-1\s+host-1\s+idle\s+paused/);
    expect(out).toMatch(/CONTAINER\s+IMAGE/);
    expect(out).toMatch(/redis\s+alpine/);
    expect(out).toContain("dc: 'bogus' is not a dc verb");
    expect(out).toContain('status 2');
  });
});
