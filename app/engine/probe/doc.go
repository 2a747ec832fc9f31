// Package probe measures what a call delivers, from the outside: it watches
// the engine's frames (decoding the block code app/media's test cameras
// stamp into every picture) and the decoded audio (finding the test tone's
// frequency). The headless peer reports its figures and the tests and
// benchmarks assert on them, so "media flowed" is checked on decoded
// pictures and sound, never on packet counters alone.
package probe
