package stamp

import "testing"

// FuzzDecode feeds arbitrary planes and dimensions: Decode must never
// panic, and whatever it accepts must re-encode to a plane that decodes
// the same.
func FuzzDecode(f *testing.F) {
	y := grey(640, 480)
	_ = Encode(y, 640, 480, 640, sample)
	f.Add(y[:640*48], 640, 48, 640)
	f.Add([]byte{1, 2, 3}, 160, 12, 160)
	f.Add([]byte{}, -1, -1, -1)
	f.Fuzz(func(t *testing.T, plane []byte, w, h, stride int) {
		c, ok := Decode(plane, w, h, stride)
		if !ok {
			return
		}
		out := make([]byte, len(plane))
		if err := Encode(out, w, h, stride, c); err != nil {
			t.Fatalf("decoded %+v from a frame Encode refuses: %v", c, err)
		}
		if back, ok := Decode(out, w, h, stride); !ok || back != c {
			t.Fatalf("re-encoded %+v decodes as %+v ok=%v", c, back, ok)
		}
	})
}
