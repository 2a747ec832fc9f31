package call

import "github.com/pion/webrtc/v4"

// placeholder is a local track that sends nothing. A call without a
// microphone (or video track) still adds one, so that its SDP has a
// sending line of that kind from the start: turning a microphone on
// mid-call is then a ReplaceTrack on that sender, with no renegotiation,
// and works whether this side made the offer or answered it.
type placeholder struct {
	kind       webrtc.RTPCodecType
	id, stream string
}

// Bind accepts whatever codec was negotiated: nothing is ever encoded.
func (p *placeholder) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	codecs := ctx.CodecParameters()
	if len(codecs) == 0 {
		return webrtc.RTPCodecParameters{}, webrtc.ErrUnsupportedCodec
	}
	return codecs[0], nil
}

// Unbind implements webrtc.TrackLocal.
func (p *placeholder) Unbind(webrtc.TrackLocalContext) error { return nil }

// ID implements webrtc.TrackLocal.
func (p *placeholder) ID() string { return p.id }

// RID implements webrtc.TrackLocal.
func (p *placeholder) RID() string { return "" }

// StreamID implements webrtc.TrackLocal.
func (p *placeholder) StreamID() string { return p.stream }

// Kind implements webrtc.TrackLocal.
func (p *placeholder) Kind() webrtc.RTPCodecType { return p.kind }
