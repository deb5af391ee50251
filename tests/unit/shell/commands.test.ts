import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { outputOf, runScript, testbed } from './testbed.ts';

describe('running commands', () => {
  it('echoes each line after the prompt and prints its output', async () => {
    const { out, status } = await runScript('echo hello world\n');
    expect(out).toBe('root@trapdoor:~# echo hello world\nhello world\n');
    expect(status).toBe(0);
  });

  it('reports an unknown command with status 127', async () => {
    const { out, status } = await runScript('frobnicate --now\necho $?\n');
    expect(out).toContain('sh: frobnicate: command not found\n');
    expect(out).toMatch(/\n127\n$/);
    expect(status).toBe(0);
  });

  it('reports syntax errors with status 2 and runs nothing', async () => {
    const { out } = await runScript('echo a | | echo b\necho $?\n');
    expect(out).toContain(`sh: syntax error near unexpected token '|'\n`);
    expect(out).not.toContain('\na\n');
    expect(out).toMatch(/\n2\n$/);
  });

  it('runs programs found on PATH, and by path', async () => {
    expect(await outputOf('hello')).toMatch(/^hello from pid \d+ on trapdoor\n$/);
    expect(await outputOf('/bin/hello')).toMatch(/^hello from pid/);
    expect(await outputOf('./nothing')).toBe('sh: ./nothing: No such file or directory\n');
    expect(await outputOf('/bin/notexec; echo $?')).toBe('sh: /bin/notexec: Permission denied\n126\n');
  });

  it('passes exit statuses through && and ||', async () => {
    expect(await outputOf('true && echo yes || echo no')).toBe('yes\n');
    expect(await outputOf('false && echo yes || echo no')).toBe('no\n');
    expect(await outputOf('fails || echo "status $?"')).toBe('fails: something went wrong\nstatus 3\n');
    expect(await outputOf('false; echo $?; true; echo $?')).toBe('1\n0\n');
  });

  it('pipes between built-ins and programs through kernel pipes', async () => {
    expect(await outputOf('echo shout | upper')).toBe('SHOUT\n');
    expect(await outputOf('cat notes.txt | upper | cat')).toBe('FIRST LINE\nSECOND LINE\n');
    expect(await outputOf('echo a | cat | cat | cat')).toBe('a\n');
  });

  it('stops a writer when its reader is gone (SIGPIPE), without a message', async () => {
    expect(await outputOf('yes | true; echo $?')).toBe('0\n');
  });

  it('redirects output, appends, reads input and sends stderr elsewhere', async () => {
    const bed = testbed();
    await runScript('echo one > /tmp/f\necho two >> /tmp/f\nupper < /tmp/f > /tmp/g\nfails 2> /tmp/err\n', bed);
    expect(await outputOf('cat /tmp/f /tmp/g /tmp/err', bed)).toBe('one\ntwo\nONE\nTWO\nfails: something went wrong\n');
    expect(await outputOf('fails 2>&1 | upper', bed)).toBe('FAILS: SOMETHING WENT WRONG\n');
    expect(await outputOf('echo x > /nonexistent/dir/f; echo $?', bed)).toBe('sh: /nonexistent/dir/f: No such file or directory\n1\n');
    expect(await outputOf('echo x > /readonly/locked.txt', bed)).toBe('sh: /readonly/locked.txt: Permission denied\n');
  });

  it('expands variables, with assignments and export', async () => {
    expect(await outputOf('GREETING=hi; echo "$GREETING there" ${GREETING}s')).toBe('hi there his\n');
    // Not exported: programs do not see it; exported: they do; a prefix: only that command.
    expect(await outputOf('GREETING=hi; showenv a; export GREETING; showenv b; ONLY=1 showenv c')).toBe('a \nb GREETING=hi\nc GREETING=hi,ONLY=1\n');
    expect(await outputOf(`export 1x=2`)).toBe(`sh: export: '1x=2': not a valid identifier\n`);
  });

  it('runs background jobs and reports them when done', async () => {
    const { out } = await runScript('ticker &\nwait\necho after\n');
    expect(out).toMatch(/\[1\] \d+\n/);
    expect(out).toContain('tick 1\ntick 2\ntick 3\n');
    expect(out).toMatch(/\[1\]\+  Done\s+ticker\n.*# echo after\nafter\n$/);
  });

  it('stops a script at exit with its status', async () => {
    const { out, status } = await runScript('echo a\nexit 4\necho never\n');
    expect(status).toBe(4);
    expect(out).not.toContain('never');
  });
});

describe('utilities', () => {
  it('ls lists files, long format, hidden and errors', async () => {
    const bed = testbed();
    await runScript('mkdir /tmp/d\necho hi > /tmp/d/b\necho x > /tmp/d/.hidden\nmkdir /tmp/d/a\n', bed);
    expect(await outputOf('ls /tmp/d', bed)).toBe('a  b\n');
    expect(await outputOf('ls -a /tmp/d | cat', bed)).toBe('.hidden\na\nb\n');
    expect(await outputOf('ls -l /tmp/d', bed)).toBe('drwxr-xr-x  2  root  root  4096  a\n-rw-r--r--  1  root  root     3  b\n');
    expect(await outputOf('ls /nope; echo $?', bed)).toBe(`ls: cannot access '/nope': No such file or directory\n2\n`);
  });

  it('cat reports missing files and directories', async () => {
    expect(await outputOf('cat /nope /tmp')).toBe('cat: /nope: No such file or directory\ncat: /tmp: Is a directory\n');
  });

  it('mkdir -p, rm -r, rmdir and their errors', async () => {
    const bed = testbed();
    expect(await outputOf('mkdir -p /tmp/a/b/c && ls /tmp/a/b', bed)).toBe('c\n');
    expect(await outputOf('mkdir /tmp/a', bed)).toBe(`mkdir: cannot create directory '/tmp/a': File exists\n`);
    expect(await outputOf('rm /tmp/a', bed)).toBe(`rm: cannot remove '/tmp/a': Is a directory\n`);
    expect(await outputOf('rmdir /tmp/a', bed)).toBe(`rmdir: failed to remove '/tmp/a': Directory not empty\n`);
    expect(await outputOf('rm -r /tmp/a && ls /tmp', bed)).toBe('');
    expect(await outputOf('rm -f /tmp/none; echo $?', bed)).toBe('0\n');
    expect(await outputOf('rm /readonly/locked.txt', bed)).toBe(`rm: cannot remove '/readonly/locked.txt': Permission denied\n`);
  });

  it('cd and pwd, with -, HOME and errors', async () => {
    expect(await outputOf('cd /tmp; pwd; cd; pwd; cd -; cd /nope')).toBe('/tmp\n/root\n/tmp\nsh: cd: /nope: No such file or directory\n');
    const { out } = await runScript('cd /tmp\npwd\n');
    expect(out).toContain('root@trapdoor:/tmp# pwd\n/tmp\n');
  });

  it('hostname and uname answer from the uts namespace', async () => {
    expect(await outputOf('hostname')).toBe('trapdoor\n');
    expect(await outputOf('uname -a')).toBe('Linux trapdoor 6.1.0-trapdoor #1 SMP riscv32 Linux\n');
    expect(await outputOf('uname; uname -r')).toBe('Linux\n6.1.0-trapdoor\n');
    expect(await outputOf('hostname lab; hostname')).toBe('lab\n');
  });

  it('ps lists the processes of the namespace; kill signals them', async () => {
    const out = await outputOf('spin &\nps\nkill %1\nwait\nps\nkill 999');
    expect(out).toMatch(/PID\s+PPID\s+USER\s+STAT\s+RSS\s+TIME\s+COMMAND\n\s+1\s+0\s+root\s+S\s+8K\s+0:00\s+sh\n\s+2\s+1\s+root\s+S\s+8K\s+0:00\s+spin\n/);
    expect(out).toMatch(/\[1\]\+  Terminated\s+spin/);
    expect(out).toContain('sh: kill: (999) - No such process\n');
  });

  it('kill -l names signals; a bad signal is refused', async () => {
    expect(await outputOf('kill -l')).toContain(' 9) SIGKILL\n');
    expect(await outputOf('kill -FOO 1')).toBe('sh: kill: FOO: invalid signal specification\n');
  });

  it('free, top and sleep use the kernel', async () => {
    expect(await outputOf('free')).toMatch(/^\s+total\s+used\s+free\s+shared\s+available\nMem:\s+131072\s+4096\s+126976\s+1024\s+126976\n$/);
    expect(await outputOf('free -h')).toContain('128M');
    const bed = testbed();
    await outputOf('sleep 2.5', bed);
    expect(bed.kernel.now).toBe(2.5e9);
    expect(await outputOf('sleep x')).toBe(`sleep: invalid time interval 'x'\n`);
    const top = await outputOf('top');
    expect(top).toMatch(/^top - up 0:00, trapdoor\nTasks: 1 total/);
    expect(top).toContain('cgroup /: cpu.max max 100000');
  });

  it('env, export, unset, history and help', async () => {
    expect(await outputOf('env')).toBe('HOME=/root\nPATH=/bin:/usr/bin\nTERM=xterm-256color\nUSER=root\n');
    expect(await outputOf('export X=1; unset X; echo "[$X]"')).toBe('[]\n');
    const { out } = await runScript('echo a\nhistory\n');
    expect(out).toContain('    1  echo a\n    2  history\n');
    const help = await outputOf('help');
    for (const name of ['ls', 'cat', 'echo', 'ps', 'top', 'free', 'hostname', 'uname', 'kill', 'mkdir', 'rm', 'env', 'export', 'cd', 'pwd', 'clear', 'true', 'false', 'sleep', 'history', 'help', 'container']) {
      expect(help).toMatch(new RegExp(`^${name} +\\S.*$`, 'm'));
    }
    expect(help.trim().split('\n').every((l) => /^\S+ +\S/.test(l))).toBe(true);
  });

  it('echo -n and -e', async () => {
    expect(await outputOf('echo -n a; echo -e "b\\tc"')).toBe('ab\tc\n');
  });

  it('clear emits the clear-screen sequence', async () => {
    expect(await outputOf('clear')).toBe('\x1b[H\x1b[2J');
  });
});

describe('pathname expansion', () => {
  it('expands unquoted * and ? to sorted file names, through the kernel', async () => {
    const bed = testbed();
    await runScript('mkdir -p /tmp/g/sub\necho > /tmp/g/a.txt\necho > /tmp/g/b.txt\necho > /tmp/g/ab.log\necho > /tmp/g/.hidden.txt\necho > /tmp/g/sub/c.txt\n', bed);
    expect(await outputOf('echo /tmp/g/*.txt', bed)).toBe('/tmp/g/a.txt /tmp/g/b.txt\n');
    expect(await outputOf('cd /tmp/g; echo ?.txt; echo a*', bed)).toBe('a.txt b.txt\na.txt ab.log\n');
    expect(await outputOf('echo /tmp/g/*/*.txt /tmp/g/.h*', bed)).toBe('/tmp/g/sub/c.txt /tmp/g/.hidden.txt\n');
    expect(await outputOf(`echo "/tmp/g/*" '*' \\* /tmp/g/*.none`, bed)).toBe('/tmp/g/* * * /tmp/g/*.none\n');
    expect(await outputOf('X="*"; echo $X', bed)).toBe('*\n');
    expect(await outputOf('rm /tmp/g/*.txt; ls /tmp/g', bed)).toBe('ab.log  sub\n');
  });
});

describe('robustness', () => {
  it('random command lines never break the shell, which keeps answering', async () => {
    const token = fc.constantFrom('echo', 'true', 'false', 'ls', 'cat', 'pwd', 'hostname', 'x', '"a b"', "'q'", '$?', '$HOME', '/tmp/f', '/nope',
      '|', '||', '&&', ';', '&', '>', '>>', '<', '2>&1', '#', '*', 'cd', '/tmp', 'mkdir', 'rm', 'kill', 'ps', 'env', 'upper', 'help');
    await fc.assert(fc.asyncProperty(fc.array(token, { maxLength: 12 }), async (tokens) => {
      const { out } = await runScript(`${tokens.join(' ')}\nwait\necho still-here\n`);
      expect(out).toMatch(/still-here\n$/);
    }), { numRuns: 150 });
  });

  it('survives the kernel ending the shell\'s own process', async () => {
    const bed = testbed();
    const { out } = await runScript('kill -9 $$\necho after\n', bed);
    expect(out).toContain('after\n');
  });
});

describe('text filters', () => {
  it('head, tail, wc and grep on files and pipes', async () => {
    const bed = testbed();
    await runScript('echo -e "one\\ntwo\\nthree\\nfour" > /tmp/n\n', bed);
    expect(await outputOf('head -n 2 /tmp/n; tail -1 /tmp/n; cat /tmp/n | head -3 | tail -n1', bed)).toBe('one\ntwo\nfour\nthree\n');
    expect(await outputOf('wc /tmp/n; wc -l < /tmp/n', bed)).toBe('      4       4      19 /tmp/n\n4\n');
    expect(await outputOf('grep o /tmp/n; grep -c o /tmp/n; grep -vn o /tmp/n; grep -i TWO /tmp/n', bed)).toBe('one\ntwo\nfour\n3\n3:three\ntwo\n');
    expect(await outputOf('grep zzz /tmp/n; echo $?; grep x /nope; echo $?', bed)).toBe('1\ngrep: /nope: No such file or directory\n2\n');
    expect(await outputOf('spin &\nps | grep spin | wc -l\nkill %1', bed)).toBe('[1] 2\nroot@trapdoor:~# ps | grep spin | wc -l\n1\nroot@trapdoor:~# kill %1\n');
    expect(await outputOf('head -n x /tmp/n', bed)).toBe(`head: invalid number of lines: 'x'\n`);
  });
});

describe('runCommands (what lesson checks grade)', () => {
  it('returns each command\'s own output and status', async () => {
    const { Session } = await import('../../../src/core/shell/session.ts');
    const { standardCommands, DEFAULT_SHELL_ENV } = await import('../../../src/core/shell/index.ts');
    const bed = testbed();
    let screen = '';
    const session = new Session({ ...bed.ports, table: standardCommands(), env: { ...DEFAULT_SHELL_ENV }, mode: 'script', output: (t) => { screen += t; } });
    const results = await session.runCommands(['echo hi', 'nosuch', 'container run -it --hostname c alpine sh', 'hostname', 'exit 3', 'hostname']);
    expect(results).toEqual([
      { command: 'echo hi', output: 'hi\n', status: 0 },
      { command: 'nosuch', output: 'sh: nosuch: command not found\n', status: 127 },
      { command: 'container run -it --hostname c alpine sh', output: '', status: 0 },
      { command: 'hostname', output: 'c\n', status: 0 },
      { command: 'exit 3', output: '', status: 3 },
      { command: 'hostname', output: 'trapdoor\n', status: 0 },
    ]);
    expect(screen).toContain('root@c:/# hostname\nc\n');
  });
});
