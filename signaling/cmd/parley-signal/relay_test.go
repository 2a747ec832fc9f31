package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/internal/syncbuf"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/client"
	"github.com/parleyhq/parley/signaling/protocol"
)

// startSignal runs the command with args until the test ends and returns
// the ws:// URL it printed.
func startSignal(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncbuf.Buffer{}
	errc := make(chan error, 1)
	go func() {
		errc <- run(ctx, append([]string{"--addr", "127.0.0.1:0", "--log-level", "error"}, args...), out, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, rest, ok := strings.Cut(out.String(), "open "); ok {
			return "ws" + strings.TrimPrefix(strings.TrimSpace(rest), "http")
		}
		if time.Now().After(deadline) {
			t.Fatalf("no URL printed: %q", out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func signedToken(t *testing.T, user, secret string) string {
	t.Helper()
	var out bytes.Buffer
	if err := tokenCmd([]string{"--user", user, "--secret", secret, "--ttl", "1h"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out.String())
}

// dialFor registers user with its signed token and returns the ICE servers
// the server issued.
func dialFor(t *testing.T, url, user, token string) (*client.Client, []webrtc.ICEServer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := client.Dial(ctx, client.Config{URL: url, Name: user, Token: token})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	go func() {
		for range c.Messages() {
		}
	}()
	testwait.Until(t, "ice-servers from the server", 10*time.Second, func() bool { return len(c.ICEServers()) > 0 })
	var servers []webrtc.ICEServer
	for _, s := range c.ICEServers() {
		servers = append(servers, webrtc.ICEServer{URLs: s.URLs, Username: s.Username, Credential: s.Credential})
	}
	return c, servers
}

// Two pion peers that may only use relayed candidates connect through the
// built-in TURN relay, with the credentials the signaling server handed
// each of them; a wrong token gets no credentials at all.
func TestRelayOnlyCallThroughBuiltInTURN(t *testing.T) {
	url := startSignal(t, "--auth", "signed", "--auth-secret", "sig",
		"--turn-listen", "127.0.0.1:0", "--turn-secret", "turn", "--public-ip", "127.0.0.1", "--turn-allow-private")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := client.Dial(ctx, client.Config{URL: url, Name: "eve", Token: signedToken(t, "eve", "wrong")})
	var pe *protocol.Error
	if !errors.As(err, &pe) || pe.Code != protocol.ErrUnauthorized {
		t.Fatalf("forged token: %v, want an unauthorized *protocol.Error", err)
	}

	_, aliceICE := dialFor(t, url, "alice", signedToken(t, "alice", "sig"))
	_, bobICE := dialFor(t, url, "bob", signedToken(t, "bob", "sig"))

	newPC := func(servers []webrtc.ICEServer) *webrtc.PeerConnection {
		pc, err := webrtc.NewPeerConnection(webrtc.Configuration{ICEServers: servers, ICETransportPolicy: webrtc.ICETransportPolicyRelay})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { pc.Close() })
		return pc
	}
	a, b := newPC(aliceICE), newPC(bobICE)
	opened := make(chan string, 1)
	b.OnDataChannel(func(dc *webrtc.DataChannel) {
		dc.OnMessage(func(m webrtc.DataChannelMessage) {
			select {
			case opened <- string(m.Data):
			default:
			}
		})
	})
	dc, err := a.CreateDataChannel("probe", nil)
	if err != nil {
		t.Fatal(err)
	}
	dc.OnOpen(func() { dc.SendText("through the relay") })

	// Full gathering instead of trickle: the test is about the relay, and
	// the descriptions then carry every (relayed) candidate.
	describe := func(pc *webrtc.PeerConnection, sd webrtc.SessionDescription) webrtc.SessionDescription {
		done := webrtc.GatheringCompletePromise(pc)
		if err := pc.SetLocalDescription(sd); err != nil {
			t.Fatal(err)
		}
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("gathering did not complete")
		}
		return *pc.LocalDescription()
	}
	offer, err := a.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	offer = describe(a, offer)
	if !strings.Contains(offer.SDP, "typ relay") || strings.Contains(offer.SDP, "typ host") {
		t.Fatalf("offer is not relay-only:\n%s", offer.SDP)
	}
	if err := b.SetRemoteDescription(offer); err != nil {
		t.Fatal(err)
	}
	answer, err := b.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	answer = describe(b, answer)
	if err := a.SetRemoteDescription(answer); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-opened:
		if got != "through the relay" {
			t.Fatalf("got %q", got)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no data through the relay: ICE %v / %v", a.ICEConnectionState(), b.ICEConnectionState())
	}
	pair, err := a.SCTP().Transport().ICETransport().GetSelectedCandidatePair()
	if err != nil || pair == nil || pair.Local.Typ != webrtc.ICECandidateTypeRelay {
		t.Fatalf("selected pair %v, %v: want a relayed local candidate", pair, err)
	}
}

func TestTokenCommand(t *testing.T) {
	if err := tokenCmd([]string{"--user", "alice"}, io.Discard, io.Discard); err == nil {
		t.Error("no --secret accepted")
	}
	if err := tokenCmd([]string{"--secret", "s"}, io.Discard, io.Discard); err == nil {
		t.Error("no --user accepted")
	}
	if tok := signedToken(t, "alice", "s"); !strings.HasPrefix(tok, "p1.") {
		t.Errorf("token %q", tok)
	}
}
