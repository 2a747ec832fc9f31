// Package lan advertises this desktop's built-in signaling server on the
// local network and finds the others' (DNS-SD over mDNS, _parley._tcp).
//
// Two Parley desktops on one LAN should find each other without anyone
// typing an address. Each desktop that runs its built-in server advertises
// it as a DNS-SD service (RFC 6763) over multicast DNS (RFC 6762):
//
//	_parley._tcp.local.                 PTR  <instance>._parley._tcp.local.
//	<instance>._parley._tcp.local.      SRV  0 0 <port> <host>.local.
//	<instance>._parley._tcp.local.      TXT  v=1 name=… fp=… since=… token=0|1
//	<host>.local.                       A, AAAA (the sending interface's addresses)
//
// where <host> is derived from the instance name, so that the records never
// clash with the machine's own host name, which avahi or Bonjour may own.
// Every record has a TTL of 120 s; a goodbye is the same set with TTL 0.
//
// This is the part of mDNS that Parley needs, and no more:
//
//   - Answers are always multicast, so one answer teaches every browser on
//     the link; questions asking for a unicast reply get a multicast one,
//     and queries from ports other than 5353 (one-shot resolvers) are not
//     answered at all.
//   - There is no probing for name conflicts (RFC 6762 §8): the caller
//     makes instance names unique per installation.
//   - Queries carry no known answers (RFC 6762 §7.1), so every responder
//     answers every query. A handful of desktops on a LAN makes that a few
//     packets a minute, and it keeps a Reconfirm from being suppressed.
//   - One answer per interface goes out at most every 250 ms (RFC 6762 §6
//     asks for one second except when defending a probe). Later queries are
//     answered by that one packet, so a flood of queries becomes at most
//     four packets a second, while an answer to a Reconfirm still arrives
//     well within its one-second window.
//
// Nothing a LAN sends can make the package log above debug level, grow its
// memory without bound or panic: packets over 9000 bytes are dropped, at
// most 256 services and 8 addresses per service are tracked, and a
// malformed packet is dropped whole.
package lan
