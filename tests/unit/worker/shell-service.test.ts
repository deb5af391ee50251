// The terminal's shell service in-process: keys in, terminal bytes out; containers for
// the guests overview; a batch start with progress and cancel; idle time paced to a clock.
import { describe, expect, it } from 'vitest';
import { ShellService } from '../../../src/worker/shell-service.ts';
import type { PacedHost } from '../../../src/worker/paced-driver.ts';

/** A fake wall clock: delay() moves it forward at once, so tests do not wait for real. */
function fakeHost(): PacedHost & { clock: number; delays: number[] } {
  const h = {
    clock: 0,
    delays: [] as number[],
    yieldToEvents: () => new Promise<void>((r) => setImmediate(r)),
    now: () => h.clock,
    delay: (ms: number) => { h.delays.push(ms); h.clock += ms; return new Promise<void>((r) => setImmediate(r)); },
  };
  return h;
}

async function started(): Promise<{ service: ShellService; screen: () => string; host: ReturnType<typeof fakeHost> }> {
  const host = fakeHost();
  const service = new ShellService(host);
  let text = '';
  await service.start({ output: (t) => { text += t; } });
  return { service, screen: () => text, host };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('ShellService', () => {
  it('draws a prompt and answers typed commands', async () => {
    const { service, screen } = await started();
    expect(screen()).toContain('root@trapdoor:/# ');
    await service.input('echo hello\r');
    await until(() => /hello\r\nroot@trapdoor:\/# $/.test(screen()), 'the echo');
  });

  it('redraws the prompt and the half-typed line on a fresh row', async () => {
    const { service, screen } = await started();
    await service.input('echo ab');
    const before = screen().length;
    await service.redraw();
    expect(screen().slice(before)).toMatch(/^\r\n\r?root@trapdoor:\/# echo ab/);
  });

  it('lists containers with their state, and a sleeping one stays up while the clock is idle', async () => {
    const { service, screen, host } = await started();
    await service.input('container run -d --name web alpine sleep 5\r');
    await until(() => screen().split('root@trapdoor:/# ').length > 2, 'the container id');
    let rows = await service.containers();
    expect(rows.map((r) => [r.name, r.status, r.command])).toEqual([['web', 'running', 'sleep 5']]);
    expect(rows[0]!.pids).toBe(1);
    // Idle virtual time passes only as the wall clock does: it ends after 5 s of (fake) wall time.
    for (let i = 0; i < 2000 && rows[0]!.status === 'running'; i++) {
      await new Promise((r) => setImmediate(r));
      if (i % 20 === 0) rows = await service.containers();
    }
    expect(rows[0]!.status).toBe('exited');
    expect(host.clock).toBeGreaterThanOrEqual(5000);
    expect(host.clock).toBeLessThan(5500);
    expect(host.delays.every((ms) => ms <= 250)).toBe(true);
  });

  it('starts many containers with progress and stops when cancelled', async () => {
    const { service } = await started();
    const progress: number[] = [];
    const result = await service.startMany({ image: 'alpine', count: 120, prefix: 'w', argv: ['sleep', '100'] }, (p) => progress.push(p.started));
    expect(result).toEqual({ started: 120, cancelled: false });
    expect(progress).toEqual([50, 100, 120]);
    expect((await service.containers()).filter((c) => c.status === 'running')).toHaveLength(120);

    const cancelled = service.startMany({ image: 'alpine', count: 1000, prefix: 'x', argv: ['sleep', '100'] }, () => void service.cancel());
    const r = await cancelled;
    expect(r.cancelled).toBe(true);
    expect(r.started).toBe(50);
  });

  it('reports the refusal that stopped a batch', async () => {
    const { service } = await started();
    await service.startMany({ image: 'alpine', count: 1, prefix: 'dup', argv: ['sleep', '1'] });
    const r = await service.startMany({ image: 'alpine', count: 3, prefix: 'dup', argv: ['sleep', '1'] });
    expect(r.started).toBe(0);
    expect(r.error).toContain('already in use');
  });
  it('runs the hypervisor behind `vm`: a guest kernel boots and its console attaches', async () => {
    const { service, screen } = await started();
    await service.input('vm create k hello-uart\r');
    await until(() => screen().split('root@trapdoor:/# ').length > 2, 'vm create');
    await service.input('vm start k\r');
    await until(() => screen().split('root@trapdoor:/# ').length > 3, 'vm start');
    await service.input('vm console k\r');
    await until(() => /Hello|hello/.test(screen().split('vm console k')[1] ?? ''), 'the guest console');
    expect(screen()).not.toContain('not available');
  });

  it('lists the VMs made with `vm`, with state, memory, exits and a CPU share over the time between calls', async () => {
    const { service, screen } = await started();
    const prompts = () => screen().split('root@trapdoor:/# ').length;
    expect(await service.vms()).toEqual([]);
    await service.input('vm create k rr-kernel --memory 1m\r');
    await until(() => prompts() > 2, 'vm create');
    await service.input('vm create idle timer-wfi\r');
    await until(() => prompts() > 3, 'the second vm create');
    let rows = await service.vms();
    expect(rows.map((r) => [r.name, r.image, r.mode, r.state, r.memoryBytes, r.exits, r.cpuPercent])).toEqual([
      ['k', 'rr-kernel', 'full', 'created', 1 << 20, 0, 0], ['idle', 'timer-wfi', 'full', 'created', 128 << 20, 0, 0],
    ]);
    await service.input('vm start k\r');
    await until(() => prompts() > 4, 'vm start');
    await service.vms();
    // 5 ms of the shell's clock: the round-robin kernel runs (and traps) before it powers off.
    await service.input('sleep 0.005\r');
    await until(() => prompts() > 5, 'sleep');
    rows = await service.vms();
    const k = rows.find((r) => r.name === 'k')!;
    expect(k.state).toBe('running');
    expect(k.exits).toBeGreaterThan(0);
    expect(k.instructions).toBeGreaterThan(0);
    expect(k.residentBytes).toBeGreaterThan(0);
    expect(k.cpuPercent).toBeGreaterThan(10);
    expect(k.cpuPercent).toBeLessThanOrEqual(100);
    expect(rows.find((r) => r.name === 'idle')!.cpuPercent).toBe(0);
    // Polling the overview leaves the window `vm stats` reports over alone.
    await service.input('vm stats\r');
    await until(() => prompts() > 6, 'vm stats');
    expect(screen().split('vm stats')[1]).toMatch(/\bk\s+[1-9]\d*\.\d\d\s/);
  });

  it('wraps a long typed line at the width the terminal gives', async () => {
    const { service, screen } = await started();
    await service.resize(20);
    await service.input(`echo ${'x'.repeat(30)}`);
    const before = screen().length;
    await service.input('\x01'); // Ctrl-A: to the start, two rows up from the end
    expect(screen().slice(before)).toBe('\x1b[2A\x1b[18G');
  });
});

describe('ShellService: scripts, checks and the shared data centre (issue 14)', () => {
  it('plays a script at the prompt, each command echoed before its output, on a fresh host', async () => {
    const { service, screen } = await started();
    await service.input('container run -d --name old alpine sleep 100\r');
    await until(() => screen().split('root@trapdoor:/# ').length > 2, 'the first container');
    await service.play('# a comment\ncontainer run -d --name web alpine sleep 100\n\necho played\n', 'script.sh', true);
    const text = screen().replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(text).toContain('script.sh · on a fresh host');
    expect(text).toMatch(/root@trapdoor:\/# container run -d --name web alpine sleep 100\r\n[0-9a-f]{12}\r\n/);
    expect(text).toMatch(/root@trapdoor:\/# echo played\r\nplayed\r\n/);
    expect(text).not.toContain('a comment');
    // The fresh host has only the script's container.
    expect((await service.containers()).map((c) => c.name)).toEqual(['web']);
  });

  it('lets a check observe the terminal\'s host: its transcript, commands run there, its containers', async () => {
    const { service } = await started();
    await service.play('container run -d --name web --hostname web alpine sleep 100\n', 'script.sh', true);
    const seen = await service.observe(['container ps']);
    expect(seen.status).toBe('ran');
    if (seen.status !== 'ran') return;
    expect(seen.result.console).toContain('# container run -d --name web --hostname web alpine sleep 100');
    expect(seen.shell?.[0]?.output).toMatch(/web/);
    expect(seen.kernel?.containers.map((c) => [c.name, c.state])).toEqual([['web', 'running']]);
  });

  it('shares one data centre between the terminal\'s dc and the screen\'s api', async () => {
    const { service, screen } = await started();
    await service.input('dc migrate web-1 host-2\r');
    await until(() => /downtime[^]*root@trapdoor:\/# $/.test(screen()), 'the migration');
    const view = await service.datacentre.view();
    expect(view.listing.vms.find((v) => v.name === 'web-1')?.host).toBe('host-2');
    await service.datacentre.failHost('host-3');
    const failed = (await service.datacentre.view()).listing.hosts.find((h) => h.name === 'host-3');
    expect(failed).toMatchObject({ state: 'failed', cpuPercent: 0 });
    const before = screen().length;
    await service.input('dc list\r');
    await until(() => /host-3\s+failed/.test(screen().slice(before)), 'the failed host in dc list');
    await service.datacentre.repairHost('host-3');
    expect((await service.datacentre.view()).listing.hosts.find((h) => h.name === 'host-3')?.state).toBe('up');
  });
});
