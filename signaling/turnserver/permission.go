package turnserver

import "net"

// metadataIP is the link-local address where cloud providers serve instance
// metadata (and credentials). It is link-local already; it is named here
// because it is the address an attacker relaying through TURN wants most.
var metadataIP = net.IPv4(169, 254, 169, 254)

// publicPeer reports whether a relay may send to ip. Loopback, private,
// link-local (including cloud metadata), unspecified and multicast
// addresses are refused: otherwise anyone with credentials could use the
// relay to reach services on the server's own network (coturn
// CVE-2020-26262).
func publicPeer(ip net.IP) bool {
	switch {
	case ip == nil,
		ip.Equal(metadataIP),
		ip.IsLoopback(),
		ip.IsPrivate(),
		ip.IsLinkLocalUnicast(),
		ip.IsLinkLocalMulticast(),
		ip.IsInterfaceLocalMulticast(),
		ip.IsMulticast(),
		ip.IsUnspecified():
		return false
	}
	// 100.64.0.0/10 (carrier-grade NAT) and 0.0.0.0/8 are not public either.
	if v4 := ip.To4(); v4 != nil && (v4[0] == 0 || (v4[0] == 100 && v4[1]&0xc0 == 64)) {
		return false
	}
	return true
}
