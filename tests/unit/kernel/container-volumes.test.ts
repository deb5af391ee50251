// docker's -v, cp, ls and -it as a learner uses them: a directory of the host inside a
// container, files copied both ways, and a program on a terminal of its own where Ctrl-C
// arrives through the line discipline.
import { describe, expect, it } from 'vitest';
import { utf8Decode, utf8Encode } from '../../../src/core/kernel/bytes.ts';
import { EROFS } from '../../../src/core/kernel/errno.ts';
import { O_CREAT, O_RDONLY, O_WRONLY, type KernelPort } from '../../../src/core/kernel/kernel-port.ts';
import { DEFAULT_SHELL_ENV, Session, standardCommands } from '../../../src/core/shell/index.ts';
import { createKernelHost } from '../../../src/core/shell/kernel-host.ts';
import { build } from './kernel-harness.ts';

function lab() {
  const host = createKernelHost(() => new Promise((r) => setImmediate(r)));
  return host;
}

async function writeFile(port: KernelPort, path: string, text: string): Promise<void> {
  const fd = port.open(path, O_WRONLY | O_CREAT, 0o644);
  await port.write(fd, utf8Encode(text));
  port.close(fd);
}

async function readFile(port: KernelPort, path: string): Promise<string> {
  const fd = port.open(path, O_RDONLY);
  const bytes = await port.read(fd, 4096);
  port.close(fd);
  return utf8Decode(bytes);
}

describe('container volumes, cp and a terminal of its own', () => {
  it('-v SRC:DST binds the host directory: each side sees the other\'s writes; ".." from it stays in the container', async () => {
    const host = lab();
    host.port.mkdir('/srv', 0o755);
    await writeFile(host.port, '/srv/from-host', 'hello');
    const { process } = host.containers.run({
      image: 'alpine', name: 'c', limits: {}, env: [], command: { kind: 'shell' },
      volumes: [{ source: '/srv', target: '/data', readOnly: false }],
    });
    const inside = process.port!;
    expect(await readFile(inside, '/data/from-host')).toBe('hello');
    await writeFile(inside, '/data/from-container', 'hi');
    expect(await readFile(host.port, '/srv/from-container')).toBe('hi');
    inside.chdir('/data');
    expect(inside.getcwd()).toBe('/data');
    inside.chdir('..');
    expect(inside.getcwd()).toBe('/');
    expect(inside.readdir('.').map((e) => e.name)).toContain('etc');
    expect(inside.readdir('.').map((e) => e.name)).not.toContain('srv');
  });

  it('-v SRC:DST:ro is read-only inside: writing fails with EROFS, the host is unchanged', async () => {
    const host = lab();
    host.port.mkdir('/srv', 0o755);
    await writeFile(host.port, '/srv/f', 'original');
    const { process } = host.containers.run({
      image: 'alpine', name: 'c', limits: {}, env: [], command: { kind: 'shell' },
      volumes: [{ source: '/srv', target: '/data', readOnly: true }],
    });
    const inside = process.port!;
    expect(await readFile(inside, '/data/f')).toBe('original');
    expect(() => inside.open('/data/f', O_WRONLY)).toThrow(expect.objectContaining({ errno: EROFS }));
    expect(() => inside.open('/data/new', O_WRONLY | O_CREAT)).toThrow(expect.objectContaining({ errno: EROFS }));
    expect(await readFile(host.port, '/srv/f')).toBe('original');
  });

  it('container cp copies a file out of a container and a directory into one; container ls lists them', async () => {
    const host = lab();
    let out = '';
    const sh = new Session({
      port: host.port, containers: host.containers, table: standardCommands(),
      env: { ...DEFAULT_SHELL_ENV, HOME: '/' }, mode: 'script', output: (t) => { out += t; },
    });
    host.port.mkdir('/site', 0o755);
    await writeFile(host.port, '/site/index.html', '<h1>hi</h1>');
    await sh.runScript([
      'container run -d --name web alpine sleep 100',
      'container cp web:/etc/os-release /tmp/osr',
      'container cp /site web:/srv',
      'container ls',
      'container cp web:/nope /tmp/x',
      '',
    ].join('\n'));
    expect(await readFile(host.port, '/tmp/osr')).toMatch(/^NAME="Alpine Linux"/);
    const c = host.containers.exec('web', { kind: 'shell' }, []);
    expect(await readFile(c.port!, '/srv/index.html')).toBe('<h1>hi</h1>');
    expect(out).toMatch(/\nCONTAINER ID +IMAGE +COMMAND[^\n]*\n[0-9a-f]{12} +alpine +"sleep 100"[^\n]* web\n/);
    expect(out).toContain('container: Could not find the file /nope in container web\n');
  });

  it('run -it IMAGE PROG gives the program a terminal: typed lines are echoed and read, ^C is its SIGINT', async () => {
    const host = lab();
    // Reads a line, prints it back in brackets, then waits for SIGINT, whose handler exits 3.
    const { image, elf } = build(`
_start:
  li a0, 2
  la a1, act
  li a2, 0
  li a3, 8
  li a7, 134
  ecall
  li a0, 0
  la a1, buf
  li a2, 64
  li a7, 63
  ecall
  mv s0, a0
  li a0, 1
  la a1, lb
  li a2, 1
  li a7, 64
  ecall
  li a0, 1
  la a1, buf
  addi a2, s0, -1
  li a7, 64
  ecall
  li a0, 1
  la a1, rb
  li a2, 2
  li a7, 64
  ecall
1:
  li a0, 0
  la a1, buf
  li a2, 64
  li a7, 63
  ecall
  j 1b
handler:
  li a0, 3
  li a7, 94
  ecall
.data
.balign 4
act: .word handler, 0, 0, 0
lb: .ascii "["
rb: .ascii "]\\n"
buf: .space 64
`);
    host.kernel.fs.mkdirs('/opt/p');
    host.kernel.installProgram('/opt/p/prog', elf, image);
    let screen = '';
    const session = new Session({
      port: host.port, containers: host.containers, table: standardCommands(),
      env: { ...DEFAULT_SHELL_ENV, HOME: '/' }, mode: 'terminal', output: (t) => { screen += t; },
    });
    session.start();
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 20; i++) {
        await new Promise((r) => setImmediate(r));
        await host.driver.idle();
      }
    };
    session.input('container run -it -v /opt/p:/opt alpine /opt/prog\r');
    await settle();
    screen = '';
    session.input('hello\r');
    await settle();
    expect(screen).toBe('hello\r\n[hello]\r\n');
    screen = '';
    session.input('\x03');
    await settle();
    expect(screen).toMatch(/^\^C\r\n/);
    session.input('echo $?\r');
    await settle();
    expect(screen).toContain('echo $?\r\n3\r\n');
  });
});
