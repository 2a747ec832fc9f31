package receive

import (
	"testing"

	"github.com/pion/rtp"
)

func seqs(r *reorder, in ...uint16) (out []int) {
	for _, s := range in {
		r.push(&rtp.Packet{Header: rtp.Header{SequenceNumber: s}})
		for {
			p, lost := r.pop()
			if p == nil && !lost {
				break
			}
			if lost {
				out = append(out, -1)
				continue
			}
			out = append(out, int(p.SequenceNumber))
		}
	}
	return out
}

func TestReorder(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []uint16
		want []int
	}{
		{"in order", []uint16{5, 6, 7}, []int{5, 6, 7}},
		{"swap", []uint16{1, 3, 2, 4}, []int{1, 2, 3, 4}},
		{"wrap", []uint16{65534, 0, 65535, 1}, []int{65534, 65535, 0, 1}},
		{"loss given up after depth", []uint16{1, 3, 4, 5, 6}, []int{1, -1, 3, 4, 5, 6}},
		{"late after give-up dropped", []uint16{1, 3, 4, 5, 6, 2, 7}, []int{1, -1, 3, 4, 5, 6, 7}},
		{"duplicate dropped", []uint16{1, 1, 2}, []int{1, 2}},
		{"jump restarts", []uint16{1, 2, 1000, 1001}, []int{1, 2, 1000, 1001}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := seqs(&reorder{depth: 3}, tc.in...)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}
