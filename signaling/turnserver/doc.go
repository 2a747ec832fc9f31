// Package turnserver runs Parley's built-in TURN relay (pion/turn) inside
// the signaling process, so a deployment that needs a relay for peers
// behind symmetric NATs or UDP-blocking firewalls needs no separate coturn.
//
// Credentials follow coturn's use-auth-secret (TURN REST) scheme: the
// username is "expiry:user" and the password base64(HMAC-SHA1(secret,
// username)). The signaling server hands them to each registered client
// and refreshes them before they expire; the relay checks them without
// any shared state besides the secret.
package turnserver
