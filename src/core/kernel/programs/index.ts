// The RV32 Linux programs every image ships in /bin, as assembly sources built once per
// kernel with Trapdoor's own assembler (Linux user text base 0x10000).
import { CAT } from './cat.ts';
import { COUNTER } from './counter.ts';
import { FORKBOMB } from './forkbomb.ts';
import { HELLO } from './hello.ts';
import { HOG } from './hog.ts';
import { LIB } from './lib.ts';
import { SLEEP } from './sleep.ts';
import { SPIN } from './spin.ts';

export const PROGRAM_SOURCES: Record<string, string> = {
  hello: HELLO + LIB,
  sleep: SLEEP + LIB,
  spin: SPIN + LIB,
  hog: HOG + LIB,
  forkbomb: FORKBOMB + LIB,
  counter: COUNTER + LIB,
  cat: CAT + LIB,
};
