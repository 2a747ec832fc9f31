package call

import (
	"testing"

	"github.com/parleyhq/parley/signaling/protocol"
)

// FuzzCheckOffer feeds hostile session descriptions to the check every
// incoming offer passes: it must return an error or nil, never panic.
func FuzzCheckOffer(f *testing.F) {
	f.Add("offer", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n")
	f.Add("offer", "this is not SDP")
	f.Add("answer", "v=0\r\n")
	f.Add("offer", "v=0\r\nm=audio 9 RTP/AVP 0\r\na=ssrc-group:FID\r\na=rtpmap:\r\n")
	f.Fuzz(func(t *testing.T, typ, sdp string) {
		err := CheckOffer(&protocol.SessionDescription{Type: typ, SDP: sdp})
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("untyped error %T: %v", err, err)
			}
		}
	})
}
