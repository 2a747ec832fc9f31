// Package webstamp holds the cross-check between the JavaScript block code
// the benchmark's Chromium pages use (bench/web/stamp.mjs) and Parley's own
// (app/media/stamp). Latencies measured on the two stacks are only
// comparable if both write and read exactly the same cells, so the test
// has each implementation read what the other wrote.
package webstamp
