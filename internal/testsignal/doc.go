// Package testsignal gives tests of the signaling client and of what is
// built on it a real signaling server on loopback, and a TCP proxy in front
// of it whose links a test can break the ways networks break. Tests use
// real sockets rather than fakes, and several packages need the same
// server and the same broken links; one copy keeps them alike.
package testsignal
