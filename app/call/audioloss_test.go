package call

import (
	"log/slog"
	"testing"

	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/rtcp"
)

// lossTrack is a microphone track whose encoder records the loss it is told.
type lossTrack struct {
	mediadevices.Track
	told []int
}

func (t *lossTrack) EncoderController() codec.EncoderController { return t }

func (t *lossTrack) SetPacketLoss(p int) error {
	t.told = append(t.told, p)
	return nil
}

// The peer's receiver reports of our audio reach the Opus encoder,
// smoothed, so that it sends FEC sized to the loss; reports about other
// streams do not.
func TestReceiverReportsReachTheAudioEncoder(t *testing.T) {
	track := &lossTrack{}
	c := &Call{cfg: Config{Logger: slog.New(slog.DiscardHandler)}, sentAudio: track}
	var l audioLoss
	report := func(ssrc uint32, fraction uint8) []rtcp.Packet {
		return []rtcp.Packet{&rtcp.ReceiverReport{SSRC: 1, Reports: []rtcp.ReceptionReport{{SSRC: ssrc, FractionLost: fraction}}}}
	}
	c.onAudioRTCP(&l, report(99, 128), 42) // another stream's 50 %
	if len(track.told) != 0 {
		t.Fatalf("another stream's loss reached the encoder: %v", track.told)
	}
	for range 12 {
		c.onAudioRTCP(&l, report(42, 51), 42) // 20 %
	}
	if n := len(track.told); n == 0 || track.told[n-1] < 18 || track.told[n-1] > 20 {
		t.Fatalf("after a dozen reports of 20 %% the encoder was told %v", track.told)
	}
	for range 12 {
		c.onAudioRTCP(&l, report(42, 0), 42)
	}
	if last := track.told[len(track.told)-1]; last > 1 {
		t.Fatalf("after the loss stopped the encoder still plans for %d %%", last)
	}
}
