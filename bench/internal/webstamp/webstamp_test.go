package webstamp

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/parleyhq/parley/app/media/stamp"
)

// cli returns the command running bench/web/stamp-cli.mjs with args.
func cli(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	_, self, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(self), "..", "..", "web", "stamp-cli.mjs")
	return exec.Command(node, append([]string{script}, args...)...)
}

var sizes = []struct{ w, h int }{{160, 12}, {640, 480}, {1280, 720}, {1919, 1080}}

var codes = []stamp.Code{
	{Camera: 0, Seq: 0, CapturedMS: 0},
	{Camera: 1, Seq: 2, CapturedMS: 3},
	{Camera: 255, Seq: 0xFFFFFFFF, CapturedMS: 1<<48 - 1},
	{Camera: 9, Seq: 123456, CapturedMS: 1763700000123},
}

func TestGoReadsJavaScript(t *testing.T) {
	dir := t.TempDir()
	for _, sz := range sizes {
		for _, c := range codes {
			file := filepath.Join(dir, "y")
			cmd := cli(t, "encode", fmt.Sprint(sz.w), fmt.Sprint(sz.h), fmt.Sprint(c.Camera), fmt.Sprint(c.Seq), fmt.Sprint(c.CapturedMS), file)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("stamp-cli encode: %v: %s", err, out)
			}
			y, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]byte, len(y))
			for i := range want {
				want[i] = 128
			}
			if err := stamp.Encode(want, sz.w, sz.h, sz.w, c); err != nil {
				t.Fatal(err)
			}
			if string(y) != string(want) {
				t.Errorf("%dx%d %+v: the JavaScript plane differs from Go's", sz.w, sz.h, c)
			}
			got, ok := stamp.Decode(y, sz.w, sz.h, sz.w)
			if !ok || got != c {
				t.Errorf("%dx%d: Go read %+v (ok=%v) from JavaScript's %+v", sz.w, sz.h, got, ok, c)
			}
		}
	}
}

func TestJavaScriptReadsGo(t *testing.T) {
	dir := t.TempDir()
	for _, sz := range sizes {
		for _, c := range codes {
			y := make([]byte, sz.w*sz.h)
			// A ramp background, so that the reader's thresholds see more
			// than two levels outside the code.
			for i := range y {
				y[i] = byte(i % 251)
			}
			if err := stamp.Encode(y, sz.w, sz.h, sz.w, c); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "y")
			if err := os.WriteFile(file, y, 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := cli(t, "decode", fmt.Sprint(sz.w), fmt.Sprint(sz.h), file).Output()
			if err != nil {
				t.Fatalf("stamp-cli decode: %v", err)
			}
			var got *struct {
				Camera     uint8  `json:"camera"`
				Seq        uint32 `json:"seq"`
				CapturedMS int64  `json:"capturedMS"`
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%s: %v", out, err)
			}
			if got == nil || (stamp.Code{Camera: got.Camera, Seq: got.Seq, CapturedMS: got.CapturedMS}) != c {
				t.Errorf("%dx%d: JavaScript read %s from Go's %+v", sz.w, sz.h, out, c)
			}
		}
	}
}

func TestJavaScriptRejectsWhatGoRejects(t *testing.T) {
	const w, h = 640, 480
	y := make([]byte, w*h)
	if err := stamp.Encode(y, w, h, w, stamp.Code{Camera: 1, Seq: 2, CapturedMS: 3}); err != nil {
		t.Fatal(err)
	}
	for yy := 4; yy < 12; yy++ {
		for xx := 20*16 + 4; xx < 20*16+12; xx++ {
			y[yy*w+xx] = 255 - y[yy*w+xx] // invert cell 20's centre: CRC fails
		}
	}
	if _, ok := stamp.Decode(y, w, h, w); ok {
		t.Fatal("Go accepted a damaged code; the test is wrong")
	}
	file := filepath.Join(t.TempDir(), "y")
	if err := os.WriteFile(file, y, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := cli(t, "decode", fmt.Sprint(w), fmt.Sprint(h), file).Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "null\n" {
		t.Fatalf("JavaScript read %s from a damaged code", out)
	}
}
