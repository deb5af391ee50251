// Prints a shipped guest kernel's assembly source (src/core/vmm/images), so a fixture's
// build.sh can rebuild its GNU-built prog.elf from the one copy learners get:
// `node bin/run-ts.mjs scripts/print-image.ts rr-kernel-pv > kernel.s`.
import { findGuestImage, GUEST_IMAGES } from '../src/core/vmm/images/index.ts';

const name = process.argv[2] ?? '';
const image = findGuestImage(name);
if (!image) {
  process.stderr.write(`usage: print-image NAME, one of: ${GUEST_IMAGES.map((i) => i.name).join(' ')}\n`);
  process.exit(2);
}
process.stdout.write(image.source);
