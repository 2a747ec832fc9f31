package procstat

import (
	"context"
	"slices"
	"time"
)

// Usage is what one process used over a sampled window.
type Usage struct {
	PID  int    `json:"pid"`
	Role string `json:"role"`
	// CPU is in cores: 1.0 is one core busy for the whole window.
	CPU float64 `json:"cpu"`
	// MaxRSSMiB is the largest resident set seen while sampling.
	MaxRSSMiB float64 `json:"maxRssMiB"`
}

type track struct {
	first, last     uint64
	firstAt, lastAt time.Time
	role            string
	maxRSS          int64
}

// Sample reads the process trees under roots every interval until ctx is
// done and returns each process's CPU share and peak RSS over the time it
// was seen. Processes seen only once report no CPU.
func Sample(ctx context.Context, procRoot string, roots []int, interval time.Duration) []Usage {
	seen := make(map[int]*track)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		now := time.Now()
		for _, r := range roots {
			ps, err := Tree(procRoot, r)
			if err != nil {
				continue
			}
			for _, p := range ps {
				t := seen[p.PID]
				if t == nil {
					t = &track{first: p.CPUTicks(), firstAt: now, role: Role(p)}
					seen[p.PID] = t
				}
				t.last, t.lastAt = p.CPUTicks(), now
				t.maxRSS = max(t.maxRSS, p.RSSKiB)
			}
		}
		select {
		case <-ctx.Done():
			return usages(seen)
		case <-tick.C:
		}
	}
}

func usages(seen map[int]*track) []Usage {
	out := make([]Usage, 0, len(seen))
	for pid, t := range seen {
		u := Usage{PID: pid, Role: t.role, MaxRSSMiB: float64(t.maxRSS) / 1024}
		if wall := t.lastAt.Sub(t.firstAt).Seconds(); wall > 0 {
			u.CPU = float64(t.last-t.first) / TicksPerSecond / wall
		}
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b Usage) int { return a.PID - b.PID })
	return out
}

// ByRole sums usage per role (CPU and RSS added up).
func ByRole(us []Usage) map[string]Usage {
	m := make(map[string]Usage)
	for _, u := range us {
		s := m[u.Role]
		s.Role = u.Role
		s.CPU += u.CPU
		s.MaxRSSMiB += u.MaxRSSMiB
		m[u.Role] = s
	}
	return m
}

// Total sums CPU and RSS over all of us.
func Total(us []Usage) Usage {
	var t Usage
	for _, u := range us {
		t.CPU += u.CPU
		t.MaxRSSMiB += u.MaxRSSMiB
	}
	return t
}
