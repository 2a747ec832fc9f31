package turnserver

// Realm is the TURN realm.
func (s *Server) Realm() string { return s.cfg.Realm }
