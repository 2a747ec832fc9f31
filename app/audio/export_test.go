package audio

// queued returns how many frames wait to be played.
func (p *playout) queued() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}
