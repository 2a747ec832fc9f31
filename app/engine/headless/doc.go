// Package headless is the peer that runs without a window (parley
// --headless): it connects, places or answers one call, prints the engine's
// events one per line, and at the end writes what it measured as JSON. Tests
// run it against browsers and against itself; people use it to check a
// server or a network without a desktop.
package headless
