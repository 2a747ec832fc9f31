package fanout

import (
	"slices"
	"sync"
	"testing"
)

func TestAddEachRemove(t *testing.T) {
	var l List[int]
	var got []int
	collect := func(v int) { got = append(got, v) }
	r1 := l.Add(1)
	r2 := l.Add(2)
	l.Add(3)
	l.Each(collect)
	if !slices.Equal(got, []int{1, 2, 3}) || l.Len() != 3 {
		t.Fatalf("got %v, len %d", got, l.Len())
	}
	r2()
	r2() // a second call does nothing
	r1()
	got = nil
	l.Each(collect)
	if !slices.Equal(got, []int{3}) || l.Len() != 1 {
		t.Fatalf("after removes: %v, len %d", got, l.Len())
	}
}

// A subscriber removes itself from inside Each (a preview sink stopping
// its own preview), and the snapshot being walked is not disturbed.
func TestRemoveFromInsideEach(t *testing.T) {
	var l List[func()]
	calls := 0
	var remove func()
	remove = l.Add(func() { calls++; remove() })
	l.Add(func() { calls++ })
	l.Each(func(f func()) { f() })
	if calls != 2 || l.Len() != 1 {
		t.Fatalf("calls %d, len %d", calls, l.Len())
	}
}

func TestConcurrent(t *testing.T) {
	var l List[int]
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 200 {
				remove := l.Add(i*1000 + j)
				l.Each(func(int) {})
				remove()
			}
		}()
	}
	wg.Wait()
	if l.Len() != 0 {
		t.Fatalf("len %d after every remove", l.Len())
	}
}
