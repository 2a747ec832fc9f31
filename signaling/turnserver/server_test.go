package turnserver

import (
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/turn/v5"
)

func startRelay(t *testing.T, cfg Config) *Server {
	t.Helper()
	cfg.Listen = "127.0.0.1:0"
	cfg.PublicIP = net.IPv4(127, 0, 0, 1)
	cfg.RelayBind = "127.0.0.1"
	if cfg.Secret == "" {
		cfg.Secret = "test-secret"
	}
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// turnClient logs in to s over UDP with username and password.
func turnClient(t *testing.T, s *Server, username, password string) *turn.Client {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port()))
	c, err := turn.NewClient(&turn.ClientConfig{
		STUNServerAddr: addr, TURNServerAddr: addr,
		Username: username, Password: password, Realm: s.Realm(),
		Conn: conn, RTO: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestIssuedCredentialsAllocate(t *testing.T) {
	s := startRelay(t, Config{AllowPrivate: true})
	servers, expires, err := s.ICEServers("alice")
	if err != nil {
		t.Fatal(err)
	}
	if time.Until(expires) < DefaultCredentialTTL-time.Minute {
		t.Errorf("expires %v, want about %v from now", expires, DefaultCredentialTTL)
	}
	if len(servers) != 1 || len(servers[0].URLs) != 2 || !strings.HasSuffix(servers[0].Username, ":alice") {
		t.Fatalf("ice servers %+v", servers)
	}
	c := turnClient(t, s, servers[0].Username, servers[0].Credential)
	relay, err := c.Allocate()
	if err != nil {
		t.Fatalf("allocate with issued credentials: %v", err)
	}
	defer relay.Close()

	// The relay forwards to a loopback peer because AllowPrivate is set.
	peer, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	if _, err := relay.WriteTo([]byte("ping"), peer.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	peer.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 16)
	n, from, err := peer.ReadFrom(buf)
	if err != nil || string(buf[:n]) != "ping" {
		t.Fatalf("peer got %q, %v", buf[:n], err)
	}
	if from.String() != relay.LocalAddr().String() {
		t.Errorf("came from %v, want the relayed address %v", from, relay.LocalAddr())
	}
}

func TestForgedAndExpiredCredentialsRefused(t *testing.T) {
	s := startRelay(t, Config{AllowPrivate: true})
	good, err := Issue("test-secret", "mallory", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	forged, err := Issue("wrong-secret", "mallory", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	expired, err := Issue("test-secret", "mallory", -time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][2]string{
		"forged password": {good.Username, forged.Password},
		"other secret":    {forged.Username, forged.Password},
		"expired":         {expired.Username, expired.Password},
		"extended expiry": {strings.Replace(good.Username, good.Username[:1], "9", 1), good.Password},
		"not a REST name": {"mallory", good.Password},
	}
	for name, cred := range cases {
		t.Run(name, func(t *testing.T) {
			c := turnClient(t, s, cred[0], cred[1])
			if relay, err := c.Allocate(); err == nil {
				relay.Close()
				t.Fatal("allocation succeeded")
			}
		})
	}
}

func TestPrivatePeersDeniedByDefault(t *testing.T) {
	s := startRelay(t, Config{})
	servers, _, err := s.ICEServers("bob")
	if err != nil {
		t.Fatal(err)
	}
	c := turnClient(t, s, servers[0].Username, servers[0].Credential)
	relay, err := c.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	defer relay.Close()
	for _, ip := range []string{"127.0.0.1", "10.1.2.3", "192.168.1.1", "172.16.0.1", "169.254.169.254", "100.64.0.1", "::1", "fe80::1"} {
		if err := c.CreatePermission(&net.UDPAddr{IP: net.ParseIP(ip), Port: 80}); err == nil {
			t.Errorf("permission for %s granted", ip)
		}
	}
	if err := c.CreatePermission(&net.UDPAddr{IP: net.ParseIP("8.8.8.8"), Port: 53}); err != nil {
		t.Errorf("permission for a public address refused: %v", err)
	}
}

func TestAllocationQuotaPerUser(t *testing.T) {
	const max = 2
	s := startRelay(t, Config{AllowPrivate: true, MaxAllocationsPerUser: max})
	servers, _, err := s.ICEServers("carol")
	if err != nil {
		t.Fatal(err)
	}
	var relays []net.PacketConn
	defer func() {
		for _, r := range relays {
			r.Close()
		}
	}()
	for i := 0; i < max; i++ {
		c := turnClient(t, s, servers[0].Username, servers[0].Credential)
		r, err := c.Allocate()
		if err != nil {
			t.Fatalf("allocation %d: %v", i+1, err)
		}
		relays = append(relays, r)
	}
	c := turnClient(t, s, servers[0].Username, servers[0].Credential)
	if r, err := c.Allocate(); err == nil {
		r.Close()
		t.Fatalf("allocation %d over the quota of %d succeeded", max+1, max)
	}
	// Another user is not affected.
	other, _, _ := s.ICEServers("dave")
	c = turnClient(t, s, other[0].Username, other[0].Credential)
	r, err := c.Allocate()
	if err != nil {
		t.Fatalf("another user's allocation: %v", err)
	}
	r.Close()
}

func TestPublicPeer(t *testing.T) {
	for ip, want := range map[string]bool{
		"8.8.8.8": true, "2001:4860:4860::8888": true,
		"127.0.0.1": false, "10.0.0.1": false, "192.168.0.1": false, "172.31.255.255": false,
		"169.254.169.254": false, "0.0.0.0": false, "224.0.0.1": false, "100.127.0.1": false,
		"::1": false, "fc00::1": false, "fe80::1": false, "::": false,
	} {
		if got := publicPeer(net.ParseIP(ip)); got != want {
			t.Errorf("publicPeer(%s) = %v, want %v", ip, got, want)
		}
	}
}
