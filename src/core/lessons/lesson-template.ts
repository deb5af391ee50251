// The lesson `trapdoor lessons new SLUG` writes: small, complete, and passing
// `lessons check` as it is, so an author starts from something that works.

const STARTER = `# Print a greeting on the UART, then power the machine off.
    .equ UART, 0x10000000          # NS16550A transmit register
    .equ POWER_OFF, 0x00100000     # sifive_test device: 0x5555 = pass

    .text
    .globl _start
_start:
    # TODO: write each byte of msg to UART
    li   t0, POWER_OFF
    li   t1, 0x5555
    sw   t1, 0(t0)
hang:
    j    hang

    .section .rodata
msg:
    .asciz "Hello, Trapdoor!\\n"
`;

const SOLUTION = `# Print a greeting on the UART, then power the machine off.
    .equ UART, 0x10000000          # NS16550A transmit register
    .equ POWER_OFF, 0x00100000     # sifive_test device: 0x5555 = pass

    .text
    .globl _start
_start:
    la   a0, msg
    li   t0, UART
next:
    lbu  t1, 0(a0)
    beqz t1, done
    sb   t1, 0(t0)
    addi a0, a0, 1
    j    next
done:
    li   t0, POWER_OFF
    li   t1, 0x5555
    sw   t1, 0(t0)
hang:
    j    hang

    .section .rodata
msg:
    .asciz "Hello, Trapdoor!\\n"
`;

function lessonMd(id: string, title: string): string {
  return `---
id: ${id}
title: ${title}
summary: One sentence a student reads in the lesson list.
level: beginner
minutes: 10
prerequisites: []
machine:
  mode: bare
files:
  - name: main.s
    starter: starter.s
    solution: solution.s
steps:
  - id: greet
    title: Say hello
    starterFails: true
    text: |
      The UART's transmit register is at \`0x10000000\`: every byte stored there
      appears on the console. Print the message at \`msg\`, one byte at a time.
    checks:
      - kind: console
        contains: "Hello, Trapdoor!"
        pass: The console greets you.
        fail: Nothing greeted the console yet. Store each byte of msg with sb.
      - kind: exitCode
        equals: 0
        pass: The program powered the machine off cleanly.
        fail: The program should finish by writing 0x5555 to the power-off device.
    hints:
      - Load a byte with \`lbu\`, stop when it is zero.
      - Keep the UART address in a register and \`sb\` each byte to \`0(t0)\`.
figure:
  label: Instructions to print one line
  value: { run: main, metric: instructions }
---
Write the introduction here: what the student will learn and why it matters.
`;
}

/** The files of a new lesson, by path relative to its folder. */
export function lessonTemplate(slug: string): Record<string, string> {
  const title = slug.replace(/^[0-9]+-/, '').split('-').filter(Boolean).map((w) => w[0]?.toUpperCase() + w.slice(1)).join(' ');
  return {
    'lesson.md': lessonMd(slug.replace(/^[0-9]+-/, ''), title || 'New lesson'),
    'starter.s': STARTER,
    'solution.s': SOLUTION,
  };
}
