package auth

import (
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkAuthorizeSigned is the cost a signed-mode server adds to each
// WebSocket upgrade.
func BenchmarkAuthorizeSigned(b *testing.B) {
	a, _ := New(ModeSigned, "key")
	tok, _ := Sign("key", "alice", time.Hour, time.Now())
	r := httptest.NewRequest("GET", "/?token="+tok, nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Authorize(r); err != nil {
			b.Fatal(err)
		}
	}
}
