package receive

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/pion/opus"
	"github.com/pion/rtp"

	"github.com/parleyhq/parley/app/audio"
)

// Audio decoding limits. An Opus packet holds at most 120 ms. Gaps of up
// to maxConceal packets are filled with silence so that the audio after
// them keeps its timing; a longer outage is skipped, since the speaker has
// already played silence for it and filling it now would only add delay.
const (
	maxOpusSamples = audio.SampleRate * 120 / 1000
	reorderDepth   = 3
	maxConceal     = 3
)

// AudioConfig says where an audio receiver's sound goes.
type AudioConfig struct {
	// Output plays the decoded audio. Nil decodes only (headless peer, CI);
	// the statistics and tone meter work either way. SetOutput changes it
	// during the call.
	Output audio.Output
	// Channels is the decoded channel count, 1 (default) or 2.
	Channels int
	// Logger gets decode and output errors at debug level. May be nil.
	Logger *slog.Logger
}

// AudioReceiver decodes one remote Opus track.
type AudioReceiver struct {
	track RTPReader
	cfg   AudioConfig
	out   atomic.Pointer[outputBox]
	stats audioCounters
	meter toneMeter
}

// NewAudioReceiver prepares a receiver for track; Run does the work.
func NewAudioReceiver(track RTPReader, cfg AudioConfig) (*AudioReceiver, error) {
	if track == nil {
		return nil, ErrNoTrack
	}
	if cfg.Channels == 0 {
		cfg.Channels = 1
	}
	if cfg.Channels != 1 && cfg.Channels != 2 {
		return nil, &audio.ChannelsError{Channels: cfg.Channels}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	r := &AudioReceiver{track: track, cfg: cfg}
	r.SetOutput(cfg.Output)
	return r, nil
}

// outputBox lets an interface value live in an atomic.Pointer.
type outputBox struct{ audio.Output }

// SetOutput sends the audio to out from the next packet on (nil: decode
// only), for a speaker chosen or unplugged during a call. The receiver does
// not close the old output; its owner does.
func (r *AudioReceiver) SetOutput(out audio.Output) {
	r.out.Store(&outputBox{out})
}

// Stats returns the receiver's counters; safe to call at any time.
func (r *AudioReceiver) Stats() AudioStats {
	s := r.stats.snapshot()
	s.Level = r.meter.level()
	return s
}

// DominantFrequency returns the strongest frequency (Hz) in the last
// third of a second of decoded audio, or 0 for silence. It costs one FFT of
// 16384 points, so ask now and then, not per packet.
func (r *AudioReceiver) DominantFrequency() float64 { return r.meter.dominantFrequency() }

// Run decodes packets as they arrive and writes the audio to the Output
// until ctx ends or the track closes; either returns nil. It starts no
// goroutine, and a cancelled ctx unblocks a pending read when the track has
// SetReadDeadline (a *webrtc.TrackRemote does).
func (r *AudioReceiver) Run(ctx context.Context) error {
	src := newSource(ctx, r.track, func() { r.stats.update(func(s *AudioStats) { s.PacketsBad++ }) })
	defer src.close()
	dec, err := opus.NewDecoderWithOutput(audio.SampleRate, r.cfg.Channels)
	if err != nil {
		return fmt.Errorf("receive: opus decoder: %w", err)
	}
	d := &audioDecoder{r: r, dec: &dec, pcm: make([]float32, maxOpusSamples*r.cfg.Channels)}
	buf := reorder{depth: reorderDepth}
	for {
		pkt, err := src.next()
		if err != nil {
			return endOf(err)
		}
		late := buf.late + buf.duplicate
		buf.push(pkt)
		now := time.Now()
		r.stats.update(func(s *AudioStats) {
			s.PacketsReceived++
			s.PacketsLate += buf.late + buf.duplicate - late
			s.LastPacket = now
		})
		for {
			p, lost := buf.pop()
			if p == nil && !lost {
				break
			}
			if lost {
				d.lost()
				continue
			}
			d.decode(p)
		}
	}
}

// audioDecoder turns ordered packets into audio for the Output and meter.
type audioDecoder struct {
	r       *AudioReceiver
	dec     *opus.Decoder
	pcm     []float32
	last    int // samples per channel of the last decoded packet
	lostRun int // packets lost in a row
}

func (d *audioDecoder) decode(p *rtp.Packet) {
	d.lostRun = 0
	if len(p.Payload) == 0 {
		// Padding only (browsers send such packets to probe bandwidth):
		// it takes a sequence number but carries no audio.
		return
	}
	n, err := d.dec.DecodeToFloat32(p.Payload, d.pcm)
	if err != nil {
		d.r.stats.update(func(s *AudioStats) { s.DecodeErrors++ })
		d.r.cfg.Logger.Debug("opus decode failed", "err", err, "seq", p.SequenceNumber, "len", len(p.Payload), "toc", p.Payload[0])
		d.silence()
		return
	}
	d.r.stats.update(func(s *AudioStats) { s.PacketsDecoded++ })
	d.last = n
	d.emit(d.pcm[:n*d.r.cfg.Channels])
}

// lost accounts for a packet that never came, concealing short gaps.
func (d *audioDecoder) lost() {
	d.lostRun++
	conceal := d.lostRun <= maxConceal && d.last > 0
	d.r.stats.update(func(s *AudioStats) {
		s.PacketsLost++
		if conceal {
			s.PacketsConcealed++
		}
	})
	if conceal {
		d.silence()
	}
}

// silence emits one packet's length of silence in place of a missing or
// undecodable one.
func (d *audioDecoder) silence() {
	if d.last == 0 {
		return
	}
	out := d.pcm[:d.last*d.r.cfg.Channels]
	clear(out)
	d.emit(out)
}

func (d *audioDecoder) emit(pcm []float32) {
	ch := d.r.cfg.Channels
	d.r.meter.write(pcm, ch)
	out := d.r.out.Load().Output
	if out == nil {
		return
	}
	if err := out.Write(pcm, ch); err != nil {
		d.r.stats.update(func(s *AudioStats) { s.OutputErrors++ })
		d.r.cfg.Logger.Debug("audio output refused samples", "err", err)
	}
}
