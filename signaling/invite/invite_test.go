package invite

import (
	"errors"
	"strings"
	"testing"
)

const fp = "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9"

func TestRoundTrip(t *testing.T) {
	for _, host := range []string{"192.168.1.5:6503", "[fd00::5]:6503", "parley.lan:17031"} {
		l := Link{Host: host, Fingerprint: fp}
		for _, s := range []string{l.String(), l.AppLink(), strings.Replace(l.String(), "https", "wss", 1)} {
			got, err := Parse(s)
			if err != nil || got != l {
				t.Errorf("Parse(%q) = %+v, %v; want %+v", s, got, err, l)
			}
		}
	}
	l := Link{Host: "192.168.1.5:6503", Fingerprint: fp}
	if want := "https://192.168.1.5:6503/?fp=0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"; l.String() != want {
		t.Errorf("String() = %q, want %q", l.String(), want)
	}
	if l.WebSocketURL() != "wss://192.168.1.5:6503/" {
		t.Errorf("WebSocketURL() = %q", l.WebSocketURL())
	}
	// The form browsers show, pasted by hand, and extra parameters.
	got, err := Parse("  parley://192.168.1.5:6503?fp=" + fp + "&token=x  ")
	if err != nil || got != l {
		t.Errorf("colon form: %+v, %v", got, err)
	}
}

func TestRefused(t *testing.T) {
	good := Link{Host: "10.0.0.1:6503", Fingerprint: fp}.String()
	for _, bad := range []string{
		"",
		"10.0.0.1:6503",
		"http://10.0.0.1:6503/?fp=" + fp,
		"ws://10.0.0.1:6503/?fp=" + fp,
		"https://10.0.0.1/?fp=" + fp,
		"https://10.0.0.1:0/?fp=" + fp,
		"https://10.0.0.1:70000/?fp=" + fp,
		"https://:6503/?fp=" + fp,
		"parley://::1?fp=" + fp, // unbracketed IPv6: "::1" reads as host ":" and port 1
		"https://fd00::5:6503/?fp=" + fp,
		"https://u:p@10.0.0.1:6503/?fp=" + fp,
		"https://10.0.0.1:6503/",
		good[:len(good)-1],
		good + "0",
		strings.Replace(good, "fp=0a", "fp=xa", 1),
		good + strings.Repeat("&x=1", MaxLength),
	} {
		if l, err := Parse(bad); !errors.Is(err, ErrBadLink) {
			t.Errorf("Parse(%q) = %+v, %v; want ErrBadLink", bad, l, err)
		}
	}
}

// FuzzParse: any text is a link or an ErrBadLink, and a parsed link
// survives its own formatting.
func FuzzParse(f *testing.F) {
	f.Add(Link{Host: "192.168.1.5:6503", Fingerprint: fp}.String())
	f.Add(Link{Host: "[fd00::5]:6503", Fingerprint: fp}.AppLink())
	f.Add("wss://h:1/?fp=" + fp + "&fp=00")
	f.Add("https://%zz:1/?fp=")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrBadLink) {
				t.Fatalf("Parse(%q): %v does not wrap ErrBadLink", s, err)
			}
			return
		}
		again, err := Parse(l.AppLink())
		if err != nil || again != l {
			t.Fatalf("Parse(%q) = %+v, but its own link %q gives %+v, %v", s, l, l.AppLink(), again, err)
		}
	})
}
