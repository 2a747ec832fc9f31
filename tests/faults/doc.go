// Package faults holds Parley's fault tests: real network namespaces, veth
// links, netem loss, killed processes and a restarted signaling server
// around two headless bin/parley peers. They need root and iproute2, so
// they build only with the "faults" tag (make test-faults, as root in CI);
// without root or `ip netns` they skip with a message.
package faults
