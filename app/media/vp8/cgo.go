package vp8

// #cgo pkg-config: vpx
// #include <stdlib.h>
// #include <string.h>
// #include <vpx/vpx_encoder.h>
// #include <vpx/vp8cx.h>
//
// // vpxenc keeps everything libvpx holds on to in C memory, so Go never
// // passes a pointer to Go memory that C keeps after a call returns.
// typedef struct {
//   vpx_codec_ctx_t ctx;
//   vpx_codec_enc_cfg_t cfg;
//   vpx_image_t img;
//   int initialised;
// } vpxenc;
//
// typedef struct {
//   int w, h, threads, bitrate_kbps, min_q, max_q, kf_max_dist, cpu_used;
//   int max_intra_pct;
// } settings;
//
// static vpx_codec_err_t vpxenc_init(vpxenc *s, settings st) {
//   vpx_codec_err_t err = vpx_codec_enc_config_default(vpx_codec_vp8_cx(), &s->cfg, 0);
//   if (err != VPX_CODEC_OK) return err;
//   s->cfg.g_w = st.w;
//   s->cfg.g_h = st.h;
//   s->cfg.g_threads = st.threads;
//   s->cfg.g_timebase.num = 1;
//   s->cfg.g_timebase.den = 90000;
//   s->cfg.g_lag_in_frames = 0;
//   s->cfg.g_error_resilient = VPX_ERROR_RESILIENT_DEFAULT;
//   s->cfg.g_pass = VPX_RC_ONE_PASS;
//   s->cfg.rc_end_usage = VPX_CBR;
//   s->cfg.rc_target_bitrate = st.bitrate_kbps;
//   s->cfg.rc_min_quantizer = st.min_q;
//   s->cfg.rc_max_quantizer = st.max_q;
//   s->cfg.rc_undershoot_pct = 100;
//   s->cfg.rc_overshoot_pct = 15;
//   s->cfg.rc_buf_initial_sz = 500;
//   s->cfg.rc_buf_optimal_sz = 600;
//   s->cfg.rc_buf_sz = 1000;
//   s->cfg.rc_dropframe_thresh = 0;
//   s->cfg.rc_resize_allowed = 0;
//   s->cfg.kf_mode = VPX_KF_AUTO;
//   s->cfg.kf_min_dist = 0;
//   s->cfg.kf_max_dist = st.kf_max_dist;
//   err = vpx_codec_enc_init(&s->ctx, vpx_codec_vp8_cx(), &s->cfg, 0);
//   if (err != VPX_CODEC_OK) return err;
//   s->initialised = 1;
//   if ((err = vpx_codec_control(&s->ctx, VP8E_SET_CPUUSED, st.cpu_used)) != VPX_CODEC_OK) return err;
//   if ((err = vpx_codec_control(&s->ctx, VP8E_SET_STATIC_THRESHOLD, 1)) != VPX_CODEC_OK) return err;
//   if ((err = vpx_codec_control(&s->ctx, VP8E_SET_NOISE_SENSITIVITY, 0)) != VPX_CODEC_OK) return err;
//   if ((err = vpx_codec_control(&s->ctx, VP8E_SET_TOKEN_PARTITIONS, st.threads > 1 ? VP8_ONE_TOKENPARTITION + 1 : VP8_ONE_TOKENPARTITION)) != VPX_CODEC_OK) return err;
//   if ((err = vpx_codec_control(&s->ctx, VP8E_SET_MAX_INTRA_BITRATE_PCT, st.max_intra_pct)) != VPX_CODEC_OK) return err;
//   vpx_img_wrap(&s->img, VPX_IMG_FMT_I420, st.w, st.h, 1, (unsigned char *)1);
//   return VPX_CODEC_OK;
// }
//
// static void vpxenc_destroy(vpxenc *s) {
//   if (s->initialised) vpx_codec_destroy(&s->ctx);
//   s->initialised = 0;
// }
//
// static vpx_codec_err_t vpxenc_set_bitrate(vpxenc *s, int kbps) {
//   s->cfg.rc_target_bitrate = kbps;
//   return vpx_codec_enc_config_set(&s->ctx, &s->cfg);
// }
//
// // vpxenc_encode compresses one I420 picture. The plane pointers are only
// // used during the call and cleared before it returns.
// static vpx_codec_err_t vpxenc_encode(vpxenc *s,
//     unsigned char *y, unsigned char *u, unsigned char *v,
//     int ys, int cs, long long pts, unsigned long dur, int force_kf) {
//   s->img.planes[VPX_PLANE_Y] = y;
//   s->img.planes[VPX_PLANE_U] = u;
//   s->img.planes[VPX_PLANE_V] = v;
//   s->img.stride[VPX_PLANE_Y] = ys;
//   s->img.stride[VPX_PLANE_U] = cs;
//   s->img.stride[VPX_PLANE_V] = cs;
//   vpx_codec_err_t err = vpx_codec_encode(&s->ctx, &s->img, pts, dur,
//       force_kf ? VPX_EFLAG_FORCE_KF : 0, VPX_DL_REALTIME);
//   s->img.planes[VPX_PLANE_Y] = s->img.planes[VPX_PLANE_U] = s->img.planes[VPX_PLANE_V] = 0;
//   return err;
// }
//
// // vpxenc_next returns the next compressed frame packet, or 0.
// static const vpx_codec_cx_pkt_t *vpxenc_next(vpxenc *s, vpx_codec_iter_t *it) {
//   const vpx_codec_cx_pkt_t *p;
//   while ((p = vpx_codec_get_cx_data(&s->ctx, it)) != 0) {
//     if (p->kind == VPX_CODEC_CX_FRAME_PKT) return p;
//   }
//   return 0;
// }
// static void *pkt_buf(const vpx_codec_cx_pkt_t *p) { return p->data.frame.buf; }
// static size_t pkt_size(const vpx_codec_cx_pkt_t *p) { return p->data.frame.sz; }
// static int pkt_key(const vpx_codec_cx_pkt_t *p) { return (p->data.frame.flags & VPX_FRAME_IS_KEY) != 0; }
// static const char *vpxenc_error(vpxenc *s) { return vpx_codec_error_detail(&s->ctx); }
import "C"

import (
	"fmt"
	"unsafe"
)

// vpxEncoder is one libvpx VP8 encoder instance. It is not safe for
// concurrent use; Encoder serialises access.
type vpxEncoder struct {
	c *C.vpxenc
}

type vpxEncoderSettings struct {
	width, height, threads, bitrateKbps, minQ, maxQ, kfMaxDist, cpuUsed, maxIntraPct int
}

func newVPXEncoder(st vpxEncoderSettings) (*vpxEncoder, error) {
	c := (*C.vpxenc)(C.calloc(1, C.size_t(unsafe.Sizeof(C.vpxenc{}))))
	if c == nil {
		return nil, fmt.Errorf("vp8: out of memory")
	}
	err := C.vpxenc_init(c, C.settings{
		w: C.int(st.width), h: C.int(st.height), threads: C.int(st.threads),
		bitrate_kbps: C.int(st.bitrateKbps), min_q: C.int(st.minQ), max_q: C.int(st.maxQ),
		kf_max_dist: C.int(st.kfMaxDist), cpu_used: C.int(st.cpuUsed), max_intra_pct: C.int(st.maxIntraPct),
	})
	if err != C.VPX_CODEC_OK {
		s := &vpxEncoder{c: c}
		e := s.err("init", err)
		s.close()
		return nil, e
	}
	return &vpxEncoder{c: c}, nil
}

func (s *vpxEncoder) err(op string, code C.vpx_codec_err_t) error {
	var detail *C.char
	if s.c.initialised != 0 {
		detail = C.vpxenc_error(s.c)
	}
	return libvpxError(op, code, detail)
}

// libvpxError describes a failed libvpx call, the encoder's or the
// decoder's: the code's text and the codec's own detail, if it gave one
// (detail may be nil).
func libvpxError(op string, code C.vpx_codec_err_t, detail *C.char) error {
	msg := C.GoString(C.vpx_codec_err_to_string(code))
	if detail != nil {
		msg += ": " + C.GoString(detail)
	}
	return &Error{Op: op, Code: int(code), Msg: msg}
}

func (s *vpxEncoder) setBitrate(kbps int) error {
	if e := C.vpxenc_set_bitrate(s.c, C.int(kbps)); e != C.VPX_CODEC_OK {
		return s.err("set bitrate", e)
	}
	return nil
}

// encode compresses one picture and appends the compressed frame to dst.
func (s *vpxEncoder) encode(dst []byte, y, u, v []byte, yStride, cStride int, pts int64, dur uint64, forceKey bool) ([]byte, bool, error) {
	kf := C.int(0)
	if forceKey {
		kf = 1
	}
	if e := C.vpxenc_encode(s.c,
		(*C.uchar)(unsafe.Pointer(&y[0])), (*C.uchar)(unsafe.Pointer(&u[0])), (*C.uchar)(unsafe.Pointer(&v[0])),
		C.int(yStride), C.int(cStride), C.longlong(pts), C.ulong(dur), kf); e != C.VPX_CODEC_OK {
		return dst, false, s.err("encode", e)
	}
	key := false
	var it C.vpx_codec_iter_t
	for p := C.vpxenc_next(s.c, &it); p != nil; p = C.vpxenc_next(s.c, &it) {
		dst = append(dst, unsafe.Slice((*byte)(C.pkt_buf(p)), int(C.pkt_size(p)))...)
		key = key || C.pkt_key(p) != 0
	}
	return dst, key, nil
}

func (s *vpxEncoder) close() {
	if s.c != nil {
		C.vpxenc_destroy(s.c)
		C.free(unsafe.Pointer(s.c))
		s.c = nil
	}
}
