// The terminal's line discipline and job control, driven by small programs of our own:
// the test types into the terminal (Terminal.input) and reads what the screen got.
import { describe, expect, it } from 'vitest';
import type { Kernel } from '../../../src/core/kernel/kernel.ts';
import type { Process } from '../../../src/core/kernel/process.ts';
import type { Terminal } from '../../../src/core/kernel/tty.ts';
import { TtyFile } from '../../../src/core/kernel/tty-file.ts';
import { boot, build } from './kernel-harness.ts';

/** Shared by the programs: write(1, a1, a2) and readin(a2 = max) -> a0 bytes into buf. */
const IO = `
say:
  li a0, 1
  li a7, 64
  ecall
  ret
readin:
  li a0, 0
  la a1, buf
  li a7, 63
  ecall
  ret
# show(a0 = n): "<" buf[0..n] ">\\n"
show:
  mv s11, ra
  mv s10, a0
  la a1, lt
  li a2, 1
  call say
  la a1, buf
  mv a2, s10
  call say
  la a1, gt
  li a2, 2
  call say
  mv ra, s11
  ret
`;
const IO_DATA = `
lt: .ascii "<"
gt: .ascii ">\\n"
.balign 4
buf: .space 256
termios: .space 64
`;

/** A process whose descriptors 0-2 are a fresh terminal it controls (a session leader). */
function onTerminal(body: string): { k: Kernel; t: Terminal; p: Process; screen: () => string; type: (s: string) => void } {
  const { k } = boot();
  let screen = '';
  const t = k.openTerminal((b) => (screen += Buffer.from(b).toString('latin1')));
  const { image } = build(`${body}\n${IO}\n.data\n${IO_DATA}`);
  const stdio = [new TtyFile(t), new TtyFile(t), new TtyFile(t)] as [TtyFile, TtyFile, TtyFile];
  const p = k.spawn({ image, argv: ['prog'], stdio });
  t.attach(p);
  k.run(100_000);
  return {
    k, t, p,
    screen: () => {
      const s = screen;
      screen = '';
      return s;
    },
    type: (s: string) => {
      t.input(Buffer.from(s, 'latin1'));
      k.run(200_000);
    },
  };
}

describe('terminal line discipline', () => {
  it('canonical mode: a read returns a whole edited line; erase, kill and echo; ^D on an empty line is end of file', () => {
    const { screen, type, p } = onTerminal(`
_start:
1:
  li a2, 100
  call readin
  beqz a0, 2f
  call show
  j 1b
2:
  la a1, eof
  li a2, 4
  call say
  li a0, 0
  j exit
.data
eof: .ascii "eof\\n"
.text
`);
    expect(screen()).toBe('');
    type('ab');
    expect(screen()).toBe('ab'); // echoed, not yet readable: the read still waits
    expect(p.state).toBe('sleeping');
    type('\x7fc\r'); // erase b, type c, Enter (ICRNL turns \r into \n)
    expect(screen()).toBe('\b \bc\r\n<ac\r\n>\r\n');
    type('xyz\x15k\n'); // ^U kills the line
    expect(screen()).toBe('xyz\b \b\b \b\b \bk\r\n<k\r\n>\r\n');
    type('partial\x04'); // ^D with text: the text is readable without a newline
    expect(screen()).toBe('partial<partial>\r\n');
    type('\x04'); // ^D on an empty line: read returns 0
    expect(screen()).toBe('eof\r\n');
    expect(p.state).toBe('zombie');
  });

  it('raw mode (TCSETS without ICANON and ECHO, VMIN 1): bytes arrive one by one, unechoed; TIOCGWINSZ', () => {
    const { screen, type, p, t, k } = onTerminal(`
_start:
  li a0, 0
  li a1, 0x5401          # TCGETS
  la a2, termios
  li a7, 29
  ecall
  call print_int
  la t0, termios
  lw t1, 12(t0)          # c_lflag
  andi t1, t1, -11       # ~(ICANON | ECHO)
  sw t1, 12(t0)
  li t1, 1
  sb t1, 23(t0)          # c_cc[VMIN] = 1
  sb zero, 22(t0)        # c_cc[VTIME] = 0
  li a0, 0
  li a1, 0x5402          # TCSETS
  la a2, termios
  li a7, 29
  ecall
  call print_int
  li a2, 10
  call readin
  call show
  li a2, 10
  call readin
  call show
  li a0, 0
  li a1, 0x5413          # TIOCGWINSZ
  la a2, termios
  li a7, 29
  ecall
  la t0, termios
  lhu a0, 0(t0)          # rows
  call print_int
  la t0, termios
  lhu a0, 2(t0)          # columns
  call print_int
  li a0, 0
  j exit
`);
    expect(screen()).toBe('0\r\n0\r\n');
    type('q');
    expect(screen()).toBe('<q>\r\n'); // no echo, no Enter needed
    t.resize(132, 50);
    k.run(10_000);
    type('\r'); // no ICRNL change: still \n, delivered as is
    expect(screen()).toBe('<\r\n>\r\n50\r\n132\r\n'); // ONLCR on output
    expect(p.state).toBe('zombie');
  });

  it('^C sends SIGINT to the foreground process group only; a shell-like leader moves the foreground with TIOCSPGRP', () => {
    // The leader ignores SIGTTOU (as shells do), starts a child in a group of its own, gives
    // it the terminal, and waits. ^C kills the child; the leader, in the background, is spared.
    const { screen, type, p, k } = onTerminal(`
_start:
  li a0, 22              # rt_sigaction(SIGTTOU, SIG_IGN)
  la a1, ign
  li a2, 0
  li a3, 8
  li a7, 134
  ecall
  li a0, 17              # fork
  li a1, 0
  li a7, 220
  ecall
  beqz a0, child
  mv s0, a0
  li a0, 2               # rt_sigaction(SIGINT, counter): the parent's only
  la a1, act
  li a2, 0
  li a3, 8
  li a7, 134
  ecall
  mv a0, s0              # setpgid(child, child)
  mv a1, s0
  li a7, 154
  ecall
  la t0, pg
  sw s0, 0(t0)
  li a0, 0               # tcsetpgrp(0, child)
  li a1, 0x5410
  la a2, pg
  li a7, 29
  ecall
  call print_int
  li a0, 1               # waitid(P_PID, child, info, WEXITED)
  mv a1, s0
  la a2, info
  li a3, 4
  li a4, 0
  li a7, 95
  ecall
  la t0, info
  lw a0, 8(t0)           # CLD_KILLED = 2
  call print_int
  la t0, info
  lw a0, 20(t0)          # by SIGINT = 2
  call print_int
  li a7, 172             # getpid: take the terminal back
  ecall
  la t0, pg
  sw a0, 0(t0)
  li a0, 0
  li a1, 0x5410
  la a2, pg
  li a7, 29
  ecall
  call print_int
  la t0, count           # the leader's own SIGINT handler never ran
  lw a0, 0(t0)
  call print_int
  li a0, 0
  j exit
child:
  li a2, 10
  call readin            # waits for a line that never comes
  li a0, 9
  j exit
handler:
  la t0, count
  lw t1, 0(t0)
  addi t1, t1, 1
  sw t1, 0(t0)
  ret
.data
.balign 4
ign: .word 1, 0, 0, 0
act: .word handler, 0x10000000, 0, 0
pg: .word 0
count: .word 0
info: .space 128
.text
`);
    expect(screen()).toBe('0\r\n');
    const child = [...k.processes.values()].find((q) => q !== p)!;
    expect(k.terminalOf(p)!.foreground).toBe(child.pgid);
    expect(child.pgid).not.toBe(p.pgid);
    type('\x03');
    expect(screen()).toBe('^C\r\n2\r\n2\r\n0\r\n0\r\n');
    expect(p.state).toBe('zombie');
    expect(p.waitStatus).toBe(0);
  });

  it('^Z stops the foreground job (SIGTSTP); the parent sees it stopped and continues it with SIGCONT', () => {
    const { screen, type, p, k } = onTerminal(`
_start:
  li a0, 17              # fork
  li a1, 0
  li a7, 220
  ecall
  beqz a0, child
  mv s0, a0
  mv a0, s0
  mv a1, s0
  li a7, 154             # setpgid(child, child)
  ecall
  la t0, pg
  sw s0, 0(t0)
  li a0, 22              # ignore SIGTTOU, then give the child the terminal
  la a1, ign
  li a2, 0
  li a3, 8
  li a7, 134
  ecall
  li a0, 0
  li a1, 0x5410
  la a2, pg
  li a7, 29
  ecall
  li a0, 1               # waitid(P_PID, child, info, WSTOPPED)
  mv a1, s0
  la a2, info
  li a3, 2
  li a4, 0
  li a7, 95
  ecall
  la t0, info
  lw a0, 8(t0)           # CLD_STOPPED = 5
  call print_int
  la t0, info
  lw a0, 20(t0)          # SIGTSTP = 20
  call print_int
  mv a0, s0
  li a1, 18              # kill(child, SIGCONT)
  li a7, 129
  ecall
  li a0, 1               # waitid(..., WEXITED)
  mv a1, s0
  la a2, info
  li a3, 4
  li a4, 0
  li a7, 95
  ecall
  la t0, info
  lw a0, 20(t0)          # the child's exit status
  call print_int
  li a0, 0
  j exit
child:
  li a2, 10
  call readin            # the line typed after SIGCONT
  li a0, 7
  j exit
.data
.balign 4
ign: .word 1, 0, 0, 0
pg: .word 0
info: .space 128
.text
`);
    expect(screen()).toBe('');
    type('\x1a');
    const child = [...k.processes.values()].find((q) => q !== p)!;
    expect(screen()).toBe('^Z\r\n5\r\n20\r\n');
    expect(child.stopped).toBe(false); // continued at once by the parent
    type('go\n');
    expect(screen()).toBe('go\r\n7\r\n');
    expect(p.state).toBe('zombie');
  });

  it('a background process that reads the terminal is stopped by SIGTTIN', () => {
    const { screen, p, k } = onTerminal(`
_start:
  li a0, 17
  li a1, 0
  li a7, 220
  ecall
  beqz a0, child
  mv s0, a0
  li a0, 1               # waitid(P_PID, child, info, WSTOPPED)
  mv a1, s0
  la a2, info
  li a3, 2
  li a4, 0
  li a7, 95
  ecall
  la t0, info
  lw a0, 20(t0)          # SIGTTIN = 21
  call print_int
  mv a0, s0
  li a1, 9
  li a7, 129
  ecall
  li a0, 0
  j exit
child:
  li a0, 0               # setpgid(0, 0): a background group of its own
  li a1, 0
  li a7, 154
  ecall
  li a2, 10
  call readin
  li a0, 3
  j exit
.data
.balign 4
info: .space 128
.text
`);
    k.run(100_000);
    expect(screen()).toBe('21\r\n');
    expect(p.state).toBe('zombie');
  });

  it('TIOCSWINSZ sends SIGWINCH to the foreground group; a handler sees the new size', () => {
    const { screen, type, p } = onTerminal(`
_start:
  li a0, 28              # rt_sigaction(SIGWINCH, handler, SA_RESTART)
  la a1, act
  li a2, 0
  li a3, 8
  li a7, 134
  ecall
  la t0, termios         # TIOCSWINSZ 30 rows x 90 columns
  li t1, 30
  sh t1, 0(t0)
  li t1, 90
  sh t1, 2(t0)
  li a0, 0
  li a1, 0x5414
  la a2, termios
  li a7, 29
  ecall
  li a2, 10              # wait for a line (the handler runs first)
  call readin
  li a0, 0
  j exit
handler:
  mv s9, ra
  li a0, 0
  li a1, 0x5413          # TIOCGWINSZ
  la a2, termios
  li a7, 29
  ecall
  la t0, termios
  lhu a0, 2(t0)
  call print_int
  mv ra, s9
  ret
.data
.balign 4
act: .word handler, 0x10000000, 0, 0
.text
`);
    expect(screen()).toBe('90\r\n');
    type('x\n');
    expect(p.state).toBe('zombie');
  });

  it('a descriptor that is not a terminal answers ENOTTY; /dev/tty is the controlling terminal', () => {
    const { screen } = onTerminal(`
_start:
  li a0, -100            # openat(AT_FDCWD, "/dev/null")
  la a1, devnull
  li a2, 2
  li a7, 56
  ecall
  li a1, 0x5401          # TCGETS on it
  la a2, termios
  li a7, 29
  ecall
  call print_int         # -ENOTTY = -25
  li a0, -100
  la a1, devtty
  li a2, 2
  li a7, 56
  ecall
  li a1, 0x5401
  la a2, termios
  li a7, 29
  ecall
  call print_int         # 0
  li a0, 0
  j exit
.data
devnull: .asciz "/dev/null"
devtty: .asciz "/dev/tty"
.text
`);
    expect(screen()).toBe('-25\r\n0\r\n');
  });
});
