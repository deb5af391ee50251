// The Pike VM: runs a regex program (regex-syntax.ts) over the subject once, left to
// right, keeping every live thread in a list ordered by priority, so the match found is
// the one a backtracking engine would find first (leftmost, then first alternative), with
// its groups — but no character is ever looked at twice per program instruction. Each
// position adds each instruction to the thread list at most once, so one search costs at
// most 2 x (program length) x (subject length + 1) steps: linear in the subject, whatever
// the pattern ("(a*)*b", ".*.*.*=" included). `steps` counts them, for the tests.

import { isWord, type Program } from './regex-syntax.ts';

export interface PikeMatch {
  /** The whole match and each group's text (undefined when the group did not take part). */
  groups: Array<string | undefined>;
  index: number;
}

interface Thread {
  pc: number;
  caps: Int32Array;
}

export class PikeVm {
  /** Steps taken by the last search (thread additions plus thread runs). */
  steps = 0;
  private readonly mark: Int32Array;

  constructor(private readonly prog: Program) {
    this.mark = new Int32Array(prog.insts.length);
  }

  exec(subject: string): PikeMatch | null {
    this.steps = 0;
    this.mark.fill(0);
    const n = subject.length;
    let current: Thread[] = [];
    let gen = 1; // the generation of `current`: an instruction is queued once per generation
    let matched: Int32Array | null = null;
    const empty = new Int32Array(this.prog.groups * 2).fill(-1);
    for (let i = 0; i <= n; i++) {
      // A new thread at each position, lowest priority: the unanchored search's implicit .*?
      if (matched === null) this.add(current, 0, empty, i, subject, gen);
      const code = i < n ? subject.charCodeAt(i) : -1;
      let next: Thread[] = [];
      for (const t of current) {
        this.steps++;
        const inst = this.prog.insts[t.pc]!;
        if (inst.op === 'match') { matched = t.caps; break; } // lower-priority threads are cut
        if (inst.op === 'char' && code >= 0 && inst.test(code)) this.add(next, t.pc + 1, t.caps, i + 1, subject, gen + 1);
      }
      [current, next] = [next, current];
      gen++;
      if (current.length === 0 && matched !== null) break;
    }
    return matched === null ? null : this.result(matched, subject);
  }

  /** Follows jumps, splits, saves and assertions from `pc` (in priority order) and queues
   *  the char and match instructions reached; each instruction once per generation. */
  private add(list: Thread[], pc0: number, caps0: Int32Array, at: number, subject: string, gen: number): void {
    const stack: Thread[] = [{ pc: pc0, caps: caps0 }];
    while (stack.length > 0) {
      const { pc, caps } = stack.pop()!;
      this.steps++;
      if (this.mark[pc] === gen) continue;
      this.mark[pc] = gen;
      const inst = this.prog.insts[pc]!;
      switch (inst.op) {
        case 'jmp': stack.push({ pc: inst.x, caps }); break;
        case 'split': stack.push({ pc: inst.y, caps }, { pc: inst.x, caps }); break;
        case 'save': {
          const copy = caps.slice();
          copy[inst.slot] = at;
          stack.push({ pc: pc + 1, caps: copy });
          break;
        }
        case 'assert': if (this.holds(inst.kind, subject, at)) stack.push({ pc: pc + 1, caps }); break;
        default: list.push({ pc, caps });
      }
    }
  }

  private holds(kind: '^' | '$' | 'b' | 'B', s: string, at: number): boolean {
    const lineEnd = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
    switch (kind) {
      case '^': return at === 0 || (this.prog.multiline && lineEnd(s.charCodeAt(at - 1)));
      case '$': return at === s.length || (this.prog.multiline && lineEnd(s.charCodeAt(at)));
      default: {
        const boundary = (at > 0 && isWord(s.charCodeAt(at - 1))) !== (at < s.length && isWord(s.charCodeAt(at)));
        return kind === 'b' ? boundary : !boundary;
      }
    }
  }

  private result(caps: Int32Array, subject: string): PikeMatch {
    const groups: Array<string | undefined> = [];
    for (let g = 0; g < this.prog.groups; g++) {
      const from = caps[2 * g]!;
      const to = caps[2 * g + 1]!;
      groups.push(from >= 0 && to >= 0 ? subject.slice(from, to) : undefined);
    }
    return { groups, index: caps[0]! };
  }
}
