package stats

import (
	"math"
	"testing"
)

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []float64
		want Summary
	}{
		{"empty", nil, Summary{}},
		{"one", []float64{4}, Summary{N: 1, Median: 4, P95: 4, Min: 4, Max: 4}},
		{"even count averages the middle", []float64{4, 1, 3, 2}, Summary{N: 4, Median: 2.5, P95: 3.85, Min: 1, Max: 4}},
		{"NaN dropped", []float64{math.NaN(), 10, 20, 30}, Summary{N: 3, Median: 20, P95: 29, Min: 10, Max: 30}},
		{"1..21", seq(1, 21), Summary{N: 21, Median: 11, P95: 20, Min: 1, Max: 21}},
	} {
		got := Summarize(tc.in)
		if !near(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestSummarizeLeavesInputAlone(t *testing.T) {
	in := []float64{3, 1, 2}
	Summarize(in)
	if in[0] != 3 || in[1] != 1 || in[2] != 2 {
		t.Fatalf("input reordered: %v", in)
	}
}

func TestQuantileEdges(t *testing.T) {
	s := []float64{1, 2, 3}
	if got := Quantile(s, -1); got != 1 {
		t.Errorf("q<0: %v", got)
	}
	if got := Quantile(s, 2); got != 3 {
		t.Errorf("q>1: %v", got)
	}
	if !math.IsNaN(Quantile(nil, 0.5)) {
		t.Error("no samples should give NaN")
	}
}

func TestRatio(t *testing.T) {
	if got := Ratio(3, 2); got != 1.5 {
		t.Errorf("3/2 = %v", got)
	}
	if !math.IsNaN(Ratio(1, 0)) || !math.IsNaN(Ratio(math.NaN(), 1)) {
		t.Error("missing figures should give NaN")
	}
}

func seq(a, b int) []float64 {
	var s []float64
	for i := a; i <= b; i++ {
		s = append(s, float64(i))
	}
	return s
}

func near(a, b Summary) bool {
	const eps = 1e-9
	return a.N == b.N && math.Abs(a.Median-b.Median) < eps && math.Abs(a.P95-b.P95) < eps &&
		math.Abs(a.Min-b.Min) < eps && math.Abs(a.Max-b.Max) < eps
}
