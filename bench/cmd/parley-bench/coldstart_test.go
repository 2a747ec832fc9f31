package main

import "testing"

func TestParseColdLine(t *testing.T) {
	for _, c := range []struct {
		line    string
		app     string
		ms      float64
		wantErr bool
	}{
		{`{"event":"run","app":"desktop","ms":856}`, "desktop", 856, false},
		{`{"event":"run","app":"chromium-headless","ms":441.5}`, "chromium-headless", 441.5, false},
		{`{"event":"done"}`, "", 0, false},
		{`ALSA lib confmisc.c:165: not JSON`, "", 0, false},
		{`{"event":"run","app":"desktop","ms":0}`, "", 0, true},
		{`{"event":"run","ms":12}`, "", 0, true},
		{`{"event":"error","text":"Chromium showed no camera frame"}`, "", 0, true},
	} {
		app, ms, err := parseColdLine([]byte(c.line))
		if app != c.app || ms != c.ms || (err != nil) != c.wantErr {
			t.Errorf("parseColdLine(%s) = %q, %v, %v", c.line, app, ms, err)
		}
	}
}
