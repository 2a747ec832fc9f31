package testmedia

import (
	"context"
	"sync"
)

// opening is the Open/Close half of driver.Adapter that both test devices
// share: Open starts a context, Close ends it, and the readers a recorder
// hands out stop (io.EOF) when it ends.
type opening struct {
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
}

// Open implements driver.Adapter.
func (o *opening) Open() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ctx, o.cancel = context.WithCancel(context.Background())
	return nil
}

// Close implements driver.Adapter; readers return io.EOF afterwards.
func (o *opening) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.cancel != nil {
		o.cancel()
	}
	return nil
}

// opened returns the context of the current opening, or errNotOpen before
// the first Open.
func (o *opening) opened() (context.Context, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ctx == nil {
		return nil, errNotOpen
	}
	return o.ctx, nil
}
