package testsignal_test

import (
	"net"
	"runtime"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/testsignal"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/server"
)

// Stop ends the server and frees its port, so that StartOn can serve on
// the same address again; a second Stop does nothing.
func TestServerStopsAndRestartsOnItsAddress(t *testing.T) {
	base := runtime.NumGoroutine()
	t.Run("server", func(t *testing.T) {
		s := testsignal.Start(t, server.Config{})
		if s.URL() != "ws://"+s.Addr+"/" {
			t.Fatalf("URL = %q", s.URL())
		}
		c, err := net.Dial("tcp", s.Addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = c.Close()
		s.Stop()
		s.Stop()
		if c, err := net.Dial("tcp", s.Addr); err == nil {
			_ = c.Close()
			t.Fatal("still listening after Stop")
		}
		again := testsignal.StartOn(t, s.Addr, server.Config{})
		if again.Addr != s.Addr {
			t.Fatalf("restarted on %s, want %s", again.Addr, s.Addr)
		}
	})
	testwait.Goroutines(t, base, 10*time.Second)
}
