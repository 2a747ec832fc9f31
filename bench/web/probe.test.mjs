// @ts-check
// Tests of probe.mjs's Node-side helper (node --test bench/web/).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitLatencies } from './probe.mjs';

test('splitLatencies keeps frames from `from` on, splits out the held parts and the full-width frames', () => {
  // [presented ms, latency ms, held ms (-1: unknown), width]
  const records = [
    [900, 99, 50, 1280], // warm-up: left out
    [1000, 40, 30, 640],
    [1033, 42, -1, 960], // no receive time: latency counts, held does not
    [1066, 61, 45, 1280],
    [1100, 63, 47, 1920],
  ];
  assert.deepEqual(splitLatencies(records, 1000, 1280), {
    fps: 30, // 3 frame intervals in 100 ms
    latencies: [40, 42, 61, 63],
    held: [30, 45, 47],
    fullWidth: [61, 63],
  });
  assert.deepEqual(splitLatencies(records, 2000, 1280), { fps: 0, latencies: [], held: [], fullWidth: [] });
  assert.equal(splitLatencies(records, 1100, 1280).fps, 0, 'one frame has no rate');
});
