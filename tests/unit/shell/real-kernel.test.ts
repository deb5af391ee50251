// The shell on the real host kernel (src/core/kernel): the same scripts as a student
// types, through HostProcessPort and the container runtime, with RV32 programs.

import { describe, expect, it } from 'vitest';
import { createKernelHost } from '../../../src/core/shell/kernel-host.ts';
import { DEFAULT_SHELL_ENV, Session, standardCommands } from '../../../src/core/shell/index.ts';

function realHost() {
  return createKernelHost(() => new Promise((r) => setImmediate(r)));
}

async function run(script: string): Promise<string> {
  const { port, containers } = realHost();
  let out = '';
  const session = new Session({ port, containers, table: standardCommands(), env: { ...DEFAULT_SHELL_ENV, HOME: '/' }, mode: 'script', output: (t) => { out += t; } });
  await session.runScript(script);
  return out;
}

describe('shell on the real kernel', () => {
  it('answers system utilities from the host kernel', async () => {
    const out = await run('uname -r\nhostname\nps\nmkdir /tmp/x && echo hi > /tmp/x/f && cat /tmp/x/f\nls /tmp/x\n');
    expect(out).toMatch(/# uname -r\n\S+trapdoor\S*\n/);
    expect(out).toContain('# hostname\ntrapdoor\n');
    expect(out).toMatch(/# ps\nPID\s+PPID\s+USER\s+STAT\s+RSS\s+TIME\s+COMMAND\n\s+1\s+0\s+root\s+\w\s+\d+K\s+0:00\s+sh\n/);
    expect(out).toContain('hi\n');
    expect(out).toContain('# ls /tmp/x\nf\n');
  });

  it('starts containers, execs into one, and sees pid 1 and its own hostname', async () => {
    const out = await run([
      'container images',
      'container run -d --name web alpine spin',
      'container ps',
      'container exec -it web sh',
      'hostname',
      'ps',
      'cat /etc/os-release',
      'exit',
      'container run --hostname once debian:12 hello',
      'container stop web',
      'container ps -a',
      'container rm -f web',
    ].join('\n') + '\n');
    expect(out).toMatch(/REPOSITORY\s+TAG.*\nalpine\s+3\.20/);
    expect(out).toMatch(/# container ps\nCONTAINER ID.*\n[0-9a-f]{12}\s+alpine\s+"spin"\s+.*Up .*web\n/);
    expect(out).toMatch(/root@\w+:\/# hostname\n\w+\n/);
    expect(out).toMatch(/:\/# ps\nPID.*\n\s+1\s+0\s+root\s+\w\s+\d+K\s+\d:\d\d\s+spin\n/);
    expect(out).toContain('Alpine Linux');
    expect(out).toMatch(/# container run --hostname once debian:12 hello\nHello from once!\n/);
    expect(out).toMatch(/# container stop web\nweb\n/);
    expect(out).toMatch(/Exited \(\d+\).*web\n/);
  });
});

describe('programs and pipes on the real kernel', () => {
  it('pipes built-in output through an RV32 cat, and redirects its output to a file', async () => {
    const out = await run([
      'container run -it --name box alpine sh',
      'echo through a pipe | /bin/cat',
      'echo to a file | /bin/cat > /tmp/out; cat /tmp/out',
      'hello; echo "status $?"',
      'nosuch',
      'exit',
      'container rm box',
    ].join('\n') + '\n');
    expect(out).toContain('# echo through a pipe | /bin/cat\nthrough a pipe\n');
    expect(out).toContain('# echo to a file | /bin/cat > /tmp/out; cat /tmp/out\nto a file\n');
    expect(out).toMatch(/# hello; echo "status \$\?"\nHello from [0-9a-f]{12}!\nstatus 0\n/);
    expect(out).toContain('sh: nosuch: command not found\n');
  });

  it('Ctrl-C stops a spinning program in the foreground', async () => {
    const { port, containers } = realHost();
    let screen = '';
    const session = new Session({ port, containers, table: standardCommands(), env: { ...DEFAULT_SHELL_ENV, HOME: '/' }, mode: 'terminal', output: (t) => { screen += t; } });
    session.start();
    session.input('container run -it --name s alpine sh\r');
    await new Promise((r) => setTimeout(r, 20));
    session.input('spin\r');
    await new Promise((r) => setTimeout(r, 50));
    expect(session.top.busy).toBe(true);
    session.input('\x03');
    for (let i = 0; i < 50 && session.top.busy; i++) await new Promise((r) => setTimeout(r, 10));
    session.input('echo $?\r');
    await new Promise((r) => setTimeout(r, 20));
    expect(screen).toMatch(/spin\r\n\^C\r\nroot@[0-9a-f]{12}:\/# echo \$\?\r\n130\r\n/);
    session.input('exit\r');
    await new Promise((r) => setTimeout(r, 20));
    containers.remove('s', true);
  });
});
