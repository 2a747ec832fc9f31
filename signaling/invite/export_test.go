package invite

// AppLink is the parley:// form, which opens the desktop app directly.
func (l Link) AppLink() string { return l.url(Scheme) }
