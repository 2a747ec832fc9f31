package vp8_test

import (
	"fmt"
	"image"
	"slices"
	"testing"
	"time"

	"github.com/parleyhq/parley/app/media/testmedia"
	"github.com/parleyhq/parley/app/media/vp8"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/vpx"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

// benchFrames pre-renders a second of test-camera video, so the
// benchmarks time only the codec.
func benchFrames(b *testing.B, w, h int) []*image.YCbCr {
	g, err := testmedia.NewGenerator(testmedia.CameraAID, w, h)
	if err != nil {
		b.Fatal(err)
	}
	fs := make([]*image.YCbCr, 30)
	for i := range fs {
		fs[i] = g.Frame(uint32(i), time.Now())
	}
	return fs
}

var sizes = []struct {
	name string
	w, h int
}{{"480p", 640, 480}, {"720p", 1280, 720}}

// report adds mean and median milliseconds per frame.
func report(b *testing.B, per []time.Duration) {
	if len(per) == 0 {
		return
	}
	slices.Sort(per)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/frame")
	b.ReportMetric(float64(per[len(per)/2].Nanoseconds())/1e6, "p50-ms/frame")
}

// BenchmarkEncode is Parley's encoder at the starting bitrate for the
// size, with capture times 1/30 s apart as from a camera, for several
// cpu-used and thread settings (the defaults are vp8.DefaultCPUUsed and
// vp8.DefaultThreads).
func BenchmarkEncode(b *testing.B) {
	for _, sz := range sizes {
		for _, c := range []struct{ cpu, threads int }{{-6, 1}, {-12, 1}, {8, 1}, {12, 1}, {16, 1}, {12, 2}, {-12, 2}} {
			b.Run(fmt.Sprintf("parley/%s/cpu-used=%d/threads=%d", sz.name, c.cpu, c.threads), func(b *testing.B) {
				fs := benchFrames(b, sz.w, sz.h)
				e := vp8.NewEncoder(30, vp8.Params{CPUUsed: c.cpu, Threads: c.threads})
				defer e.Close()
				t0 := time.Now()
				per := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					start := time.Now()
					if _, _, err := e.EncodeAt(fs[i%len(fs)], t0.Add(time.Duration(i)*time.Second/30)); err != nil {
						b.Fatal(err)
					}
					per = append(per, time.Since(start))
				}
				b.StopTimer()
				report(b, per)
			})
		}
	}
}

// BenchmarkEncodeStock compares mediadevices v0.10.0's own VP8 encoder
// (its defaults: cpu-used left at 0) with Parley's default one on equal
// terms: both through codec.ReadCloser.Read, at the same starting
// bitrate, stamping frames with the wall clock as fast as they encode.
func BenchmarkEncodeStock(b *testing.B) {
	for _, sz := range sizes {
		builders := []struct {
			name  string
			build func(video.Reader, prop.Media) (codec.ReadCloser, error)
		}{
			{"mediadevices", func(r video.Reader, p prop.Media) (codec.ReadCloser, error) {
				vp, err := vpx.NewVP8Params()
				if err != nil {
					return nil, err
				}
				vp.BitRate = vp8.BitrateFor(sz.w, sz.h, 30)
				return vp.BuildVideoEncoder(r, p)
			}},
			{"parley", func(r video.Reader, p prop.Media) (codec.ReadCloser, error) {
				return &encodeReader{src: r, enc: vp8.NewEncoder(p.FrameRate, vp8.Params{})}, nil
			}},
		}
		for _, bl := range builders {
			b.Run(bl.name+"/"+sz.name, func(b *testing.B) {
				fs := benchFrames(b, sz.w, sz.h)
				i := 0
				src := video.ReaderFunc(func() (image.Image, func(), error) {
					f := fs[i%len(fs)]
					i++
					return f, func() {}, nil
				})
				enc, err := bl.build(src, prop.Media{Video: prop.Video{Width: sz.w, Height: sz.h, FrameRate: 30}})
				if err != nil {
					b.Fatal(err)
				}
				defer enc.Close()
				per := make([]time.Duration, 0, b.N)
				b.ResetTimer()
				for n := 0; n < b.N; n++ {
					start := time.Now()
					if _, _, err := enc.Read(); err != nil {
						b.Fatal(err)
					}
					per = append(per, time.Since(start))
				}
				b.StopTimer()
				report(b, per)
			})
		}
	}
}

// BenchmarkDecode compares mediadevices' VP8 decoder (what the receive
// path used before) with Parley's, which copies into a reused buffer
// instead of a new image per frame, on Parley's encoder output.
func BenchmarkDecode(b *testing.B) {
	for _, sz := range sizes {
		decoders := []struct {
			name string
			open func(b *testing.B) func([]byte)
		}{
			{"mediadevices", func(b *testing.B) func([]byte) {
				d := newDecoder(b, sz.w, sz.h)
				return func(f []byte) { d.decode(b, f) }
			}},
			{"parley", func(b *testing.B) func([]byte) {
				d := newParleyDecoder(b)
				return func(f []byte) {
					if _, err := d.Decode(f); err != nil {
						b.Fatal(err)
					}
				}
			}},
		}
		for _, dec := range decoders {
			b.Run(dec.name+"/"+sz.name, func(b *testing.B) {
				fs := benchFrames(b, sz.w, sz.h)
				e := vp8.NewEncoder(30, vp8.Params{})
				t0 := time.Now()
				var enc [][]byte
				for i, f := range fs {
					out, _, err := e.EncodeAt(f, t0.Add(time.Duration(i)*time.Second/30))
					if err != nil {
						b.Fatal(err)
					}
					enc = append(enc, out)
				}
				e.Close()
				decode := dec.open(b)
				per := make([]time.Duration, 0, b.N)
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					start := time.Now()
					decode(enc[i%len(enc)]) // frame 0 is a keyframe, so cycling is valid
					per = append(per, time.Since(start))
				}
				b.StopTimer()
				report(b, per)
			})
		}
	}
}

// encodeReader puts Parley's encoder behind mediadevices' reader interface,
// as the stock encoder is, so both are timed alike.
type encodeReader struct {
	src video.Reader
	enc *vp8.Encoder
}

func (r *encodeReader) Read() ([]byte, func(), error) {
	img, release, err := r.src.Read()
	if err != nil {
		return nil, func() {}, err
	}
	defer release()
	out, err := r.enc.Encode(frameOf(img.(*image.YCbCr), time.Now()))
	return out, func() {}, err
}

func (r *encodeReader) Close() error                        { return r.enc.Close() }
func (r *encodeReader) Controller() codec.EncoderController { return r.enc }
