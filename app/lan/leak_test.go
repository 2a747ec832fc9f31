package lan

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/testwait"
)

// TestNoGoroutineLeftBehind checks that Close, and the end of Start's
// context, leave no goroutine running. It is not parallel: it counts every
// goroutine in the process, and parallel tests wait while it runs.
func TestNoGoroutineLeftBehind(t *testing.T) {
	before := runtime.NumGoroutine()
	n := newSimLAN()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ds []*Discovery
	for i, addr := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3"} {
		c := context.Background()
		if i == 2 {
			c = ctx // this one is stopped through its context
		}
		d, err := start(c, Config{}, n.system(addr))
		if err != nil {
			t.Fatal(err)
		}
		d.Advertise(simService(fmt.Sprintf("parley-%d", i)))
		ds = append(ds, d)
	}
	waitFor(t, ds[0], time.Second, "all found", func(ss []Service) bool { return len(ss) == 2 })
	ds[0].Reconfirm("parley-1") // a timer under way when Close comes
	cancel()
	for _, d := range ds {
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// Close waits for everything it started; the runtime may take a moment
	// to retire goroutines that have returned.
	testwait.Goroutines(t, before, 2*time.Second)
}
