// @ts-check
// Unit tests of the JavaScript block code. Run: node --test bench/web/
// The cross-check against the Go implementation is the Go test in
// bench/internal/webstamp.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandHeight, codeBytes, crc16, decode, encode, lumaFromRGBA, WHITE, BLACK } from './stamp.mjs';

test('the documented example draws the documented bytes', () => {
  // From app/media/stamp's package comment.
  const hex = Buffer.from(codeBytes({ camera: 1, seq: 2, capturedMS: 3 })).toString('hex');
  assert.equal(hex, 'b2010000000200000000000' + '35cc64d');
  assert.equal(crc16(new Uint8Array([1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3])), 0x5cc6);
});

test('encode then decode returns the code, at several sizes and strides', () => {
  const code = { camera: 7, seq: 0xfedcba98, capturedMS: Date.UTC(2026, 10, 21, 4, 0, 0, 123) };
  for (const [w, h, stride] of [
    [160, 12, 160],
    [640, 480, 640],
    [1280, 720, 1344],
    [1921, 1080, 1921],
  ]) {
    const y = new Uint8Array(stride * h).fill(100);
    encode(y, w, h, stride, code);
    assert.deepEqual(decode(y, w, h, stride), code, `${w}x${h}/${stride}`);
  }
});

test('decode rejects damaged codes and unusable geometry', () => {
  const w = 640;
  const h = 480;
  const y = new Uint8Array(w * h).fill(128);
  encode(y, w, h, w, { camera: 1, seq: 2, capturedMS: 3 });
  const flipped = y.slice();
  // Invert cell 20 (a sequence bit): the CRC no longer matches.
  for (let yy = 0; yy < 16; yy++) for (let xx = 20 * 16; xx < 21 * 16; xx++) flipped[yy * w + xx] = flipped[yy * w + xx] === WHITE ? BLACK : WHITE;
  assert.equal(decode(flipped, w, h, w), null);
  assert.equal(decode(new Uint8Array(w * h).fill(128), w, h, w), null, 'flat grey has no contrast');
  assert.equal(decode(y, 100, 10, 100), null, 'too narrow');
  assert.equal(decode(y.subarray(0, 100), w, h, w), null, 'plane too short');
  assert.throws(() => encode(new Uint8Array(10), w, h, w, { camera: 0, seq: 0, capturedMS: 0 }), RangeError);
});

test('a canvas readback of white and black cells decodes through lumaFromRGBA', () => {
  const w = 320;
  const h = bandHeight(w);
  const y = new Uint8Array(w * h);
  const code = { camera: 200, seq: 12345, capturedMS: 1763700000000 };
  encode(y, w, h, w, code);
  // Cell 0 is white and cell 1 black (start marker 1011 0010).
  // What a canvas shows: full-range RGB white/black with a little noise.
  const rgba = new Uint8ClampedArray(w * h * 4);
  for (let i = 0; i < y.length; i++) {
    const v = (y[i] === WHITE ? 255 : 0) + ((i * 7919) % 9) - 4;
    rgba.set([v, v, v, 255], i * 4);
  }
  const luma = lumaFromRGBA(rgba);
  assert.ok(Math.abs(luma[0] - WHITE) <= 5 && Math.abs(luma[8] - BLACK) <= 5);
  assert.deepEqual(decode(luma, w, h, w), code);
});
