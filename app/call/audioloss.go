package call

import (
	"github.com/pion/rtcp"
	"github.com/pion/webrtc/v4"
)

// lossAware is an audio encoder that sizes its in-band FEC to the loss the
// peer reports (app/media/opus.Stream). Without a report it sends none:
// FEC costs bitrate that a clean network does not need.
type lossAware interface {
	SetPacketLoss(percent int) error
}

// lossSmoothing weighs a new receiver report against the loss seen
// before: reports come every second or so and a single one is noisy, but
// the encoder should follow a network that turns lossy within seconds.
const lossSmoothing = 0.3

// audioLoss follows the audio sender's receiver reports.
type audioLoss struct {
	smoothed float64 // percent
	applied  int
}

// onAudioRTCP applies the loss the peer's receiver reports give for our
// audio stream (ssrc) to the encoder now sending it.
func (c *Call) onAudioRTCP(l *audioLoss, pkts []rtcp.Packet, ssrc webrtc.SSRC) {
	for _, p := range pkts {
		var reports []rtcp.ReceptionReport
		switch r := p.(type) {
		case *rtcp.ReceiverReport:
			reports = r.Reports
		case *rtcp.SenderReport:
			reports = r.Reports
		}
		for _, rr := range reports {
			if rr.SSRC != uint32(ssrc) {
				continue
			}
			l.smoothed += lossSmoothing * (float64(rr.FractionLost)*100/256 - l.smoothed)
			pct := int(l.smoothed + 0.5)
			if pct == l.applied {
				continue
			}
			c.neg.Lock()
			track := c.sentAudio
			c.neg.Unlock()
			if track == nil {
				continue
			}
			if enc, ok := track.EncoderController().(lossAware); ok && enc.SetPacketLoss(pct) == nil {
				l.applied = pct
				c.cfg.Logger.Debug("audio encoder told of packet loss", "percent", pct)
			}
		}
	}
}
