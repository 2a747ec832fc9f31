// @ts-check
// Command-line access to stamp.mjs for the Go cross-check
// (bench/internal/webstamp): the Go test writes luma planes with
// app/media/stamp and has this script read them, and the reverse.
//
//   node stamp-cli.mjs encode WIDTH HEIGHT CAMERA SEQ MS OUT   grey plane with a code
//   node stamp-cli.mjs decode WIDTH HEIGHT IN                  prints the code as JSON, or null
import { readFileSync, writeFileSync } from 'node:fs';
import { decode, encode } from './stamp.mjs';

const [cmd, ...args] = process.argv.slice(2);
const num = (/** @type {string | undefined} */ s) => {
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${s}`);
  return n;
};
if (cmd === 'encode' && args.length === 6) {
  const [w, h, camera, seq, ms] = args.slice(0, 5).map(num);
  const y = new Uint8Array(w * h).fill(128);
  encode(y, w, h, w, { camera, seq, capturedMS: ms });
  writeFileSync(args[5], y);
} else if (cmd === 'decode' && args.length === 3) {
  const [w, h] = args.slice(0, 2).map(num);
  const y = new Uint8Array(readFileSync(args[2]));
  process.stdout.write(JSON.stringify(decode(y, w, h, w)) + '\n');
} else {
  process.stderr.write('usage: stamp-cli.mjs encode W H CAMERA SEQ MS OUT | decode W H IN\n');
  process.exit(2);
}
