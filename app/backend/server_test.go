package backend

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/settings"
	"github.com/parleyhq/parley/internal/testwait"
	"github.com/parleyhq/parley/signaling/invite"
)

// One desktop joins another's built-in server by the invite link its
// Settings show: the link's certificate is pinned and remembered, and the
// two see each other. A link with one digit of the fingerprint changed is
// refused, naming the identity mismatch; a link that is no link, too.
func TestJoinLink(t *testing.T) {
	host, _ := newApp(t, t.TempDir(), Options{})
	if _, err := host.Login("host"); err != nil {
		t.Fatal(err)
	}
	info := host.ServerInfo()
	if len(info.Links) == 0 || !strings.Contains(info.Links[0], "/?fp=") {
		t.Fatalf("the host's invite links: %+v", info)
	}
	link := info.Links[0]

	dir := t.TempDir()
	guest, rec := newApp(t, dir, Options{})
	if _, err := guest.Login("guest"); err != nil {
		t.Fatal(err)
	}
	if err := guest.JoinLink("https://example.org/"); err == nil || !strings.Contains(err.Error(), "not a Parley invite link") {
		t.Fatalf("JoinLink of a plain address: %v", err)
	}

	l, err := invite.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	wrong := l
	if wrong.Fingerprint[0] == '0' {
		wrong.Fingerprint = "1" + wrong.Fingerprint[1:]
	} else {
		wrong.Fingerprint = "0" + wrong.Fingerprint[1:]
	}
	if err := guest.JoinLink(wrong.String()); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "the identity mismatch reported", 20*time.Second, func() bool {
		_, ok := rec.find("error", func(p any) bool {
			var e *engine.Error
			return errors.As(p.(error), &e) && strings.Contains(e.Text, "identity changed") && strings.Contains(e.Text, l.Fingerprint)
		})
		return ok
	})
	if slices.Contains(host.Snapshot().Users, "guest") {
		t.Fatal("the guest signed in to a server whose certificate did not match")
	}

	if err := guest.JoinLink(link); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, "host and guest see each other", 20*time.Second, func() bool {
		return slices.Contains(host.Snapshot().Users, "guest") && slices.Contains(guest.Snapshot().Users, "host")
	})
	if got := guest.GetSettings().SignalingURL; got != l.WebSocketURL() {
		t.Fatalf("the joined server was not kept in the settings: %q", got)
	}
	pins, err := settings.OpenPins(filepath.Join(dir, "pins.json"))
	if err != nil {
		t.Fatal(err)
	}
	if pin, ok := pins.Get(settings.LinkKey(l.Host)); !ok || pin.Fingerprint != l.Fingerprint {
		t.Fatalf("the link's certificate was not remembered: %+v", pin)
	}
	if _, err := os.Stat(filepath.Join(dir, "settings.json")); err != nil {
		t.Fatal(err)
	}
}

// The microphone-processing switches are saved and reach the processor
// at once, without a reconnect.
func TestVoiceSwitchesApplyAtOnce(t *testing.T) {
	a, _ := newApp(t, t.TempDir(), Options{})
	if a.devices.voice == nil {
		t.Fatal("no microphone processing")
	}
	if got := a.devices.voice.Config(); !got.EchoCancellation || !got.NoiseSuppression || !got.AutoGain {
		t.Fatalf("defaults: %+v, want all on", got)
	}
	s := a.GetSettings()
	s.EchoCancellation, s.AutoGainControl = false, false
	if fe, err := a.SaveSettings(s); fe != nil || err != nil {
		t.Fatalf("save: %v %v", fe, err)
	}
	if got := a.devices.voice.Config(); got.EchoCancellation || !got.NoiseSuppression || got.AutoGain {
		t.Fatalf("after saving: %+v", got)
	}
	if got := a.GetSettings(); got.EchoCancellation || got.AutoGainControl || !got.NoiseSuppression {
		t.Fatalf("not kept: %+v", got)
	}
}
