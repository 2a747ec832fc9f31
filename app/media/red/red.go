// Package red is RFC 2198 redundant audio, as WebRTC uses it for Opus
// ("audio/red" with fmtp "111/111"): each packet carries the previous
// packet's Opus payload again, whole, before its own. A single lost
// packet then costs nothing, where Opus's in-band FEC rebuilds it at a
// fraction of the bitrate. Chromium sends and receives it by default.
//
// A RED payload is a list of block headers, then the blocks' data in the
// same order. Every header but the last is 4 bytes:
//
//	F=1 | block PT (7) | timestamp offset (14) | block length (10)
//
// The last, the primary (this packet's own audio), is 1 byte: F=0 | PT.
package red

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pion/webrtc/v4"
)

// MimeType is the codec name in the SDP.
const MimeType = "audio/red"

// Block is one encoding in a RED payload.
type Block struct {
	// PayloadType is the encoding's RTP payload type (Opus's, for WebRTC).
	PayloadType uint8
	// Offset is how many clock ticks before the packet's timestamp this
	// block's audio starts: 0 for the primary.
	Offset uint16
	// Payload is the encoding's data: a slice of the RED payload.
	Payload []byte
}

// Limits of the format: 14 bits of offset, 10 bits of length.
const (
	maxOffset = 1<<14 - 1
	maxLength = 1<<10 - 1
)

// Errors Split returns, wrapped with where the payload went wrong.
var (
	ErrTruncated = errors.New("red: payload shorter than its headers say")
	ErrEmpty     = errors.New("red: empty payload")
)

// Split parses a RED payload into its redundant blocks, oldest first, and
// its primary. The blocks' payloads are slices of payload. A malformed
// payload gives an error wrapping ErrTruncated or ErrEmpty.
func Split(payload []byte) (redundant []Block, primary Block, err error) {
	if len(payload) == 0 {
		return nil, Block{}, ErrEmpty
	}
	i := 0
	var lengths []int
	for {
		if i >= len(payload) {
			return nil, Block{}, fmt.Errorf("%w: header %d runs off the end", ErrTruncated, len(redundant))
		}
		if payload[i]&0x80 == 0 {
			primary.PayloadType = payload[i] & 0x7f
			i++
			break
		}
		if i+4 > len(payload) {
			return nil, Block{}, fmt.Errorf("%w: header %d runs off the end", ErrTruncated, len(redundant))
		}
		h := uint32(payload[i+1])<<16 | uint32(payload[i+2])<<8 | uint32(payload[i+3])
		redundant = append(redundant, Block{PayloadType: payload[i] & 0x7f, Offset: uint16(h >> 10)})
		lengths = append(lengths, int(h&maxLength))
		i += 4
	}
	for k, n := range lengths {
		if i+n > len(payload) {
			return nil, Block{}, fmt.Errorf("%w: block %d of %d bytes at %d of %d", ErrTruncated, k, n, i, len(payload))
		}
		redundant[k].Payload = payload[i : i+n : i+n]
		i += n
	}
	primary.Payload = payload[i:len(payload):len(payload)]
	return redundant, primary, nil
}

// Payloader builds RED payloads for the packetizer of a sent track: each
// one holds the previous payload (when it fits) and then the new one. It
// implements rtp.Payloader; one Payloader serves one stream.
type Payloader struct {
	// PayloadType is the primary encoding's payload type (Opus's, 111).
	PayloadType uint8
	// Samples is the clock ticks between consecutive payloads (960 for
	// 20 ms of Opus at 48 kHz): the redundant block's offset.
	Samples uint16

	prev []byte
}

// Payload returns one RED payload for an encoded frame. When the previous
// frame would not fit beside it in mtu (or in RED's 10-bit length), the
// frame goes alone: RED has no fragmentation, and audio frames are far
// smaller than a packet.
func (p *Payloader) Payload(mtu uint16, payload []byte) [][]byte {
	if len(payload) == 0 {
		return nil
	}
	var out []byte
	if len(p.prev) > 0 && len(p.prev) <= maxLength && p.Samples <= maxOffset &&
		5+len(p.prev)+len(payload) <= int(mtu) {
		h := uint32(p.Samples)<<10 | uint32(len(p.prev))
		out = make([]byte, 0, 5+len(p.prev)+len(payload))
		out = append(out, 0x80|p.PayloadType, byte(h>>16), byte(h>>8), byte(h))
		out = append(out, p.PayloadType&0x7f)
		out = append(out, p.prev...)
	} else {
		out = make([]byte, 0, 1+len(payload))
		out = append(out, p.PayloadType&0x7f)
	}
	out = append(out, payload...)
	p.prev = append(p.prev[:0], payload...)
	return [][]byte{out}
}

// PreferInAnswer puts RED first among the audio codecs of pc's answer,
// where the remote offer has it: call it between SetRemoteDescription and
// CreateAnswer. An answer lists codecs in the offer's order otherwise, and
// Chromium offers Opus first and sends RED only when the answer puts RED
// first.
func PreferInAnswer(pc *webrtc.PeerConnection) {
	for _, t := range pc.GetTransceivers() {
		if t.Kind() != webrtc.RTPCodecTypeAudio || t.Receiver() == nil {
			continue
		}
		if codecs := first(t.Receiver().GetParameters().Codecs); codecs != nil {
			_ = t.SetCodecPreferences(codecs)
		}
	}
}

// first returns codecs with RED moved to the front, the rest in their
// order, or nil when there is no RED among them.
func first(codecs []webrtc.RTPCodecParameters) []webrtc.RTPCodecParameters {
	i := slices.IndexFunc(codecs, func(c webrtc.RTPCodecParameters) bool {
		return strings.EqualFold(c.MimeType, MimeType)
	})
	if i < 0 {
		return nil
	}
	out := make([]webrtc.RTPCodecParameters, 0, len(codecs))
	out = append(out, codecs[i])
	out = append(out, codecs[:i]...)
	return append(out, codecs[i+1:]...)
}
