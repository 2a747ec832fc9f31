package turnserver

import (
	"testing"
	"time"
)

// BenchmarkIssue is the cost of the credentials each client gets on
// registering and on every refresh.
func BenchmarkIssue(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Issue("secret", "alice", time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}
