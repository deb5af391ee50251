// Saved states of earlier versions, kept to prove this build still reads them
// (tests/fixtures/states). A state is JSON, gzipped, with each byte array written as
// { "$bytes": base64 }.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const STATES = join(import.meta.dirname, '../fixtures/states');

export function readState(file: string): unknown {
  const text = gunzipSync(readFileSync(join(STATES, file))).toString('utf8');
  return JSON.parse(text, (_key, value: unknown) => {
    const bytes = (value as { $bytes?: unknown } | null)?.$bytes;
    return typeof bytes === 'string' ? new Uint8Array(Buffer.from(bytes, 'base64')) : value;
  });
}
