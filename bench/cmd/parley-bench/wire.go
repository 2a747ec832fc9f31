package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"

	"github.com/parleyhq/parley/bench/internal/stats"
)

// The wire: tcpdump in the sound namespace keeps the head of every UDP
// packet (SRTP leaves RTP headers and their extensions in the clear), so
// that a Chromium sender's capture times can be read off its packets.

// wireTap is a running tcpdump writing to a file.
type wireTap struct {
	cmd  *exec.Cmd
	file string
}

// tapWire starts capturing the namespace's loopback (where its peers
// meet) to file; nil when it cannot (no namespace, no tcpdump).
func tapWire(ctx context.Context, n *soundNet, file string) *wireTap {
	if n.ns == "" {
		return nil
	}
	if _, err := exec.LookPath("tcpdump"); err != nil {
		return nil
	}
	cmd := n.command(ctx, "tcpdump", "-i", "lo", "-n", "-U", "-s", "160", "-w", file, "udp")
	if cmd.Start() != nil {
		return nil
	}
	// tcpdump reports nothing when it is ready; the file's header is
	// written as soon as it is.
	for range 50 {
		if st, err := os.Stat(file); err == nil && st.Size() > 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return &wireTap{cmd: cmd, file: file}
}

// stop ends the capture and returns the RTP packets it holds.
func (w *wireTap) stop() ([]rtpOnWire, error) {
	_ = w.cmd.Process.Signal(syscall.SIGINT)
	_ = w.cmd.Wait()
	b, err := os.ReadFile(w.file)
	if err != nil {
		return nil, err
	}
	return parsePcap(b)
}

// rtpOnWire is one RTP packet as captured.
type rtpOnWire struct {
	at       time.Time
	ssrc     uint32
	rtpTime  uint32
	size     int       // UDP payload bytes
	captured time.Time // its abs-capture-time stamp, if it has one
}

// parsePcap reads a classic pcap file of Ethernet (a Linux loopback)
// frames and keeps the RTP packets in it.
func parsePcap(b []byte) ([]rtpOnWire, error) {
	if len(b) < 24 {
		return nil, errors.New("pcap: too short")
	}
	var nano bool
	switch binary.LittleEndian.Uint32(b) {
	case 0xa1b2c3d4:
	case 0xa1b23c4d:
		nano = true
	default:
		return nil, errors.New("pcap: not a little-endian capture")
	}
	if link := binary.LittleEndian.Uint32(b[20:]); link != 1 {
		return nil, fmt.Errorf("pcap: link type %d, want Ethernet", link)
	}
	var out []rtpOnWire
	for off := 24; off+16 <= len(b); {
		sec, frac := binary.LittleEndian.Uint32(b[off:]), binary.LittleEndian.Uint32(b[off+4:])
		incl := int(binary.LittleEndian.Uint32(b[off+8:]))
		off += 16
		if off+incl > len(b) {
			break
		}
		frame := b[off : off+incl]
		off += incl
		ns := int64(frac) * 1000
		if nano {
			ns = int64(frac)
		}
		if p, ok := rtpIn(frame); ok {
			p.at = time.Unix(int64(sec), ns)
			out = append(out, p)
		}
	}
	return out, nil
}

// absCaptureTimeLen: the extension holds a 64-bit NTP time, and may add
// a 64-bit clock offset.
const absCaptureTimeLen = 8

// ntpEpoch is 1900-01-01 in Unix seconds.
const ntpEpoch = -2208988800

// rtpIn takes the RTP header out of an Ethernet/IPv4/UDP frame.
func rtpIn(f []byte) (rtpOnWire, bool) {
	var p rtpOnWire
	if len(f) < 14+20+8+12 || f[14]>>4 != 4 || f[14+9] != 17 {
		return p, false
	}
	ip := f[14:]
	ihl := int(ip[0]&15) * 4
	if ihl < 20 || len(ip) < ihl+8+12 {
		return p, false
	}
	udp := ip[ihl:]
	p.size = int(binary.BigEndian.Uint16(udp[4:])) - 8
	r := udp[8:]
	if r[0]>>6 != 2 || r[1]&0x7f >= 72 && r[1]&0x7f <= 79 { // not RTP, or RTCP
		return p, false
	}
	p.rtpTime, p.ssrc = binary.BigEndian.Uint32(r[4:]), binary.BigEndian.Uint32(r[8:])
	if r[0]&0x10 == 0 {
		return p, true
	}
	o := 12 + 4*int(r[0]&15)
	if len(r) < o+4 || binary.BigEndian.Uint16(r[o:]) != 0xBEDE { // one-byte elements only
		return p, true
	}
	end := min(o+4+4*int(binary.BigEndian.Uint16(r[o+2:])), len(r))
	for o += 4; o < end; {
		if r[o] == 0 {
			o++
			continue
		}
		n := int(r[o]&15) + 1
		v := r[min(o+1, end):min(o+1+n, end)]
		o += 1 + n
		// abs-capture-time is the only element of 8 or 16 bytes a
		// browser sends; its ID is the SDP's, so it is known by its size.
		if (n == absCaptureTimeLen || n == 2*absCaptureTimeLen) && len(v) == n {
			ntp := binary.BigEndian.Uint64(v)
			secs := float64(ntp>>32) + float64(ntp&0xffffffff)/(1<<32)
			p.captured = time.Unix(0, 0).Add(time.Duration((secs + ntpEpoch) * float64(time.Second)))
		}
	}
	return p, true
}

// captureLead is how long before a page recorded each click the sender
// (ssrc) captured it, by its abs-capture-time stamps: the packet that
// carries a click is the first one after a pause much larger than the
// pause's, and its capture time is extrapolated from the nearest stamp
// by RTP time (48 kHz). A click may also start the second of the 10 ms
// buffers Chromium's capture makes a 20 ms frame of; of the two, the
// later that is not after the recording is taken (the page cannot record
// what was not captured), so that a lead over 10 ms is taken 10 ms short,
// never long. It returns the leads' median, and false without stamps.
func captureLead(pkts []rtpOnWire, ssrc uint32, recordedMs []float64) (float64, bool) {
	var mine []rtpOnWire
	var sizes []int
	type stamp struct {
		rtp uint32
		at  time.Time
	}
	var stamps []stamp
	for _, p := range pkts {
		if p.ssrc != ssrc {
			continue
		}
		mine = append(mine, p)
		sizes = append(sizes, p.size)
		if !p.captured.IsZero() {
			stamps = append(stamps, stamp{p.rtpTime, p.captured})
		}
	}
	if len(stamps) == 0 {
		return 0, false
	}
	slices.Sort(sizes)
	pause := sizes[len(sizes)/2]
	var leads []float64
	for _, rec := range recordedMs {
		for _, p := range mine {
			if unixMs(p.at) < rec-60 || float64(p.size) < 1.6*float64(pause) {
				continue
			}
			near := stamps[0]
			for _, s := range stamps {
				if math.Abs(float64(int32(p.rtpTime-s.rtp))) < math.Abs(float64(int32(p.rtpTime-near.rtp))) {
					near = s
				}
			}
			frame := unixMs(near.at) + float64(int32(p.rtpTime-near.rtp))*1000/48000
			c := frame + 10
			if c > rec {
				c = frame
			}
			leads = append(leads, rec-c)
			break
		}
	}
	if len(leads) == 0 {
		return 0, false
	}
	return stats.Summarize(leads).Median, true
}

func unixMs(t time.Time) float64 { return float64(t.UnixMicro()) / 1000 }
