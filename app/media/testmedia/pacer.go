package testmedia

import (
	"context"
	"time"
)

// pacer releases a test device's reads in real time, one per period, as a
// real camera or microphone delivers them, until ctx ends. A reader that
// stalls for longer than slack is not paid back with a burst: the pace
// starts again from the moment it came back.
type pacer struct {
	ctx    context.Context
	period time.Duration
	slack  time.Duration
	next   time.Time
	timer  *time.Timer
}

func newPacer(ctx context.Context, period, slack time.Duration) *pacer {
	return &pacer{ctx: ctx, period: period, slack: slack, next: time.Now(), timer: time.NewTimer(0)}
}

// wait blocks until the next period starts and returns the time it was
// released at, or false once ctx has ended.
func (p *pacer) wait() (time.Time, bool) {
	if p.ctx.Err() != nil { // checked first: when behind, the timer is ready too
		return time.Time{}, false
	}
	p.timer.Reset(time.Until(p.next))
	select {
	case <-p.ctx.Done():
		p.timer.Stop()
		return time.Time{}, false
	case <-p.timer.C:
	}
	now := time.Now()
	p.next = p.next.Add(p.period)
	if p.next.Before(now.Add(-p.slack)) {
		p.next = now.Add(p.period - p.slack)
	}
	return now, true
}
