package turnserver

import (
	"time"

	"github.com/pion/turn/v5"
)

// Credentials is one time-limited TURN login.
type Credentials struct {
	Username string // "expiry:user", expiry in Unix seconds
	Password string
	Expires  time.Time
}

// Issue returns credentials for user valid for ttl, signed with secret.
// The user part is informational (it shows in logs and counts toward the
// per-user quota); anyone holding the secret can issue credentials.
func Issue(secret, user string, ttl time.Duration) (Credentials, error) {
	name, pass, err := turn.GenerateLongTermTURNRESTCredentials(secret, user, ttl)
	if err != nil {
		return Credentials{}, err
	}
	return Credentials{Username: name, Password: pass, Expires: time.Now().Add(ttl)}, nil
}
