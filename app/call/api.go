package call

import (
	"github.com/pion/interceptor"
	"github.com/pion/interceptor/pkg/cc"
	"github.com/pion/interceptor/pkg/gcc"
	"github.com/pion/interceptor/pkg/stats"
	"github.com/pion/webrtc/v4"
)

// audioReserve is the share of the estimated bandwidth kept for Opus (its
// default 64 kbit/s plus RTP overhead is less; the rest absorbs estimate
// noise) when the estimate is turned into a video bitrate.
const audioReserve = 48_000

// newAPI builds a pion API for one call. Each call gets its own, because the
// congestion controller hands out one estimator per PeerConnection through a
// callback on the interceptor factory; one API per call makes that estimator
// unambiguously this call's.
func newAPI(cfg *Config, estimators chan<- cc.BandwidthEstimator, getters chan<- stats.Getter) (*webrtc.API, error) {
	logs := pionLogs{cfg.Logger}
	media := &webrtc.MediaEngine{}
	// Codecs first: the interceptor helpers below add their RTCP feedback
	// (nack, nack pli, transport-cc) to the codecs already registered.
	// mediadevices' codecs declare no feedback of their own, so without this
	// order browsers would never send PLI and a lost keyframe would freeze
	// the picture.
	cfg.Codecs.Populate(media)

	registry := &interceptor.Registry{}
	bwe, err := cc.NewInterceptor(func() (cc.BandwidthEstimator, error) {
		return gcc.NewSendSideBWE(
			gcc.SendSideBWEInitialBitrate(cfg.StartBitrate+audioReserve),
			gcc.SendSideBWEMinBitrate(cfg.MinBitrate+audioReserve),
			gcc.SendSideBWEMaxBitrate(cfg.MaxBitrate+audioReserve),
			// No pacer: the encoder's own rate control already follows the
			// estimate, and gcc's leaky bucket spreads a keyframe over
			// hundreds of milliseconds, which is latency a call cannot
			// afford on a LAN.
			gcc.SendSideBWEPacer(gcc.NewNoOpPacer()),
			gcc.WithLoggerFactory(logs),
		)
	})
	if err != nil {
		return nil, err
	}
	bwe.OnNewPeerConnection(func(_ string, e cc.BandwidthEstimator) {
		select {
		case estimators <- e:
		default:
		}
	})
	registry.Add(bwe)
	if err := webrtc.ConfigureTWCCHeaderExtensionSender(media, registry); err != nil {
		return nil, err
	}
	if err := webrtc.RegisterDefaultInterceptorsWithOptions(media, registry,
		webrtc.WithInterceptorLoggerFactory(logs)); err != nil {
		return nil, err
	}
	// The call's statistics come from a stats interceptor of its own
	// rather than pc.GetStats: GetStats leaves out what we send (and the
	// peer's receiver reports about it), and it races with the Close pion
	// starts by itself when the peer's DTLS closes (it reads a field that
	// Close clears, unlocked).
	rtpStats, err := stats.NewInterceptor(stats.WithLoggerFactory(logs))
	if err != nil {
		return nil, err
	}
	rtpStats.OnNewPeerConnection(func(_ string, g stats.Getter) {
		select {
		case getters <- g:
		default:
		}
	})
	registry.Add(rtpStats)

	settings := webrtc.SettingEngine{LoggerFactory: logs}
	// Two peers on one host (tests, demos) only reach each other over
	// loopback, which pion leaves out by default.
	settings.SetIncludeLoopbackCandidate(true)
	settings.SetICETimeouts(cfg.ICEDisconnected, cfg.ICEFailed, iceKeepalive)
	// An ICE restart after a network change must gather from the
	// addresses the machine has now.
	netw, err := newFreshNet()
	if err != nil {
		return nil, err
	}
	settings.SetNet(netw)

	return webrtc.NewAPI(
		webrtc.WithMediaEngine(media),
		webrtc.WithInterceptorRegistry(registry),
		webrtc.WithSettingEngine(settings),
	), nil
}
