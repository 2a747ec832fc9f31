// Package testsignal gives tests of the signaling client and of what is
// built on it a real signaling server on loopback, started and stopped the
// way the parley-signal command does it. Tests use real sockets rather
// than fakes, and several packages need the same server; one copy keeps
// them alike. (internal/testproxy breaks the links to it.)
package testsignal
