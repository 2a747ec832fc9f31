package cmem

import "testing"

// A C allocation shows in InUse, and its release takes it out again.
func TestInUseFollowsAllocations(t *testing.T) {
	before, err := InUse()
	if err != nil {
		t.Fatal(err)
	}
	const n = 8 << 20
	p := alloc(n)
	during, err := InUse()
	if err != nil {
		t.Fatal(err)
	}
	release(p)
	after, err := InUse()
	if err != nil {
		t.Fatal(err)
	}
	if during-before < n || during-before > n+(1<<20) {
		t.Fatalf("an 8 MiB allocation moved InUse by %d bytes", during-before)
	}
	if d := after - before; d > 1<<20 || d < -(1<<20) {
		t.Fatalf("after the release InUse is %d bytes off", d)
	}
}
