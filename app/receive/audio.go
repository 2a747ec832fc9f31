package receive

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"

	"github.com/parleyhq/parley/app/audio"
	"github.com/parleyhq/parley/app/media/opus"
	"github.com/parleyhq/parley/app/media/red"
)

// Audio decoding limits. A lost packet is rebuilt from the next packet's
// in-band FEC when that packet is already here, and otherwise concealed by
// libopus, which continues the voice and fades it out. Gaps of up to
// maxConceal packets are filled so that the audio after them keeps its
// timing. Past that, the speaker is fed silence as it runs dry, for up to
// maxSilence packets more, so that the audio after a burst still plays at
// its time (had the speaker run dry instead, what follows would play at
// once, early by the playout delay, and pauses would be lengthened to
// build the delay back up). A longer outage is skipped (the speaker plays
// silence for it, and filling it afterwards would only add delay). The
// audio after silence fades in over fadeIn instead of starting with a
// click.
const (
	// reorderDepth 0: a missing packet is given up as soon as a later one
	// is here, and rebuilt from that one's FEC. Holding later packets
	// back for it (3 deep, before) delayed every loss by 60 ms, which the
	// playout buffer took for jitter and ran dry on: speech at 5% loss
	// scored STOI 0.78 that way, 0.955 this way (docs/benchmarks.md).
	// Networks lose packets far more often than they reorder them, and a
	// reordered one costs only a frame rebuilt from FEC.
	reorderDepth = 0
	maxConceal   = 5
	// maxSilence: one second, after which the playout's jitter history
	// starts afresh anyway (a pause in arrivals longer than that resets
	// it), so there is no timing left to keep.
	maxSilence = 50
	fadeIn     = audio.SampleRate / 100 // 10 ms

	// When packets stop coming (a burst of losses), the speaker is fed
	// libopus's concealment as it runs dry, as NetEq does, instead of
	// playing silence until the next packet and then the whole gap's
	// concealment late. A packet is given up when it would have been
	// played by now had it come: due (a packet after the one before it)
	// plus the playout target, less dryAt; and the speaker holds less than
	// dryAt. Until then a later packet may still bring it (RED, FEC).
	// waitPoll is how often that is looked at while no packet comes.
	dryAt    = 10 * time.Millisecond
	waitPoll = 5 * time.Millisecond
)

// playoutLevel is an Output that tells how much it holds (audio.Speaker,
// audio.Virtual): the receiver conceals against it.
type playoutLevel interface{ Stats() audio.PlayoutStats }

// AudioConfig says where an audio receiver's sound goes.
type AudioConfig struct {
	// Output plays the decoded audio. Nil decodes only (headless peer, CI);
	// the statistics and tone meter work either way. SetOutput changes it
	// during the call.
	Output audio.Output
	// Channels is the decoded channel count, 1 (default) or 2.
	Channels int
	// REDPayloadType is the payload type of RFC 2198 redundant audio
	// (audio/red) on this track, whose packets carry the previous Opus
	// payload again; 0 when the track is plain Opus.
	REDPayloadType uint8
	// Logger gets decode and output errors at debug level. May be nil.
	Logger *slog.Logger
}

// REDPayloadTypeOf is AudioConfig.REDPayloadType for a track received
// with this codec: its payload type when it is RED, else 0.
func REDPayloadTypeOf(mimeType string, payloadType uint8) uint8 {
	if strings.EqualFold(mimeType, red.MimeType) {
		return payloadType
	}
	return 0
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
	dec, err := opus.NewDecoder(r.cfg.Channels)
	if err != nil {
		return fmt.Errorf("receive: opus decoder: %w", err)
	}
	defer dec.Close()
	d := &audioDecoder{r: r, dec: dec, pcm: make([]float32, opus.MaxFrameSamples*r.cfg.Channels)}
	buf := reorder{depth: reorderDepth}
	var lastArrival time.Time
	var clock mediaClock
	for {
		var deadline time.Time
		if out, ok := r.out.Load().Output.(playoutLevel); ok && d.last > 0 && d.lostRun < maxConceal+maxSilence {
			// No wake-up before the packet due could need concealing.
			deadline = lastArrival.Add(d.due(out.Stats().Target))
			deadline = later(deadline, time.Now().Add(waitPoll))
		}
		pkt, err := src.nextBefore(deadline)
		if err == errWaited {
			if d.dry(lastArrival) {
				buf.giveUp()
				d.lost(nil, true)
			}
			continue
		}
		if err != nil {
			return endOf(err)
		}
		lastArrival = time.Now()
		if a, ok := r.out.Load().Output.(audio.Arrivals); ok {
			a.Arrived(clock.media(pkt.Timestamp))
		}
		if r.cfg.REDPayloadType != 0 && pkt.PayloadType == r.cfg.REDPayloadType && !d.unwrap(pkt) {
			continue
		}
		if buf.behind(pkt.SequenceNumber) && d.uncovered(pkt.Timestamp) {
			// Its turn was given up, but its audio is new: the sender paused
			// (muted, replaced its track) and resumed, and the silence played
			// for the pause took its sequence numbers, not its audio.
			buf.restart(pkt.SequenceNumber)
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
				d.lost(buf.peek(), false)
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
	// covered is the RTP timestamp up to which audio has been played or
	// given up: a packet at or after it is new audio, whatever its
	// sequence number says.
	covered uint32
	silent  bool // silence was played for lost packets: fade the next audio in
	// redundant holds the RED blocks of the packets waiting in the
	// reorder buffer, by sequence number as the buffer keeps them.
	redundant [reorderWindow]redundancy
}

// redundancy is what one RED packet carries of the packets before it.
type redundancy struct {
	seq    uint16
	blocks []red.Block
}

// mediaClock turns RTP timestamps (48 kHz for Opus, wrapping at 2^32)
// into time since the stream's first packet.
type mediaClock struct {
	started bool
	last    uint32
	ticks   int64
}

func (c *mediaClock) media(ts uint32) time.Duration {
	if !c.started {
		c.started, c.last = true, ts
	}
	c.ticks += int64(int32(ts - c.last))
	c.last = ts
	return time.Duration(c.ticks) * time.Second / audio.SampleRate
}

// dry says whether the packet due would be playing by now and the
// speaker is about to run out: time to conceal it rather than wait.
func (d *audioDecoder) dry(lastArrival time.Time) bool {
	out, ok := d.r.out.Load().Output.(playoutLevel)
	if !ok {
		return false
	}
	st := out.Stats()
	return time.Since(lastArrival) >= d.due(st.Target) && st.Queued < dryAt
}

// due is how long after the last arrival the packet due would be
// playing, had it come: one packet per packet already given up, one for
// itself, and the playout target, less dryAt.
func (d *audioDecoder) due(target time.Duration) time.Duration {
	return time.Duration(d.lostRun+1)*framesDuration(d.last) + target - dryAt
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func framesDuration(samples int) time.Duration {
	return time.Duration(samples) * time.Second / audio.SampleRate
}

// unwrap turns a RED packet into its primary Opus packet and keeps its
// redundant blocks for a loss before it; a malformed one counts as bad
// and is dropped (false).
func (d *audioDecoder) unwrap(p *rtp.Packet) bool {
	if len(p.Payload) == 0 {
		return true // padding (Chromium probes with it), as for plain Opus
	}
	blocks, primary, err := red.Split(p.Payload)
	if err != nil {
		d.r.stats.update(func(s *AudioStats) { s.PacketsBad++ })
		d.r.cfg.Logger.Debug("bad RED packet", "err", err, "seq", p.SequenceNumber)
		return false
	}
	p.Payload, p.PayloadType = primary.Payload, primary.PayloadType
	d.redundant[p.SequenceNumber%reorderWindow] = redundancy{seq: p.SequenceNumber, blocks: blocks}
	return true
}

// copyOf returns next's redundant copy of the packet just before it: the
// block one packet's length (d.last) earlier.
func (d *audioDecoder) copyOf(next *rtp.Packet) []byte {
	r := &d.redundant[next.SequenceNumber%reorderWindow]
	if r.seq != next.SequenceNumber {
		return nil
	}
	for _, b := range r.blocks {
		if int(b.Offset) == d.last && len(b.Payload) > 0 {
			return b.Payload
		}
	}
	return nil
}

// uncovered says whether the audio at RTP timestamp ts is still to be
// played: after everything played or given up so far.
func (d *audioDecoder) uncovered(ts uint32) bool {
	return d.last > 0 && int32(ts-d.covered) >= 0
}

func (d *audioDecoder) decode(p *rtp.Packet) {
	d.lostRun = 0
	if len(p.Payload) == 0 {
		// Padding only (browsers send such packets to probe bandwidth):
		// it takes a sequence number but carries no audio.
		return
	}
	d.covered = p.Timestamp + uint32(d.last)
	n, err := d.dec.Decode(p.Payload, d.pcm)
	if err != nil {
		d.r.stats.update(func(s *AudioStats) { s.DecodeErrors++ })
		d.r.cfg.Logger.Debug("opus decode failed", "err", err, "seq", p.SequenceNumber, "len", len(p.Payload), "toc", p.Payload[0])
		d.conceal(false)
		return
	}
	d.last = n
	d.covered = p.Timestamp + uint32(n)
	d.play(d.pcm[:n*d.r.cfg.Channels])
	// Counted once delivered, so a reader of the count finds the audio
	// already at the Output.
	d.r.stats.update(func(s *AudioStats) { s.PacketsDecoded++ })
}

// lost fills in for a packet that never came: from next (the packet after
// it) when next is here and carries a copy of it (RED) or its in-band FEC,
// else by libopus's concealment for gaps of up to maxConceal packets, and
// by silence for up to maxSilence more. dry: the speaker is running out
// now. A packet given up after that, or with next come when the speaker
// cannot say how much it holds, is not filled: the speaker has played
// silence for it already.
func (d *audioDecoder) lost(next *rtp.Packet, dry bool) {
	d.lostRun++
	if d.last == 0 {
		d.r.stats.update(func(s *AudioStats) { s.PacketsLost++ })
		return
	}
	d.covered += uint32(d.last)
	if d.lostRun > maxConceal+maxSilence || d.lostRun > maxConceal && !dry && !d.timed() {
		d.r.stats.update(func(s *AudioStats) { s.PacketsLost++ })
		d.silent = true
		return
	}
	if next != nil && d.rebuild(next) {
		return
	}
	d.r.stats.update(func(s *AudioStats) { s.PacketsLost++ })
	if d.lostRun > maxConceal {
		pcm := d.pcm[:d.last*d.r.cfg.Channels]
		clear(pcm)
		d.emit(pcm)
		d.silent = true
		return
	}
	d.conceal(d.lostRun == maxConceal)
}

// timed says whether the Output tells how much it holds, so that silence
// for lost packets is played as it runs dry, not left to it.
func (d *audioDecoder) timed() bool {
	_, ok := d.r.out.Load().Output.(playoutLevel)
	return ok
}

// rebuild plays the lost packet before next from next's copy of it (RED)
// or its in-band FEC, if it has either.
func (d *audioDecoder) rebuild(next *rtp.Packet) bool {
	n, err := 0, errNoCopy
	if c := d.copyOf(next); c != nil {
		if n, err = d.dec.Decode(c, d.pcm); err == nil {
			d.last = n
		}
	}
	if err != nil && opus.HasFEC(next.Payload) {
		n, err = d.dec.DecodeFEC(next.Payload, d.pcm, d.last)
	}
	if err != nil {
		return false
	}
	d.r.stats.update(func(s *AudioStats) { s.PacketsLost++; s.PacketsRecovered++ })
	d.play(d.pcm[:n*d.r.cfg.Channels])
	return true
}

var errNoCopy = errors.New("no copy of the lost packet")

// conceal emits one packet's length of libopus's concealment in place of
// a missing or undecodable packet; last fades it out, for silence follows.
func (d *audioDecoder) conceal(last bool) {
	if d.last == 0 {
		return
	}
	n, err := d.dec.Conceal(d.pcm, d.last)
	if err != nil {
		d.r.cfg.Logger.Debug("opus concealment failed", "err", err)
		n = d.last
		clear(d.pcm[:n*d.r.cfg.Channels])
	}
	d.r.stats.update(func(s *AudioStats) { s.PacketsConcealed++ })
	pcm := d.pcm[:n*d.r.cfg.Channels]
	if last {
		rampDown(pcm, d.r.cfg.Channels)
	}
	d.emit(pcm)
}

// rampUp fades in the first fadeIn samples of audio that follows a gap
// too long to conceal, which would otherwise start with a click.
func rampUp(pcm []float32, channels int) {
	frames := min(fadeIn, len(pcm)/channels)
	for i := range frames {
		g := float32(i) / float32(fadeIn)
		for c := range channels {
			pcm[i*channels+c] *= g
		}
	}
}

// play emits decoded audio, faded in if silence came before it.
func (d *audioDecoder) play(pcm []float32) {
	if d.silent {
		rampUp(pcm, d.r.cfg.Channels)
		d.silent = false
	}
	d.emit(pcm)
}

// rampDown fades out the last fadeIn samples of concealment that silence
// follows.
func rampDown(pcm []float32, channels int) {
	frames := len(pcm) / channels
	for i := range min(fadeIn, frames) {
		g := float32(i) / float32(fadeIn)
		for c := range channels {
			pcm[(frames-1-i)*channels+c] *= g
		}
	}
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
