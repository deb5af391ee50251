import { describe, expect, it } from 'vitest';
import { outputOf, runScript, terminal, testbed } from './testbed.ts';

describe('vm command', () => {
  it('creates, starts, lists, snapshots, clones, stops and removes VMs', async () => {
    const { out } = await runScript([
      'vm create web1 --image echo-kernel --memory 64m',
      'vm start web1',
      'vm snapshot web1 clean',
      'vm clone web1 web2',
      'vm ls',
      'vm stats',
      'vm rm web1',
      'vm stop web1 web2',
      'vm rm web1',
      'vm ls',
    ].join('\n') + '\n');
    expect(out).toMatch(/# vm ls\nNAME\s+STATE\s+MODE\s+IMAGE\s+MEMORY\s+RESIDENT\s+SNAPSHOTS\nweb1\s+running\s+full\s+echo-kernel\s+64M\s+16K\s+1\nweb2\s+running\s+full\s+echo-kernel\s+64M\s+16K\s+0\n/);
    expect(out).toMatch(/NAME\s+CPU %\s+INSTRUCTIONS\s+EXITS\s+OVERHEAD %\s+RESIDENT\nweb1\s+50\.00\s+120\s+12\s+12\.50\s+16K\n/);
    expect(out).toContain('# vm rm web1\nvm: web1 is running: stop it first\n');
    expect(out).toMatch(/# vm ls\nNAME.*\nweb2\s+stopped/);
  });

  it('creates a VM on the H extension with --mode hw', async () => {
    const { out } = await runScript('vm create h1 --image echo-kernel --memory 64m --mode hw\nvm start h1\nvm ls\n');
    expect(out).toMatch(/h1\s+running\s+hw\s+echo-kernel\s+64M/);
  });

  it('reports bad requests', async () => {
    expect(await outputOf('vm create x --image nope')).toBe('vm: no such image: nope\n');
    expect(await outputOf('vm create x')).toBe('vm: usage: vm create NAME IMAGE [--memory 128m] [--mode full|pv|hw]\n');
    expect(await outputOf('vm create x echo-kernel extra')).toBe(`vm: unexpected argument 'extra'\n`);
    expect(await outputOf('vm create x echo-kernel --image echo-kernel')).toBe(`vm: unexpected argument 'echo-kernel'\n`);
    expect(await outputOf('vm create x --image echo-kernel --mode sw')).toBe(`vm: --mode must be full, pv or hw, not 'sw'\n`);
    expect(await outputOf('vm restore ghost t')).toBe('vm: no such VM: ghost\n');
    expect(await outputOf('vm frob')).toMatch(/^vm: 'frob' is not a vm command/);
    expect(await outputOf('container run -it alpine sh\nvm ls\nexit')).toContain('vm: no hypervisor here');
  });

  it('attaches the terminal to the guest console; Ctrl-C detaches', async () => {
    const bed = testbed();
    await runScript('vm create g --image echo-kernel\nvm start g\n', bed);
    const term = terminal(bed);
    term.take();
    await term.type('vm console g\r');
    expect(term.take()).toBe('vm console g\r\ng booted\r\n');
    await term.type('hello\r');
    expect(term.take()).toBe('hello\r\nHELLO\r\n');
    await term.type('\x03');
    expect(term.take()).toBe('^C\r\nroot@trapdoor:~# ');
  });

  it('takes the image as the second word too', async () => {
    const { out } = await runScript('vm create web1 echo-kernel\nvm ls\n');
    expect(out).toMatch(/\nweb1\s+created\s+full\s+echo-kernel\s/);
  });

  it('detaches from the console at end of input (Ctrl-D, or a script)', async () => {
    const bed = testbed();
    await runScript('vm create g --image echo-kernel\nvm start g\n', bed);
    const term = terminal(bed);
    await term.type('vm console g\r');
    term.take();
    await term.type('\x04');
    expect(term.take()).toMatch(/root@trapdoor:~# $/);
    const { out } = await runScript('vm create h echo-kernel\nvm start h\nvm console h\necho after\n');
    expect(out).toContain('# vm console h\nh booted\nroot@trapdoor:~# echo after\nafter\n');
  });

  it('leaves the console when the VM powers off', async () => {
    const bed = testbed();
    await runScript('vm create g --image echo-kernel\nvm start g\n', bed);
    const term = terminal(bed);
    await term.type('vm console g\r');
    term.take();
    bed.ports.vms!.stop('g');
    await term.type('');
    expect(term.take()).toBe('root@trapdoor:~# ');
  });
});
