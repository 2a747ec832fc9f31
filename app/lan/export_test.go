package lan

import "time"

// Withdraw stops advertising and sends a goodbye (the records with TTL 0),
// so that other desktops drop this one at once rather than when its TTL
// runs out.
func (d *Discovery) Withdraw() {
	d.do(func(l *loop, now time.Time) { l.withdraw(now) })
}
