package receive

import (
	"encoding/binary"
	"log/slog"
	"time"

	"github.com/pion/webrtc/v4/pkg/media"
)

// Assembler limits. maxLatePackets bounds how many packets wait behind
// a missing one (a 720p keyframe is about 100 packets); maxFrameDelay bounds
// the wait in media time, so one lost packet freezes the picture for at most
// this long before the frame is given up and a keyframe requested. NACK
// retransmissions on a real link arrive well within it.
const (
	maxLatePackets = 512
	maxFrameDelay  = 200 * time.Millisecond
	// maxFrameDelayTicks is maxFrameDelay in RTP timestamp units.
	maxFrameDelayTicks = int32(maxFrameDelay * vp8ClockRate / time.Second)
	vp8ClockRate       = 90000
	maxPending         = 64 // packets held while waiting for the first frame start
)

// Largest picture accepted: 4K UHD, either way round. Parley sends at most
// 720p; the margin is for other WebRTC senders.
const (
	maxDimension = 3840
	maxPixels    = 3840 * 2160
)

// pictureID is the VP8 payload descriptor's picture ID of a frame's first
// packet. Consecutive frames have consecutive IDs, so a jump shows that a
// whole frame was lost even when no packet of it ever arrived.
type pictureID struct{ id uint16 }

// vp8Frames rebuilds VP8 frames from RTP packets and hands them to the VP8
// decoder one per Read. It drops frames that cannot be decoded correctly
// (before the first keyframe, after a loss or decode error, until the next
// keyframe) and asks for a keyframe for each one it drops. A stream that
// starts with a keyframe, as senders' streams do, costs no request.
type vp8Frames struct {
	src   *source
	asm   *assembler
	key   *keyFrameRequester
	stats *videoCounters
	log   *slog.Logger

	waitKey bool       // true until a keyframe arrives after start, loss or error
	lastPic *pictureID // picture ID of the last frame passed on
	err     error      // why the source ended; set once
}

func newVP8Frames(src *source, key *keyFrameRequester, stats *videoCounters, log *slog.Logger) *vp8Frames {
	asm := newAssembler(stats.latePacket)
	return &vp8Frames{src: src, asm: asm, key: key, stats: stats, log: log, waitKey: true}
}

// Read copies the next decodable frame into p. Its error is the source's
// error once the track or context ended.
func (v *vp8Frames) Read(p []byte) (int, error) {
	for {
		if s := v.asm.pop(); s != nil {
			n, ok := v.accept(s, p)
			if ok {
				return n, nil
			}
			continue
		}
		pkt, err := v.src.next()
		if err != nil {
			v.err = err
			return 0, err
		}
		v.stats.packet()
		v.asm.push(pkt)
	}
}

// accept decides whether sample s goes to the decoder and copies it into p.
func (v *vp8Frames) accept(s *media.Sample, p []byte) (int, bool) {
	v.stats.frame(s.PrevDroppedPackets)
	pic, _ := s.Metadata.(*pictureID)
	if v.lost(s, pic) {
		v.waitKey = true
	}
	v.lastPic = pic
	if len(s.Data) == 0 {
		return 0, false
	}
	if isVP8KeyFrame(s.Data) {
		if w, h := vp8KeyFrameSize(s.Data); w > maxDimension || h > maxDimension || w*h > maxPixels {
			// libvpx would allocate whatever the header claims (up to
			// 16383x16383, over a gigabyte with references); a peer must
			// not be able to make us do that.
			v.stats.decodeError()
			v.afterError()
			return 0, false
		}
		v.waitKey = false
	}
	if v.waitKey {
		v.log.Debug("vp8 frame skipped", "dropped_before", s.PrevDroppedPackets, "picture_id", pictureIDAttr(pic), "len", len(s.Data))
		v.stats.skipped()
		v.requestKey()
		return 0, false
	}
	if len(s.Data) > len(p) {
		v.stats.decodeError()
		v.afterError()
		return 0, false
	}
	return copy(p, s.Data), true
}

// lost reports whether frames went missing before s. With picture IDs the
// answer is exact; without them any packet the assembler gave up counts.
func (v *vp8Frames) lost(s *media.Sample, pic *pictureID) bool {
	if pic != nil && v.lastPic != nil {
		return !nextPictureID(v.lastPic.id, pic.id)
	}
	return s.PrevDroppedPackets > 0
}

// afterError stops decoding until a keyframe: frames after a broken one
// reference a picture the decoder does not have.
func (v *vp8Frames) afterError() {
	v.waitKey = true
	v.requestKey()
}

func (v *vp8Frames) requestKey() {
	if v.key.request() {
		v.stats.keyRequested()
	}
}

// nextPictureID reports whether cur follows prev. IDs are 7 or 15 bits and
// a sender may switch from the short to the long form, so both wraps count.
func nextPictureID(prev, cur uint16) bool {
	if cur == (prev+1)&0x7FFF {
		return true
	}
	return cur < 0x80 && cur == (prev+1)&0x7F
}

// vp8KeyFrameSize reads a keyframe's picture size (RFC 6386 section 9.2:
// 14 bits each, the top two bits are a scaling hint).
func vp8KeyFrameSize(b []byte) (w, h int) {
	return int(binary.LittleEndian.Uint16(b[6:8]) & 0x3fff), int(binary.LittleEndian.Uint16(b[8:10]) & 0x3fff)
}

// isVP8KeyFrame reads the frame tag (RFC 6386 section 9.1): bit 0 of the
// first byte is 0 for a keyframe, which then carries the start code
// 9d 01 2a after the three-byte tag.
func isVP8KeyFrame(b []byte) bool {
	return len(b) >= 10 && b[0]&1 == 0 && b[3] == 0x9d && b[4] == 0x01 && b[5] == 0x2a
}

func pictureIDAttr(p *pictureID) int {
	if p == nil {
		return -1
	}
	return int(p.id)
}
