import { describe, expect, it } from 'vitest';
import { parseSize } from '../../../src/core/shell/container-run.ts';
import { outputOf, runScript, testbed } from './testbed.ts';

describe('container command', () => {
  it('runs a detached container, lists it, shows its logs, stops and removes it', async () => {
    const bed = testbed();
    const { out } = await runScript('container run -d --name web alpine ticker\ncontainer ps\n', bed);
    expect(out).toMatch(/# container run -d --name web alpine ticker\n[0-9a-f]{64}\n/);
    expect(out).toMatch(/CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+NAMES\n[0-9a-f]{12}\s+alpine\s+"ticker"\s+\d+ seconds? ago\s+Up \d+ seconds?\s+web\n/);
    await outputOf('sleep 5', bed);
    expect(await outputOf('container logs web', bed)).toBe('tick 1\ntick 2\ntick 3\n');
    expect(await outputOf('container ps', bed)).not.toContain('web');
    expect(await outputOf('container ps -a', bed)).toMatch(/Exited \(0\) \d+ seconds ago\s+web/);
    expect(await outputOf('container rm web; container ps -a', bed)).toBe('web\nCONTAINER ID  IMAGE  COMMAND  CREATED  STATUS  NAMES\n');
  });

  it('runs attached: the program prints to the terminal and its status is returned', async () => {
    expect(await outputOf('docker run --hostname box alpine hello; echo $?')).toBe('hello from pid 1 on box\n0\n');
  });

  it('enters a container shell with -it: pid 1, its own hostname, its own files', async () => {
    const { out, status } = await runScript([
      'container run -it --name web --hostname web alpine sh',
      'hostname', 'ps', 'cat /etc/os-release', 'ls /root/../..', 'cat /root/notes.txt', 'exit 5', 'echo back; hostname',
    ].join('\n') + '\n');
    expect(out).toContain('root@web:/# hostname\nweb\n');
    expect(out).toMatch(/root@web:\/# ps\nPID\s+PPID\s+USER\s+STAT\s+RSS\s+TIME\s+COMMAND\n\s+1\s+0\s+root\s+S\s+8K\s+0:00\s+sh\nroot@web/);
    expect(out).toContain('PRETTY_NAME="Alpine Linux v3.19"');
    expect(out).toContain('root@web:/# ls /root/../..\nbin  etc  root  tmp\n');
    expect(out).toContain('cat: /root/notes.txt: No such file or directory\n');
    expect(out).toContain('root@web:/# exit 5\nroot@trapdoor:~# echo back; hostname\nback\ntrapdoor\n');
    expect(status).toBe(0);
  });

  it('execs into a running container; the host sees the container process with a host pid', async () => {
    const bed = testbed();
    const { out } = await runScript([
      'container run -d --name db debian spin',
      'container exec -it db sh', 'ps', 'cat /etc/os-release', 'exit',
      'ps', 'container top db', 'container exec db hello',
    ].join('\n') + '\n', bed);
    expect(out).toMatch(/root@[0-9a-f]{12}:\/# ps\nPID.*\n\s+1\s+0\s+root\s+S\s+8K\s+0:00\s+spin\n\s+2\s+0\s+root\s+S\s+8K\s+0:00\s+sh\n/);
    expect(out).toContain('Debian GNU/Linux 12');
    // From the host, the container's pid 1 has a host pid, and is listed.
    expect(out).toMatch(/root@trapdoor:~# ps\n(?:.*\n)*\s+2\s+0\s+root\s+S\s+8K\s+0:00\s+spin\n/);
    expect(out).toMatch(/UID\s+PID\s+PPID\s+STAT\s+TIME\s+CMD\nroot\s+2\s+0\s+S\s+0:00\s+spin\n/);
    expect(out).toMatch(/hello from pid 3 on [0-9a-f]{12}\n/);
  });

  it('inside a container, the host processes cannot be seen or signalled', async () => {
    const bed = testbed();
    const { out } = await runScript('spin &\ncontainer run -it alpine sh\nkill 2\nps | cat\nexit\nps\n', bed);
    expect(out).toContain('sh: kill: (2) - No such process\n');
    expect(out).toMatch(/root@trapdoor:~# ps\n(?:.*\n)*\s+2\s+1\s+root\s+S\s+8K\s+0:00\s+spin\n/);
  });

  it('applies limits, starts many at once, and shows stats, images and inspect', async () => {
    const bed = testbed();
    const { out } = await runScript('container run -d --count 3 --name w --memory 64m --cpus 0.5 --pids-limit 10 alpine spin\ncontainer stats\ncontainer images\ncontainer inspect w-2\n', bed);
    expect(out.match(/^[0-9a-f]{64}$/gm)?.length).toBe(3);
    expect(out).toMatch(/w-1\s+0\.00%\s+8\.0K \/ 64M\s+0\.01%\s+1\n/);
    expect(out).toMatch(/REPOSITORY\s+TAG\s+IMAGE ID\s+SIZE\s+LAYERS\s+OS\nalpine\s+latest/);
    const json = JSON.parse(out.slice(out.indexOf('[\n'), out.lastIndexOf(']') + 1)) as { name: string; limits: object }[];
    expect(json[0]!.name).toBe('w-2');
    expect(json[0]!.limits).toEqual({ memoryBytes: 64 * 1048576, cpus: 0.5, pidsLimit: 10 });
    expect(await outputOf('container run -it alpine sh\nfree -m\nexit', bed)).toMatch(/root@\w+:\/# free -m\n\s+total.*\nMem:\s+128\s/);
  });

  it('a container with --memory sees its limit in free', async () => {
    const { out } = await runScript('container run -it --memory 32m alpine sh\nfree -m\n');
    expect(out).toMatch(/Mem:\s+32\s+4\s+28\s/);
  });

  it('reports errors as docker does', async () => {
    const bed = testbed();
    expect(await outputOf('container run -d ubuntu spin; echo $?', bed)).toBe(`container: Unable to find image 'ubuntu:latest' locally\n125\n`);
    expect(await outputOf('container stop ghost', bed)).toBe('container: No such container: ghost\n');
    await outputOf('container run -d --name a alpine spin', bed);
    expect(await outputOf('container run -d --name a alpine spin', bed)).toBe('container: Conflict. The container name "/a" is already in use\n');
    expect(await outputOf('container rm a', bed)).toMatch(/^container: You cannot remove a running container/);
    expect(await outputOf('container stop a; container rm a', bed)).toBe('a\na\n');
    expect(await outputOf('container run --memory 12q alpine hello', bed)).toBe(`container: invalid size: '12q'\n`);
    expect(await outputOf('container frob', bed)).toMatch(/^container: 'frob' is not a container command/);
    expect(await outputOf('container run --count 2 alpine hello', bed)).toBe('container: --count needs -d: only one container can have the terminal\n');
  });

  it('has no runtime inside a container', async () => {
    expect(await outputOf('container run -it alpine sh\ncontainer ps\nexit')).toContain('container: no container runtime here');
  });

  it('parses docker sizes', () => {
    expect(parseSize('64m')).toBe(64 * 1024 * 1024);
    expect(parseSize('1g')).toBe(1024 ** 3);
    expect(parseSize('512k')).toBe(512 * 1024);
    expect(parseSize('100')).toBe(100);
    expect(() => parseSize('m')).toThrow();
  });
});

describe('built-ins as container commands', () => {
  it('runs a built-in inside a container with exec or run, and its output can be piped', async () => {
    const bed = testbed();
    await outputOf('container run -d --name db --hostname dbhost debian spin', bed);
    expect(await outputOf('container exec db hostname', bed)).toBe('dbhost\n');
    expect(await outputOf('container exec db ps | grep -c spin', bed)).toBe('1\n');
    expect(await outputOf(`container exec db echo "it's" here`, bed)).toBe(`it's here\n`);
    expect(await outputOf('container run --hostname once alpine hostname', bed)).toBe('once\n');
    expect(await outputOf('container run --rm --name gone alpine true; container ps -a | grep -c gone', bed)).toBe('0\n');
    expect(await outputOf('container run --name kept alpine true; container ps -a | grep -c kept', bed)).toBe('1\n');
    expect(await outputOf('container exec db ls /nope; echo $?', bed)).toBe(`ls: cannot access '/nope': No such file or directory\n2\n`);
  });
});
