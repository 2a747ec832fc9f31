package media

import (
	"fmt"
	"time"

	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/app/media/opus"
	"github.com/parleyhq/parley/app/media/red"
	"github.com/parleyhq/parley/app/media/vp8"
)

// CodecConfig tunes the encoders NewCodecs sets up.
type CodecConfig struct {
	// InitialBitrate for video in bits per second; 0 fits it to the
	// captured size (vp8.BitrateFor: about 800 kbps at 640×480, 1.7 Mbps at
	// 1280×720, 2.5 Mbps at 1920×1080) so the far side sees full
	// resolution from the start. Congestion control changes it later
	// through the track's EncoderController (codec.BitRateController).
	InitialBitrate int
	// AudioBitrate for Opus in bits per second; 0 means 32 kbps.
	AudioBitrate int
}

// Codecs are the codecs Parley sends: its realtime VP8 encoder, which the
// camera's track drives itself, and Opus at 48 kHz (20 ms frames, in-band
// FEC, 10 ms minimum packet time in the SDP), built by mediadevices'
// microphone track. Populate a PeerConnection's MediaEngine with them so
// the SDP offers exactly these.
type Codecs struct {
	video vp8.Params
	audio *mediadevices.CodecSelector
}

// NewCodecs returns the codecs for cfg.
func NewCodecs(cfg CodecConfig) *Codecs {
	a := &opusBuilder{bitrate: cfg.AudioBitrate}
	if a.bitrate == 0 {
		a.bitrate = 32_000
	}
	// RED first: a peer that takes it (Chromium, Parley) gets every packet's
	// predecessor again; one that does not gets plain Opus.
	return &Codecs{
		video: vp8.Params{InitialBitrate: cfg.InitialBitrate},
		audio: mediadevices.NewCodecSelector(mediadevices.WithAudioEncoders(&redBuilder{a}, a)),
	}
}

// Populate registers the codecs with m, video first (implements
// call.CodecRegistrar).
func (c *Codecs) Populate(m *webrtc.MediaEngine) {
	_ = m.RegisterCodec(c.video.RTPCodec().RTPCodecParameters, webrtc.RTPCodecTypeVideo) // fails only for a codec without a MIME type
	c.audio.Populate(m)
}

// opusFrame is the Opus packet duration WebRTC uses.
const opusFrame = 20 * time.Millisecond

// opusBuilder is libopus (app/media/opus) with in-band FEC that follows
// the loss the peer reports, and transport-cc feedback announced, so that
// audio packets count towards the bandwidth estimate as browsers' do.
type opusBuilder struct {
	bitrate int
}

// RTPCodec describes Opus for the SDP.
func (b *opusBuilder) RTPCodec() *codec.RTPCodec {
	c := codec.NewRTPOpusCodec(opus.SampleRate)
	c.Latency = opusFrame
	c.SDPFmtpLine = "minptime=10;useinbandfec=1"
	c.RTCPFeedback = []webrtc.RTCPFeedback{{Type: webrtc.TypeRTCPFBTransportCC}}
	return c
}

// BuildAudioEncoder implements codec.AudioEncoderBuilder.
func (b *opusBuilder) BuildAudioEncoder(r audio.Reader, p prop.Media) (codec.ReadCloser, error) {
	return opus.NewStream(r, p, b.bitrate, opusFrame)
}

// redBuilder sends the same Opus stream as RFC 2198 redundant audio
// (app/media/red): each packet carries the one before it again, so a
// single loss costs nothing, where in-band FEC rebuilds it at a fraction
// of the bitrate. It doubles the audio's bitrate (32 to about 64 kbit/s),
// as Chromium's does.
type redBuilder struct{ opus *opusBuilder }

// RTPCodec describes RED over Opus for the SDP, as Chromium offers it.
func (b *redBuilder) RTPCodec() *codec.RTPCodec {
	o := b.opus.RTPCodec()
	c := *o
	c.MimeType = red.MimeType
	c.PayloadType = redPayloadType
	c.SDPFmtpLine = fmt.Sprintf("%d/%d", o.PayloadType, o.PayloadType)
	c.Payloader = &red.Payloader{PayloadType: uint8(o.PayloadType), Samples: uint16(opusFrame * opus.SampleRate / time.Second)}
	return &c
}

// redPayloadType is the payload type Chromium gives RED.
const redPayloadType = 63

// BuildAudioEncoder implements codec.AudioEncoderBuilder: the Opus stream.
func (b *redBuilder) BuildAudioEncoder(r audio.Reader, p prop.Media) (codec.ReadCloser, error) {
	return b.opus.BuildAudioEncoder(r, p)
}
