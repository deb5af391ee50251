// Typing into the console the way a person does, deterministically: a line at a time, and
// the next line only once the guest has taken the previous one and waits again, so a
// scripted session gives the same transcript as someone typing after each prompt.
//
// The rules:
//   - A key is pressed only when the UART's receive buffer is empty: the guest has read
//     the previous key (one byte at a time, as from a keyboard: small guest buffers never
//     overflow).
//   - Within a line the next key is pressed the moment the guest reads the previous one.
//   - A new line (the first one too) starts only when the guest waits for it, checked every
//     TYPING_TICK instructions (FINE_TICK for 0.1 s after a line was read) and whenever
//     the hart stops in wfi. The guest waits when
//       * the hart has slept in wfi since the last look, or
//       * it shows a prompt: its console output ends in an unfinished line ("$ ", "> ")
//         and it has been quiet — no output — for QUIET_CYCLES (0.1 s of virtual time)
//         since that output and since it read the last key, or
//       * it has been quiet for LONG_QUIET_CYCLES (10 s), prompt or not.
//     A kernel that spins in its scheduler while its shell blocks (xv6) waits at its prompt;
//     one booting silently (xv6 filling its memory) or busy printing lines does not.
// Virtual time only: the same input always reaches the guest at the same instructions.

import { checkStateHeader } from '../isa/state-header.ts';

export const TYPING_TICK = 8192;
export const FINE_TICK = 64;
export const QUIET_CYCLES = 10_000_000;
export const LONG_QUIET_CYCLES = 1_000_000_000;
export const TYPIST_STATE_VERSION = 1;

/** The console's receive side, as the typist sees it. */
export interface Keyboard {
  /** Bytes the guest has not read yet. */
  readonly pending: number;
  receive(bytes: Uint8Array): void;
}

export interface TypistState {
  kind: 'typist';
  version: number;
  input: Uint8Array;
  /** Next byte of input to type. */
  at: number;
  /** End of the line being typed (exclusive), or -1 between lines. */
  lineEnd: number;
  lastActivity: number;
  lineReadAt: number;
  /** The console's last line is unfinished (a prompt). */
  prompt: boolean;
}

export class Typist {
  private at = 0;
  private lineEnd = -1;
  private lastActivity = 0;
  /** When the guest read the last key of the previous line (0 before the first). */
  private lineReadAt = 0;
  /** The console output so far ends in an unfinished line. */
  private prompt = false;

  constructor(private input: Uint8Array, private readonly keyboard: Keyboard) {}

  /** Everything has been typed (the guest may still be reading the last key). */
  get done(): boolean {
    return this.at >= this.input.length;
  }

  /** Between lines, waiting for the guest to wait: it should be looked at often. */
  get betweenLines(): boolean {
    return this.lineEnd < 0 && !this.done;
  }

  /** Soon after a line was read, when the guest is most likely to start waiting again. */
  watchClosely(cycles: number): boolean {
    return this.betweenLines && cycles - this.lineReadAt < QUIET_CYCLES;
  }

  /** The guest read the last key (at this virtual time): within a line, press the next one now. */
  keyTaken(cycles: number): void {
    if (this.lineEnd < 0 || this.keyboard.pending > 0) return;
    if (this.at < this.lineEnd) {
      this.press();
      return;
    }
    // The whole line has been read: the quiet period counts from now.
    this.lineEnd = -1;
    this.lineReadAt = cycles;
    this.lastActivity = Math.max(this.lastActivity, cycles);
  }

  /** The guest wrote these bytes to the console at this virtual time. */
  noteOutput(cycles: number, bytes: Uint8Array): void {
    this.lastActivity = Math.max(this.lastActivity, cycles);
    if (bytes.length > 0) this.prompt = bytes[bytes.length - 1] !== 10 && bytes[bytes.length - 1] !== 13;
  }

  /** Looks at the guest; presses a key if the rules allow. True when it typed. */
  tick(cycles: number, hartIdle: boolean): boolean {
    if (this.keyboard.pending > 0) return false;
    if (this.lineEnd >= 0 && this.at < this.lineEnd) return this.press();
    if (this.lineEnd >= 0) this.keyTaken(cycles);
    if (this.done || !(hartIdle || this.waitsAtPrompt(cycles))) return false;
    const nl = this.input.indexOf(10, this.at);
    this.lineEnd = nl < 0 ? this.input.length : nl + 1;
    return this.press();
  }

  private waitsAtPrompt(cycles: number): boolean {
    const quiet = cycles - this.lastActivity;
    return (this.prompt && quiet >= QUIET_CYCLES) || quiet >= LONG_QUIET_CYCLES;
  }

  private press(): boolean {
    this.keyboard.receive(this.input.subarray(this.at, this.at + 1));
    this.at++;
    return true;
  }

  getState(): TypistState {
    const { at, lineEnd, lastActivity, lineReadAt, prompt } = this;
    return { kind: 'typist', version: TYPIST_STATE_VERSION, input: this.input.slice(), at, lineEnd, lastActivity, lineReadAt, prompt };
  }

  setState(s: TypistState): void {
    checkStateHeader(s, 'typist', TYPIST_STATE_VERSION);
    if (!(s.input instanceof Uint8Array) || !Number.isInteger(s.at) || s.at < 0 || s.at > s.input.length
      || !Number.isInteger(s.lineEnd) || s.lineEnd < -1 || s.lineEnd > s.input.length || !Number.isFinite(s.lastActivity)
      || !Number.isFinite(s.lineReadAt)) {
      throw new RangeError('damaged typist state');
    }
    this.input = s.input.slice();
    this.at = s.at;
    this.lineEnd = s.lineEnd;
    this.lastActivity = s.lastActivity;
    this.lineReadAt = s.lineReadAt;
    this.prompt = s.prompt === true;
  }
}
