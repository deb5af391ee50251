// Regression tests for issue 16's kernel items: system calls given hostile arguments answer
// with Linux's errno (or the OOM killer), never a host error, and lose no data.
import { describe, expect, it } from 'vitest';
import { EAGAIN, EFAULT, EFBIG, EINVAL, ENOMEM, EPERM, KernelError } from '../../../src/core/kernel/errno.ts';
import { AddressSpace, PROT_READ, PROT_WRITE } from '../../../src/core/kernel/address-space.ts';
import { Kernel } from '../../../src/core/kernel/kernel.ts';
import { boot, build, runAll } from './kernel-harness.ts';

/** Runs one program in a fresh kernel; returns what it printed and the process. */
function runProgram(body: string, setup?: (k: Kernel) => Partial<Parameters<Kernel['spawn']>[0]>) {
  const { k, output } = boot();
  const p = k.spawn({ image: build(body).image, argv: ['t'], ...setup?.(k) });
  runAll(k);
  return { k, p, out: output() };
}

// Prints the result (a0) of the system call just made.
const PRINT = 'call print_int';

describe('readv and writev check their iovec arguments', () => {
  it('writev with more than 1024 iovecs fails with EINVAL', () => {
    const { out, k } = runProgram(`
_start:
  li a0, 1
  la a1, iov
  li a2, 0x40000000
  li a7, 66
  ecall
  ${PRINT}
  li a0, 1
  la a1, iov
  li a2, 1025
  li a7, 66
  ecall
  ${PRINT}
  li a0, 1
  la a1, iov
  li a2, 1024          # the largest count Linux takes: one "hi\\n" and 1023 empty entries
  li a7, 66
  ecall
  ${PRINT}
  li a0, 0
  j exit
.data
iov: .word msg, 3
  .zero 8 * 1023
msg: .ascii "hi\\n"
`);
    expect(out).toBe(`${-EINVAL}\n${-EINVAL}\nhi\n3\n`);
    expect(k.oopses).toBe(0);
  });

  it('readv with more than 1024 iovecs fails with EINVAL', () => {
    const { out } = runProgram(`
_start:
  li a0, 0
  la a1, iov
  li a2, 0x40000000
  li a7, 65
  ecall
  ${PRINT}
  li a0, 0
  j exit
.data
iov: .word buf, 3
buf: .zero 4
`);
    expect(out).toBe(`${-EINVAL}\n`);
  });

  it('writev with an iov_len that is negative as ssize_t fails with EINVAL and writes nothing', () => {
    const { out } = runProgram(`
_start:
  li a0, 1
  la a1, iov
  li a2, 2
  li a7, 66
  ecall
  ${PRINT}
  li a0, 0
  j exit
.data
iov: .word msg, 3, msg, 0x80000000
msg: .ascii "hi\\n"
`);
    expect(out).toBe(`${-EINVAL}\n`);
  });

  it('writev whose second iovec is a bad pointer returns the bytes of the first', () => {
    const { out } = runProgram(`
_start:
  li a0, 1
  la a1, iov
  li a2, 2
  li a7, 66
  ecall
  ${PRINT}
  li a0, 0
  j exit
.data
iov: .word msg, 3, 0x10, 4
msg: .ascii "hi\\n"
`);
    expect(out).toBe('hi\n3\n');
  });
});

describe('a bad buffer loses no data', () => {
  it('read from a pipe into a bad pointer fails with EFAULT and leaves the data in the pipe', () => {
    const { out } = runProgram(`
_start:
  la a0, fds
  li a1, 0
  li a7, 59            # pipe2
  ecall
  la t0, fds
  lw a0, 4(t0)
  la a1, msg
  li a2, 3
  li a7, 64            # write "ok\\n" into the pipe
  ecall
  la t0, fds
  lw a0, 0(t0)
  li a1, 0x10          # unmapped
  li a2, 3
  li a7, 63
  ecall
  ${PRINT}
  la t0, fds
  lw a0, 0(t0)
  la a1, iov           # readv whose only buffer is read-only text
  li a2, 1
  li a7, 65
  ecall
  ${PRINT}
  la t0, fds
  lw a0, 0(t0)
  la a1, buf
  li a2, 3
  li a7, 63            # the bytes are still there
  ecall
  ${PRINT}
  li a0, 1
  la a1, buf
  li a2, 3
  li a7, 64
  ecall
  li a0, 0
  j exit
.data
fds: .word 0, 0
iov: .word _start, 3
msg: .ascii "ok\\n"
buf: .zero 4
`);
    expect(out).toBe(`${-EFAULT}\n${-EFAULT}\n3\nok\n`);
  });

  it('getdents64 into a bad pointer fails with EFAULT and the next call still starts at "."', () => {
    const { out } = runProgram(`
_start:
  li a0, -100
  la a1, root
  li a2, 0x10000       # O_DIRECTORY
  li a7, 56            # openat
  ecall
  mv s0, a0
  mv a0, s0
  li a1, 0x10
  li a2, 256
  li a7, 61            # getdents64
  ecall
  ${PRINT}
  mv a0, s0
  la a1, buf
  li a2, 24            # room for exactly one record
  li a7, 61
  ecall
  ${PRINT}
  la t0, buf
  lbu a0, 19(t0)       # d_name[0]: '.' is 46
  ${PRINT}
  li a0, 0
  j exit
.data
root: .string "/"
buf: .zero 64
`);
    expect(out).toBe(`${-EFAULT}\n24\n46\n`);
  });

  it('a kernel copy that would wrap past 2^32 fails whole, never writing at address 0', () => {
    const space = new AddressSpace();
    space.addRegion({ start: 0, end: 0x1000, prot: PROT_READ | PROT_WRITE, kind: 'mmap' });
    space.addRegion({ start: 0xfffff000, end: 2 ** 32, prot: PROT_READ | PROT_WRITE, kind: 'mmap' });
    expect(space.copyOut(0xfffffff0, new Uint8Array(32).fill(7))).toBe(false);
    expect(space.copyIn(0xfffffff0, 32)).toBeNull();
    expect(space.writablePrefix(0xfffffff0, 32)).toBe(16);
    expect(space.copyIn(0, 16)).toEqual(new Uint8Array(16));
  });
});

describe('looking at a process\'s memory changes nothing', () => {
  it('peek reads untouched pages as zeros without allocating or charging them (no OOM kill)', () => {
    const { k } = boot();
    const cg = k.rootCgroup.child('full');
    cg.memoryMax = 0;
    const space = new AddressSpace(cg);
    space.addRegion({ start: 0x40000000, end: 0x40002000, prot: PROT_READ | PROT_WRITE, kind: 'mmap' });
    expect(space.peek(0x40000ff0, 32)).toEqual(new Uint8Array(32));
    expect(space.peek(0x40001ff0, 32)).toBeNull(); // runs off the region
    expect(space.privatePages()).toBe(0);
    expect(cg.memoryCurrent).toBe(0);
    expect(space.oomAt).toBeNull();
  });
});

describe('address ranges never wrap past 2^32', () => {
  it('mmap with MAP_FIXED past 2^32 fails with ENOMEM', () => {
    const { out, p } = runProgram(`
_start:
  li a0, 0xfffff000
  li a1, 0x2000
  li a2, 3
  li a3, 0x32
  li a4, -1
  li a5, 0
  li a7, 222
  ecall
  ${PRINT}
  li a0, 0x7ffff000    # ends past the top of the user address space
  li a1, 0x3000
  li a2, 3
  li a3, 0x32
  li a4, -1
  li a5, 0
  li a7, 222
  ecall
  ${PRINT}
  li a0, 0             # page 0 stays a NULL-pointer trap (mmap_min_addr)
  li a1, 0x1000
  li a2, 3
  li a3, 0x32
  li a4, -1
  li a5, 0
  li a7, 222
  ecall
  ${PRINT}
  li a0, 0
  li a1, 0xfffff000    # almost 4 GiB without MAP_FIXED: no room
  li a2, 3
  li a3, 0x22
  li a4, -1
  li a5, 0
  li a7, 222
  ecall
  ${PRINT}
  li a0, 0
  j exit
`);
    expect(out).toBe(`${-ENOMEM}\n${-ENOMEM}\n${-EPERM}\n${-ENOMEM}\n`);
    expect(p.space.regions.every((r) => r.end <= 2 ** 32 && r.start < r.end)).toBe(true);
  });

  it('munmap and mprotect of a range past 2^32 fail with EINVAL and ENOMEM', () => {
    const { out } = runProgram(`
_start:
  li a0, 0xfffff000
  li a1, 0x2000
  li a7, 215           # munmap
  ecall
  ${PRINT}
  li a0, 0x10000
  li a1, 0xffff0000    # from the program's text to past 2^32
  li a7, 215
  ecall
  ${PRINT}
  li a0, 0xfffff000
  li a1, 0x2000
  li a2, 1
  li a7, 226           # mprotect
  ecall
  ${PRINT}
  li a0, 0x10000
  li a1, 0
  li a2, 1
  li a7, 226           # an empty range is fine
  ecall
  ${PRINT}
  li a0, 0
  j exit
`);
    expect(out).toBe(`${-EINVAL}\n${-EINVAL}\n${-ENOMEM}\n0\n`);
  });

  it('brk does not grow the heap over another mapping', () => {
    const { out } = runProgram(`
_start:
  li a0, 0
  li a7, 214
  ecall
  mv s0, a0            # the initial break (page-aligned)
  li t0, 0x1000
  add a0, s0, t0       # a fixed mapping one page above it
  li a1, 0x1000
  li a2, 3
  li a3, 0x32
  li a4, -1
  li a5, 0
  li a7, 222
  ecall
  li t0, 0x3000
  add a0, s0, t0
  li a7, 214           # asks for three pages: refused, the old break comes back
  ecall
  sub a0, a0, s0
  ${PRINT}
  li t0, 0x1000
  add a0, s0, t0
  li a7, 214           # up to the mapping: fine
  ecall
  sub a0, a0, s0
  ${PRINT}
  li a0, 0
  j exit
`);
    expect(out).toBe(`0\n${0x1000}\n`);
  });
});

describe('memory.max during a system call', () => {
  const atLimit = (syscall: string) => `
_start:
  li a0, 0
  li a1, 0x1000000     # 16 MiB, far more than memory.max
  li a2, 3
  li a3, 0x22
  li a4, -1
  li a5, 0
  li a7, 222
  ecall
  mv s0, a0
1:
  ${syscall}
  li t0, 4096
  add s0, s0, t0
  j 1b
`;

  it('a system call that writes a fresh page at memory.max OOM-kills the caller', () => {
    let cg = null as unknown as ReturnType<Kernel['rootCgroup']['child']>;
    const { k, p } = runProgram(atLimit(`
  mv a1, s0
  li a0, 1
  li a7, 113           # clock_gettime into an untouched page
  ecall`), (k) => {
      cg = k.rootCgroup.child('small');
      cg.memoryMax = 64 * 1024;
      return { cgroup: cg };
    });
    expect(k.oopses).toBe(0);
    expect(p.killedBy).toBe(9);
    expect(p.killReason).toMatch(/^Out of memory: Killed process \d+ \(t\)/);
    expect(cg.events['memory.oom_kill']).toBe(1);
    expect(cg.memoryCurrent).toBe(0);
  });

  it('a system call that reads an untouched page at memory.max OOM-kills the caller', () => {
    const { k, p } = runProgram(atLimit(`
  mv a1, s0
  li a0, 1
  li a2, 1
  li a7, 64            # write() from an untouched page: the kernel's read makes it
  ecall`), (k) => {
      const cg = k.rootCgroup.child('small');
      cg.memoryMax = 64 * 1024;
      return { cgroup: cg };
    });
    expect(k.oopses).toBe(0);
    expect(p.killedBy).toBe(9);
  });

  it('a program that cannot be loaded within memory.max leaves no process, pid or charge behind', () => {
    const { k } = boot();
    const cg = k.rootCgroup.child('tiny');
    cg.memoryMax = 0;
    const before = k.processes.size;
    let error: unknown;
    try {
      k.spawn({ image: build('_start:\n  j _start\n.data\nx: .word 1').image, argv: ['t'], cgroup: cg });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KernelError);
    expect((error as KernelError).errno).toBe(ENOMEM);
    expect(k.processes.size).toBe(before);
    expect([...k.initNs.pid.tasks()]).toEqual([]);
    expect(cg.pidsCurrent).toBe(0);
    expect(cg.memoryCurrent).toBe(0);
  });
});

describe('file sizes', () => {
  it('truncate64 to 8 GiB fails with EFBIG instead of exhausting the host (found by the syscall fuzzer)', () => {
    const { out, k } = runProgram(`
_start:
  li a0, -100
  la a1, path
  li a2, 0x42          # O_RDWR | O_CREAT
  li a3, 0x1a4
  li a7, 56
  ecall
  la a0, path
  li a1, 0             # length: low word 0, high word 2
  li a2, 2
  li a7, 45            # truncate64
  ecall
  ${PRINT}
  la a0, path
  li a1, 4096
  li a2, 0
  li a7, 45            # a sane length is fine
  ecall
  ${PRINT}
  li a0, 0
  j exit
.data
path: .string "/tmp/f"
`);
    expect(out).toBe(`${-EFBIG}\n0\n`);
    expect(k.oopses).toBe(0);
    expect(k.fs.lookup('/tmp/f')!.size).toBe(4096);
  });
});

describe('clone', () => {
  it('clone with an exit signal above 64 fails with EINVAL (found by the syscall fuzzer)', () => {
    const { out, k } = runProgram(`
_start:
  li a0, 0xff          # exit signal 255
  li a1, 0
  li a7, 220
  ecall
  beqz a0, 1f          # a child (there must be none) exits at once
  ${PRINT}
  li a0, 0
1:
  j exit
`);
    expect(out).toBe(`${-EINVAL}\n`);
    expect(k.oopses).toBe(0);
  });
});

describe('zombies', () => {
  const forkNoWait = build(`
_start:
  li s0, 0
1:
  li a0, 17
  li a1, 0
  li a7, 220
  ecall
  beqz a0, child
  bltz a0, 2f
  addi s0, s0, 1
  j 1b
2:
  ${PRINT}             # the error
  mv a0, s0
  ${PRINT}             # children made
  li a0, 0
  j exit
child:
  li a0, 0             # exits at once; the parent never waits
  j exit
`).image;

  it('zombies count against pids.max until they are reaped', () => {
    const { k, output } = boot();
    const cg = k.rootCgroup.child('z');
    cg.pidsMax = 5;
    const parent = k.spawn({ image: forkNoWait, argv: ['parent'], cgroup: cg });
    k.run(2_000_000);
    expect(output()).toBe(`${-EAGAIN}\n4\n`);
    // The parent exited without waiting: its zombies went with it (no init to inherit them).
    expect(parent.state).toBe('zombie');
    expect(cg.pidsCurrent).toBe(0);
    expect(k.processes.size).toBe(0);
  });

  it('unreaped children stop at pid_max: the process table stays bounded', () => {
    const bytes: number[] = [];
    const k = new Kernel({ consoleSink: (b) => bytes.push(...b), pidMax: 50 });
    k.console.close();
    k.spawn({ image: build('_start:\n  j _start').image, argv: ['init'] }); // pid 1 inherits orphans
    k.spawn({ image: forkNoWait, argv: ['parent'] });
    k.run(2_000_000);
    expect(Buffer.from(bytes).toString()).toBe(`${-EAGAIN}\n48\n`);
    expect(k.processes.size).toBeLessThanOrEqual(50);
    expect(k.rootCgroup.pidsCurrent).toBe(k.processes.size);
  });

  it('wait4 releases the pid: reaping children lets a parent fork again', () => {
    const { out } = runProgram(`
_start:
  li s0, 0
1:
  li a0, 17
  li a1, 0
  li a7, 220
  ecall
  beqz a0, child
  bltz a0, 2f
  li a0, -1
  li a1, 0
  li a2, 0
  li a3, 0
  li a7, 260           # wait4
  ecall
  addi s0, s0, 1
  li t0, 20
  blt s0, t0, 1b
2:
  mv a0, s0
  ${PRINT}
  li a0, 0
  j exit
child:
  li a0, 0
  j exit
`, (k) => {
      const cg = k.rootCgroup.child('w');
      cg.pidsMax = 2;
      return { cgroup: cg };
    });
    expect(out).toBe('20\n');
  });
});
