package bridge

import (
	"encoding/binary"
	"os"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/parleyhq/parley/app/frames"
)

// The page's parser (parseFrame in frontend/js/framestream.js) is a second
// reader of the format in doc.go. This test reads its source and holds it
// to the Go writer: its constants are Go's, it reads each header field at
// the offset and width where Header.put writes it, it checks the magic,
// version and format bytes that put writes, it finds the planes where they
// follow the header, and between its reads and its checks it looks at every
// header byte exactly once. A field moved on one side fails here, not as a
// black canvas in the window. If parseFrame is rewritten so that a pattern
// below no longer matches, change the pattern with it.
func TestFramestreamJSReadsWhatHeaderWrites(t *testing.T) {
	raw, err := os.ReadFile("../../frontend/js/framestream.js")
	if err != nil {
		t.Fatal(err)
	}
	src := string(raw)

	consts := map[string]int{}
	for _, m := range regexp.MustCompile(`(?m)^(?:export )?const ([A-Z_]+) = (\d+);`).FindAllStringSubmatch(src, -1) {
		consts[m[1]], _ = strconv.Atoi(m[2])
	}
	for name, want := range map[string]int{
		"HEADER_SIZE":   HeaderSize,
		"STREAM_REMOTE": int(frames.Remote),
		"STREAM_LOCAL":  int(frames.Local),
		"MAX_DIMENSION": MaxDimension,
	} {
		if got, ok := consts[name]; !ok || got != want {
			t.Errorf("framestream.js: %s = %d (found %v), Go says %d", name, got, ok, want)
		}
	}

	body := regexp.MustCompile(`(?s)export function parseFrame\(buf\) \{(.*?)\n\}`).FindStringSubmatch(src)
	if body == nil {
		t.Fatal("framestream.js has no parseFrame")
	}
	parse := body[1]

	// A header with a different value in every byte of every field, so a
	// read at a wrong offset or of a wrong width gets a wrong number.
	h := Header{
		Stream: frames.Local, Format: FormatI420, Seq: 0x0b0a0908,
		Width: 0x0d0c, Height: 0x0f0e,
		Captured: 0x1716151413121110, Sent: 0x1f1e1d1c1b1a1918,
	}
	b := make([]byte, HeaderSize)
	h.put(b)
	want := map[string]int64{
		"stream": int64(h.Stream), "seq": int64(h.Seq), "width": int64(h.Width), "height": int64(h.Height),
		"captured": h.Captured, "sent": h.Sent,
	}
	width := map[string]int{"Uint8": 1, "Uint16": 2, "Uint32": 4, "BigInt64": 8}
	read := func(typ string, off int) int64 {
		switch typ {
		case "Uint8":
			return int64(b[off])
		case "Uint16":
			return int64(binary.LittleEndian.Uint16(b[off:]))
		case "Uint32":
			return int64(binary.LittleEndian.Uint32(b[off:]))
		}
		return int64(binary.LittleEndian.Uint64(b[off:]))
	}

	seen := make([]int, HeaderSize) // how often parseFrame looks at each byte
	look := func(off, n int) {
		for i := off; i < off+n && i < HeaderSize; i++ {
			seen[i]++
		}
	}

	// Fields: `const width = d.getUint16(12, true)` or `seq: d.getUint32(8, true)`.
	fieldRE := regexp.MustCompile(`(\w+)(?: =|:) (?:Number\()?d\.get(Uint8|Uint16|Uint32|BigInt64)\((\d+)(, true)?\)`)
	found := map[string]bool{}
	for _, m := range fieldRE.FindAllStringSubmatch(parse, -1) {
		name, typ := m[1], m[2]
		off, _ := strconv.Atoi(m[3])
		w, ok := want[name]
		if !ok {
			continue
		}
		found[name] = true
		look(off, width[typ])
		if width[typ] > 1 && m[4] == "" {
			t.Errorf("parseFrame reads %s big-endian; the format is little-endian", name)
		}
		if off+width[typ] > HeaderSize {
			t.Errorf("parseFrame reads %s at %d, beyond the %d-byte header", name, off, HeaderSize)
			continue
		}
		if got := read(typ, off); got != w {
			t.Errorf("parseFrame reads %s as %s at %d: %#x from a header Go wrote with %#x", name, typ, off, got, w)
		}
	}
	for name := range want {
		if !found[name] {
			t.Errorf("parseFrame: no read of %s found", name)
		}
	}

	// Checks of fixed bytes: `d.getUint8(2) !== 1`.
	checks := regexp.MustCompile(`d\.getUint8\((\d+)\) !== (0x[0-9a-fA-F]+|\d+)`).FindAllStringSubmatch(parse, -1)
	checked := map[int]bool{}
	for _, m := range checks {
		off, _ := strconv.Atoi(m[1])
		v, _ := strconv.ParseInt(m[2], 0, 64)
		checked[off] = true
		look(off, 1)
		if off >= HeaderSize || int64(b[off]) != v {
			t.Errorf("parseFrame wants byte %d to be %#x; Go writes %#x there", off, v, b[min(off, HeaderSize-1)])
		}
	}
	for _, off := range []int{0, 1, 2, 4} { // magic, version, format
		if !checked[off] {
			t.Errorf("parseFrame does not check byte %d (magic, version or format)", off)
		}
	}

	// Reserved bytes: `d.getUint8(5) | d.getUint8(6) | d.getUint8(7)`.
	if m := regexp.MustCompile(`if \((d\.getUint8\(\d+\)(?: \| d\.getUint8\(\d+\))*)\)`).FindStringSubmatch(parse); m == nil {
		t.Error("parseFrame does not check the reserved bytes")
	} else {
		for _, r := range regexp.MustCompile(`getUint8\((\d+)\)`).FindAllStringSubmatch(m[1], -1) {
			off, _ := strconv.Atoi(r[1])
			look(off, 1)
			if off >= HeaderSize || b[off] != 0 {
				t.Errorf("parseFrame wants byte %d to be zero; Go writes a field there", off)
			}
		}
	}

	if i := slices.IndexFunc(seen, func(n int) bool { return n != 1 }); i >= 0 {
		t.Errorf("parseFrame looks at the header's bytes %v times each (index = offset); want every byte once", seen)
	}

	// The planes: Y right after the header, then U, then V.
	for _, plane := range []string{
		`y: new Uint8Array(buf, HEADER_SIZE, ySize)`,
		`u: new Uint8Array(buf, HEADER_SIZE + ySize, cSize)`,
		`v: new Uint8Array(buf, HEADER_SIZE + ySize + cSize, cSize)`,
		`const cw = (width + 1) >> 1;`,
		`const ch = (height + 1) >> 1;`,
		`buf.byteLength !== HEADER_SIZE + ySize + 2 * cSize`,
	} {
		if !regexp.MustCompile(regexp.QuoteMeta(plane)).MatchString(parse) {
			t.Errorf("parseFrame no longer has %q; check that it still finds the planes as PayloadSize lays them out", plane)
		}
	}
}
