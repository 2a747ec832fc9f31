package call

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"sync"

	"github.com/pion/interceptor/pkg/cc"
	"github.com/pion/interceptor/pkg/stats"
	"github.com/pion/webrtc/v4"

	"github.com/parleyhq/parley/signaling/protocol"
)

// Call is one PeerConnection and everything that runs for it. Negotiation
// methods (Offer, Answer, ApplyAnswer, AddCandidate) must be called in the
// order the messages arrived; the engine calls them from its one loop.
type Call struct {
	cfg    Config
	pc     *webrtc.PeerConnection
	bwe    cc.BandwidthEstimator
	rtp    stats.Getter // RTP statistics of every stream, both directions
	ctx    context.Context
	cancel context.CancelFunc

	// neg serialises negotiation steps with track changes: both read and
	// change the senders and the signaling state.
	neg sync.Mutex
	// pending holds candidates that arrived before the remote description:
	// pion rejects them until then, and trickle ICE often sends them first.
	pending     []webrtc.ICECandidateInit
	tracksAdded bool
	videoSender *webrtc.RTPSender
	audioSender *webrtc.RTPSender
	// wantAudio is the microphone track the user chose to send (nil:
	// muted); it is applied once the senders are running. sentAudio is
	// what the audio sender sends now, and audioCont keeps its RTP
	// numbering continuous across track changes.
	wantAudio, sentAudio Track
	audioCont            continuity
	// streamID is the one media stream the call's tracks belong to.
	streamID string

	statsMu sync.Mutex
	cursor  statsCursor

	mu     sync.Mutex // guards closed and wg.Add against Close
	closed bool
	wg     sync.WaitGroup
}

// New builds the PeerConnection. Nothing is sent until Offer or Answer.
func New(cfg Config) (*Call, error) {
	if cfg.Codecs == nil || cfg.Signal == nil {
		return nil, fail(ErrSetup, "new call", errors.New("config needs Codecs and Signal"))
	}
	cfg.fillDefaults()
	estimators := make(chan cc.BandwidthEstimator, 1)
	getters := make(chan stats.Getter, 1)
	api, err := newAPI(&cfg, estimators, getters)
	if err != nil {
		return nil, fail(ErrSetup, "build api", err)
	}
	pc, err := api.NewPeerConnection(webrtc.Configuration{ICEServers: cfg.ICEServers})
	if err != nil {
		return nil, fail(ErrSetup, "new peer connection", err)
	}
	c := &Call{cfg: cfg, pc: pc, wantAudio: cfg.Audio, audioCont: continuity{clockRate: 48000},
		streamID: "parley-" + strconv.FormatUint(rand.Uint64(), 36)}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	// The interceptor chain, and with it the estimator, is built inside
	// NewPeerConnection, so it is ready now.
	select {
	case c.bwe = <-estimators:
		c.bwe.OnTargetBitrateChange(c.onTargetBitrate)
	default:
	}
	select {
	case c.rtp = <-getters:
	default:
	}

	pc.OnICECandidate(func(cand *webrtc.ICECandidate) {
		if cand == nil { // end of gathering; MDN's flow sends nothing for it
			return
		}
		init := cand.ToJSON()
		cfg.Signal(&protocol.Message{Type: protocol.TypeNewICECandidate, Candidate: &protocol.ICECandidate{
			Candidate:        init.Candidate,
			SDPMid:           init.SDPMid,
			SDPMLineIndex:    init.SDPMLineIndex,
			UsernameFragment: init.UsernameFragment,
		}})
	})
	pc.OnTrack(c.onTrack)
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			// The estimator only reports changes; start the encoder at the
			// estimate's starting point rather than at its own default.
			c.applyBitrate(c.cfg.StartBitrate)
			// What the encoder sent before DTLS was up never left, its
			// first keyframe with it: start the picture now rather than
			// on the receiver's first PLI.
			c.forceVideoKeyFrame()
		}
		if cfg.OnState != nil {
			cfg.OnState(s)
		}
	})
	return c, nil
}

func (c *Call) onTrack(track *webrtc.TrackRemote, receiver *webrtc.RTPReceiver) {
	if c.cfg.OnTrack == nil {
		return
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.wg.Add(1)
	c.mu.Unlock()
	defer c.wg.Done()
	c.cfg.OnTrack(c.ctx, track, receiver)
}

// onTargetBitrate turns the congestion controller's estimate (all media)
// into a video bitrate.
func (c *Call) onTargetBitrate(rate int) {
	c.applyBitrate(rate - audioReserve)
}

func (c *Call) applyBitrate(video int) {
	setVideoBitrate(c.cfg.Video, clamp(video, c.cfg.MinBitrate, c.cfg.MaxBitrate))
}

// PeerConnection exposes the underlying connection for statistics and
// tests. Callers must not negotiate on it directly.
func (c *Call) PeerConnection() *webrtc.PeerConnection { return c.pc }

// Close ends the call: it closes the PeerConnection (which stops the
// encoders bound to it), cancels the track handlers and waits for them.
// It is safe to call more than once.
func (c *Call) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.mu.Unlock()
	c.cancel()
	err := c.pc.Close()
	c.wg.Wait()
	return err
}
