// Command icongen draws Parley's application icon — a white speech bubble
// holding a camera, on a blue-to-violet rounded square — and writes every
// size the packages need. Shapes are signed-distance functions evaluated at
// each size, so small icons are drawn sharp instead of scaled down.
//
// Run from the repository root: go run ./build/icongen
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
)

// HicolorSizes are the freedesktop icon-theme sizes the .deb and .rpm install.
var HicolorSizes = []int{16, 32, 48, 64, 128, 256, 512}

// icoSizes go into the Windows .ico (PNG-compressed entries, Vista and later).
var icoSizes = []int{16, 32, 48, 256}

func main() {
	dir := flag.String("dir", "build", "the build directory to write into")
	flag.Parse()
	if err := writeAll(*dir); err != nil {
		fmt.Fprintln(os.Stderr, "icongen:", err)
		os.Exit(1)
	}
}

// Files returns every icon file by path relative to the build directory.
func Files() (map[string][]byte, error) {
	out := map[string][]byte{}
	b, err := encode(Render(1024))
	if err != nil {
		return nil, err
	}
	out["appicon.png"] = b
	for _, s := range HicolorSizes {
		b, err := encode(Render(s))
		if err != nil {
			return nil, err
		}
		out[filepath.Join("icons", "hicolor", fmt.Sprintf("%dx%d", s, s), "apps", "parley.png")] = b
	}
	ico, err := icoFile(icoSizes)
	if err != nil {
		return nil, err
	}
	out[filepath.Join("windows", "icon.ico")] = ico
	return out, nil
}

func writeAll(dir string) error {
	files, err := Files()
	if err != nil {
		return err
	}
	for rel, b := range files {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func encode(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// icoFile packs PNG images into an .ico container.
func icoFile(sizes []int) ([]byte, error) {
	var imgs [][]byte
	for _, s := range sizes {
		b, err := encode(Render(s))
		if err != nil {
			return nil, err
		}
		imgs = append(imgs, b)
	}
	var buf bytes.Buffer
	le := binary.LittleEndian
	binary.Write(&buf, le, [3]uint16{0, 1, uint16(len(sizes))})
	offset := 6 + 16*len(sizes)
	for i, s := range sizes {
		dim := byte(s)
		if s >= 256 {
			dim = 0 // 0 means 256 in an ICONDIRENTRY
		}
		buf.Write([]byte{dim, dim, 0, 0})
		binary.Write(&buf, le, [2]uint16{1, 32})
		binary.Write(&buf, le, [2]uint32{uint32(len(imgs[i])), uint32(offset)})
		offset += len(imgs[i])
	}
	for _, b := range imgs {
		buf.Write(b)
	}
	return buf.Bytes(), nil
}

// Render draws the icon at size×size pixels.
func Render(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	k := 1024 / float64(size) // design units per pixel
	for py := 0; py < size; py++ {
		for px := 0; px < size; px++ {
			// Sample at the pixel centre, in 1024-unit design space.
			x, y := (float64(px)+0.5)*k, (float64(py)+0.5)*k
			bg := coverage(tile(x, y), k)
			if bg == 0 {
				continue
			}
			grad := gradient(x, y)
			white := coverage(bubble(x, y), k) * (1 - coverage(camera(x, y), k))
			c := mix(grad, color.NRGBA{255, 255, 255, 255}, white)
			c.A = uint8(math.Round(bg * 255))
			img.SetNRGBA(px, py, c)
		}
	}
	return img
}

// coverage turns a signed distance (design units, negative inside) into
// the covered fraction of a pixel k design units wide.
func coverage(d, k float64) float64 {
	return clamp(0.5-d/k, 0, 1)
}

func tile(x, y float64) float64 { return roundBox(x-512, y-512, 448, 448, 200) }

func bubble(x, y float64) float64 {
	body := roundBox(x-512, y-468, 336, 252, 120)
	tail := triangle(x, y, 300, 640, 236, 846, 470, 700)
	return math.Min(body, tail-6)
}

func camera(x, y float64) float64 {
	body := roundBox(x-462, y-468, 142, 104, 34)
	lens := triangle(x, y, 612, 468, 712, 382, 712, 554)
	return math.Min(body, lens-10)
}

func gradient(x, y float64) color.NRGBA {
	t := clamp((x+y)/2048, 0, 1)
	return mix(color.NRGBA{0x25, 0x8c, 0xf4, 255}, color.NRGBA{0x7c, 0x4d, 0xf0, 255}, t)
}

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	l := func(p, q uint8) uint8 { return uint8(math.Round(float64(p) + (float64(q)-float64(p))*t)) }
	return color.NRGBA{l(a.R, b.R), l(a.G, b.G), l(a.B, b.B), 255}
}

// roundBox is the distance to a box of half-size (hx, hy) with corner
// radius r, centred on the origin.
func roundBox(x, y, hx, hy, r float64) float64 {
	qx := math.Abs(x) - hx + r
	qy := math.Abs(y) - hy + r
	return math.Hypot(math.Max(qx, 0), math.Max(qy, 0)) + math.Min(math.Max(qx, qy), 0) - r
}

// triangle is the distance to the triangle (ax,ay)-(bx,by)-(cx,cy).
func triangle(x, y, ax, ay, bx, by, cx, cy float64) float64 {
	seg := func(px, py, qx, qy float64) (dist2, side float64) {
		ex, ey := qx-px, qy-py
		wx, wy := x-px, y-py
		t := clamp((wx*ex+wy*ey)/(ex*ex+ey*ey), 0, 1)
		dx, dy := wx-ex*t, wy-ey*t
		return dx*dx + dy*dy, ex*wy - ey*wx
	}
	d1, s1 := seg(ax, ay, bx, by)
	d2, s2 := seg(bx, by, cx, cy)
	d3, s3 := seg(cx, cy, ax, ay)
	d := math.Sqrt(math.Min(d1, math.Min(d2, d3)))
	inside := (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)
	if inside {
		return -d
	}
	return d
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
