// Issue 16's container items, as a student meets them: shell scripts on the real host
// kernel. A hostile or mistaken command gets a clear answer; the shell and the host carry on.

import { describe, expect, it } from 'vitest';
import { DEFAULT_SHELL_ENV, Session, standardCommands } from '../../../src/core/shell/index.ts';
import { createKernelHost } from '../../../src/core/shell/kernel-host.ts';

function session() {
  const host = createKernelHost(() => new Promise((r) => setImmediate(r)));
  let out = '';
  const sh = new Session({
    port: host.port, containers: host.containers, vms: host.vms, table: standardCommands(),
    env: { ...DEFAULT_SHELL_ENV, HOME: '/' }, mode: 'script', output: (t) => { out += t; },
  });
  const run = async (...lines: string[]): Promise<string> => {
    const from = out.length;
    await sh.runScript(`${lines.join('\n')}\n`);
    return out.slice(from);
  };
  return { host, run, sh };
}

describe('container memory limits that cannot hold a program', () => {
  it('container run --memory 4k alpine hello ends the program (137), not the shell', async () => {
    const { host, run } = session();
    const out = await run('container run --memory 4k alpine hello', 'echo status $?', 'echo still here');
    expect(out).toContain('status 137\n');
    expect(out).toContain('still here\n');
    expect(host.kernel.oopses).toBe(0);
  });

  it('container run --memory 0 is refused with a clear message and leaves no process behind', async () => {
    const { host, run } = session();
    const before = [...host.kernel.processes.keys()];
    const out = await run('container run --memory 0 alpine hello', 'echo status $?');
    expect(out).toContain('container: invalid argument "0" for "--memory" flag: the smallest memory limit is 4k (one page)\n');
    expect(out).toContain('status 125\n');
    expect([...host.kernel.processes.keys()]).toEqual(before);
  });
});

describe('a container cannot manage the host', () => {
  it('inside a container, dc is refused like container and vm, for every verb', async () => {
    const { run } = session();
    await run('container run -d --name web alpine sleep 1000', 'dc list');
    const out = await run('container exec -it web sh', 'dc fail-host host-1', 'echo $?', 'dc stop web-1', 'dc reset', 'dc list',
      'container ps', 'vm ls', 'exit');
    expect(out.match(/dc: no data centre here \(the data centre is managed from the host shell\)/g)).toHaveLength(4);
    expect(out).toContain('\n1\n');
    expect(out).toContain('container: no container runtime here');
    expect(out).toContain('vm: no hypervisor here');
    // The host's data centre is untouched: host-1 still up, web-1 not stopped.
    const host = await run('dc list');
    expect(host).toMatch(/host-1\s+up/);
    expect(host).not.toMatch(/web-1\s+\S+\s+\S+\s+stopped/);
  });
});

describe('killing a container\'s shell', () => {
  it('kill -9 of the container\'s own shell really ends it: no more commands run inside', async () => {
    const { host, run } = session();
    await run('container run -d --name web alpine sleep 1000');
    const out = await run('container exec -it web sh', 'kill -9 $$; echo not-run', 'echo status $?', 'hostname');
    expect(out).not.toMatch(/^not-run$/m);
    expect(out).toContain('status 137\n');
    // Back in the host shell: its prompt and hostname.
    expect(out).toContain('root@trapdoor:/# hostname\ntrapdoor\n');
    expect([...host.kernel.processes.values()].filter((p) => p.state === 'zombie')).toEqual([]);
  });

  it('a container shell whose container is killed from outside ends with it', async () => {
    const { host, run, sh } = session();
    await run('container run -d --name web alpine sleep 1000');
    // runCommands leaves the entered shell open (a script would close it at its end).
    const [entered] = await sh.runCommands(['container exec -it web sh']);
    expect(entered!.status).toBe(0);
    host.containers.kill('web', 9); // its init dies: the kernel kills the shell in its pid namespace
    await new Promise((r) => setImmediate(r));
    const [after] = await sh.runCommands(['hostname']);
    expect(after!.output).toBe('trapdoor\n'); // the host's hostname: the container's shell is gone
  });
});

describe('the pseudo filesystems inside a container', () => {
  it('cgroup.procs inside a container lists pids of the container\'s pid namespace', async () => {
    const { host, run } = session();
    await run('container run -d --name web alpine sleep 1000', 'container run -d --name db alpine sleep 1000');
    const inside = await run('container exec web cat /sys/fs/cgroup/cgroup.procs');
    // sleep is pid 1 in the container; the shell running cat is pid 2 there.
    expect(inside).toBe('root@trapdoor:/# container exec web cat /sys/fs/cgroup/cgroup.procs\n1\n2\n');
    const id = host.containers.list(false).find((c) => c.name === 'web')!.id;
    const hostPid = host.containers.list(false).find((c) => c.name === 'web')!.hostPid;
    const outside = await run(`cat /sys/fs/cgroup/docker/${id}/cgroup.procs`);
    expect(outside).toContain(`\n${hostPid}\n`);
  });

  it('cd /proc; cd .. (and /sys/fs/cgroup) really returns to the parent directory', async () => {
    const { run } = session();
    const out = await run('cd /proc', 'cd ..', 'pwd', 'ls', 'cd /sys/fs/cgroup', 'cd ..', 'pwd', 'ls', 'cd /proc/1', 'pwd', 'cd ../..', 'pwd');
    expect(out).toContain('# pwd\n/\n');
    expect(out).toMatch(/# ls\nbin\s+dev\s+proc\s+sys\s+tmp/);
    expect(out).toContain('# pwd\n/sys/fs\n');
    expect(out).toContain('# ls\ncgroup\n');
    expect(out).toContain('# pwd\n/proc/1\n');
    expect(out.endsWith('# pwd\n/\n')).toBe(true);
  });

  it('inside a container, cd /proc; cd .. returns to the container\'s root', async () => {
    const { run } = session();
    await run('container run -d --name web alpine sleep 1000');
    const out = await run('container exec -it web sh', 'cd /proc', 'cd ..', 'pwd', 'ls', 'cd /sys/fs/cgroup', 'cd ../../..', 'pwd', 'exit');
    expect(out).toMatch(/# pwd\n\/\n[^\n]*# ls\nbin\s+dev\s+etc\s+proc/);
    expect(out).toMatch(/cd \.\.\/\.\.\/\.\.\n[^\n]*# pwd\n\/\n/);
  });
});
