package receive

import (
	"errors"
	"image"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/opus"
	"github.com/pion/mediadevices/pkg/codec/vpx"
	mdaudio "github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
	"github.com/pion/rtp"
	"github.com/pion/rtp/codecs"
)

// vp8Sender encodes synthetic pictures with mediadevices' libvpx encoder and
// packetizes them as a WebRTC sender would. A keyframe request makes its
// next frame a keyframe, as a real sender answers a PLI.
type vp8Sender struct {
	enc     codec.ReadCloser
	pz      rtp.Packetizer
	size    atomic.Value // image.Point: size of the next picture
	index   int
	wantKey atomic.Bool
	keyReqs atomic.Int64
}

func newVP8Sender(t testing.TB, w, h int) *vp8Sender {
	return newVP8SenderRate(t, w, h, 500_000)
}

// newVP8SenderRate is newVP8Sender at a chosen bitrate (bits per second).
func newVP8SenderRate(t testing.TB, w, h, bitRate int) *vp8Sender {
	t.Helper()
	s := &vp8Sender{}
	s.size.Store(image.Pt(w, h))
	params, err := vpx.NewVP8Params()
	if err != nil {
		t.Fatal(err)
	}
	params.BitRate = bitRate
	params.Deadline = time.Microsecond // VPX_DL_REALTIME: tests need speed, not quality
	params.KeyFrameInterval = 1000     // only the first frame and requested ones are keyframes
	src := video.ReaderFunc(func() (image.Image, func(), error) {
		return s.picture(), func() {}, nil
	})
	enc, err := params.BuildVideoEncoder(src, prop.Media{Video: prop.Video{Width: w, Height: h, FrameRate: 30}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { enc.Close() })
	s.enc = enc
	s.pz = rtp.NewPacketizer(1200, 96, 0x1234, &codecs.VP8Payloader{EnablePictureID: true}, rtp.NewRandomSequencer(), vp8ClockRate)
	return s
}

// picture draws a moving gradient with some noise (like a camera's), so
// that consecutive frames differ and the encoder has real work.
func (s *vp8Sender) picture() image.Image {
	sz := s.size.Load().(image.Point)
	img := image.NewYCbCr(image.Rect(0, 0, sz.X, sz.Y), image.YCbCrSubsampleRatio420)
	seed := uint32(s.index*2654435761 + 1)
	for y := 0; y < sz.Y; y++ {
		for x := 0; x < sz.X; x++ {
			seed ^= seed << 13
			seed ^= seed >> 17
			seed ^= seed << 5
			img.Y[y*img.YStride+x] = byte(x+y+4*s.index) + byte(seed&3)
		}
	}
	for i := range img.Cb {
		img.Cb[i] = byte(128 + s.index)
		img.Cr[i] = byte(128 - s.index)
	}
	return img
}

// requestKeyFrame is the receiver's PLI callback.
func (s *vp8Sender) requestKeyFrame() {
	s.keyReqs.Add(1)
	s.wantKey.Store(true)
}

// encode encodes the next frame, a keyframe if one was requested. It may
// run on a goroutine other than the test's, so it returns errors instead
// of failing.
func (s *vp8Sender) encode() ([]byte, error) {
	if s.wantKey.Swap(false) {
		if err := s.enc.Controller().(codec.KeyFrameController).ForceKeyFrame(); err != nil {
			return nil, err
		}
	}
	data, release, err := s.enc.Read()
	if err != nil {
		return nil, err
	}
	defer release()
	s.index++
	return append([]byte(nil), data...), nil
}

// next encodes one frame and returns its packets.
func (s *vp8Sender) next() ([]*rtp.Packet, error) {
	data, err := s.encode()
	if err != nil {
		return nil, err
	}
	return s.pz.Packetize(data, vp8ClockRate/30), nil
}

// packets encodes n frames and returns their packets in order.
func (s *vp8Sender) packets(tb testing.TB, n int) []*rtp.Packet {
	tb.Helper()
	var out []*rtp.Packet
	for range n {
		pkts, err := s.next()
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, pkts...)
	}
	return out
}

// toneEncoder encodes a sine tone with mediadevices' libopus encoder into
// 20 ms RTP packets, as a Parley or browser sender would.
type toneEncoder struct {
	enc codec.ReadCloser
	pz  rtp.Packetizer
}

func newToneEncoder(t testing.TB, freq float64) *toneEncoder {
	t.Helper()
	params, err := opus.NewParams()
	if err != nil {
		t.Fatal(err)
	}
	params.BitRate = 32000
	var n int
	src := mdaudio.ReaderFunc(func() (wave.Audio, func(), error) {
		chunk := wave.NewInt16Interleaved(wave.ChunkInfo{Len: 960, Channels: 1, SamplingRate: 48000})
		for i := range chunk.Data {
			chunk.Data[i] = int16(8000 * math.Sin(2*math.Pi*freq*float64(n)/48000))
			n++
		}
		return chunk, func() {}, nil
	})
	enc, err := params.BuildAudioEncoder(src, prop.Media{Audio: prop.Audio{SampleRate: 48000, ChannelCount: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { enc.Close() })
	return &toneEncoder{enc: enc, pz: rtp.NewPacketizer(1200, 111, 0x5678, &codecs.OpusPayloader{}, rtp.NewRandomSequencer(), 48000)}
}

// encode returns the next 20 ms Opus frame.
func (e *toneEncoder) encode() ([]byte, error) {
	data, release, err := e.enc.Read()
	if err != nil {
		return nil, err
	}
	defer release()
	return append([]byte(nil), data...), nil
}

// next returns the next 20 ms packet.
func (e *toneEncoder) next() (*rtp.Packet, error) {
	data, err := e.encode()
	if err != nil {
		return nil, err
	}
	pkts := e.pz.Packetize(data, 960)
	if len(pkts) != 1 {
		return nil, errors.New("opus frame did not fit one packet")
	}
	return pkts[0], nil
}

// packets returns the next n packets: n×20 ms of the tone.
func (e *toneEncoder) packets(tb testing.TB, n int) []*rtp.Packet {
	tb.Helper()
	out := make([]*rtp.Packet, n)
	for i := range out {
		p, err := e.next()
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = p
	}
	return out
}
