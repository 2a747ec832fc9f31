package vp8

// #cgo pkg-config: vpx
// #include <stdlib.h>
// #include <vpx/vpx_decoder.h>
// #include <vpx/vp8dx.h>
//
// // picture describes the frame libvpx just decoded; the planes belong to
// // libvpx and stay valid until the next decode.
// typedef struct {
//   unsigned char *y, *u, *v;
//   int ys, us, vs;
//   int w, h, fmt;
//   int shown;
// } picture;
//
// // vpxdec keeps the libvpx decoder, its input and the description of its
// // output in C memory: libvpx remembers the last input pointer in its
// // context after a call, so the compressed frame is copied into in (grown
// // as needed) rather than passed from Go memory; and a Go variable passed
// // by address to C would escape to the heap, one allocation per frame.
// typedef struct {
//   vpx_codec_ctx_t ctx;
//   int initialised;
//   unsigned char *in;
//   size_t in_cap;
//   picture pic;
// } vpxdec;
//
// static vpx_codec_err_t vpxdec_init(vpxdec *s) {
//   vpx_codec_dec_cfg_t cfg = {0};
//   cfg.threads = 1;
//   vpx_codec_err_t err = vpx_codec_dec_init(&s->ctx, vpx_codec_vp8_dx(), &cfg, 0);
//   if (err == VPX_CODEC_OK) s->initialised = 1;
//   return err;
// }
//
// static void vpxdec_destroy(vpxdec *s) {
//   if (s->initialised) vpx_codec_destroy(&s->ctx);
//   s->initialised = 0;
//   free(s->in);
//   s->in = 0;
//   s->in_cap = 0;
// }
//
// // vpxdec_input returns a C buffer of at least n bytes for the next
// // frame, or 0 when out of memory.
// static unsigned char *vpxdec_input(vpxdec *s, size_t n) {
//   if (n > s->in_cap) {
//     unsigned char *p = realloc(s->in, n);
//     if (p == 0) return 0;
//     s->in = p;
//     s->in_cap = n;
//   }
//   return s->in;
// }
//
// // vpxdec_decode decodes the n bytes in s->in and fills s->pic with the
// // picture to show; pic.shown is 0 for a frame libvpx decodes but does not
// // show.
// static vpx_codec_err_t vpxdec_decode(vpxdec *s, unsigned int n) {
//   picture *pic = &s->pic;
//   pic->shown = 0;
//   vpx_codec_err_t err = vpx_codec_decode(&s->ctx, s->in, n, 0, 0);
//   if (err != VPX_CODEC_OK) return err;
//   vpx_codec_iter_t it = 0;
//   vpx_image_t *img = vpx_codec_get_frame(&s->ctx, &it);
//   if (img == 0) return VPX_CODEC_OK;
//   pic->y = img->planes[VPX_PLANE_Y];
//   pic->u = img->planes[VPX_PLANE_U];
//   pic->v = img->planes[VPX_PLANE_V];
//   pic->ys = img->stride[VPX_PLANE_Y];
//   pic->us = img->stride[VPX_PLANE_U];
//   pic->vs = img->stride[VPX_PLANE_V];
//   pic->w = img->d_w;
//   pic->h = img->d_h;
//   pic->fmt = img->fmt;
//   pic->shown = 1;
//   return VPX_CODEC_OK;
// }
//
// static const char *vpxdec_error(vpxdec *s) { return vpx_codec_error_detail(&s->ctx); }
// static int fmt_i420(void) { return VPX_IMG_FMT_I420; }
import "C"

import (
	"unsafe"
)

// vpxDecoder is one libvpx VP8 decoder instance. It is not safe for
// concurrent use; Decoder serialises access.
type vpxDecoder struct {
	c *C.vpxdec
}

// planes is a decoded picture still in libvpx's memory: valid until the
// next decode or close.
type planes struct {
	y, u, v                   []byte
	yStride, uStride, vStride int
	width, height             int
}

func newVPXDecoder() (*vpxDecoder, error) {
	c := (*C.vpxdec)(C.calloc(1, C.size_t(unsafe.Sizeof(C.vpxdec{}))))
	if c == nil {
		return nil, errOutOfMemory
	}
	s := &vpxDecoder{c: c}
	if e := C.vpxdec_init(c); e != C.VPX_CODEC_OK {
		err := s.err("init", e)
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *vpxDecoder) err(op string, code C.vpx_codec_err_t) error {
	var detail *C.char
	if s.c.initialised != 0 {
		detail = C.vpxdec_error(s.c)
	}
	return libvpxError(op, code, detail)
}

// decode decodes one compressed frame. It reports shown false for a frame
// that libvpx decodes but does not show. A picture that is not I420 is
// reported as errNotI420Output (VP8 has no other format; this guards the
// plane arithmetic).
func (s *vpxDecoder) decode(data []byte) (planes, bool, error) {
	in := C.vpxdec_input(s.c, C.size_t(len(data)))
	if in == nil {
		return planes{}, false, errOutOfMemory
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(in)), len(data)), data)
	if e := C.vpxdec_decode(s.c, C.uint(len(data))); e != C.VPX_CODEC_OK {
		return planes{}, false, s.err("decode", e)
	}
	pic := &s.c.pic
	if pic.shown == 0 {
		return planes{}, false, nil
	}
	if pic.fmt != C.fmt_i420() {
		return planes{}, false, errNotI420Output
	}
	w, h := int(pic.w), int(pic.h)
	ch := (h + 1) / 2
	p := planes{
		yStride: int(pic.ys), uStride: int(pic.us), vStride: int(pic.vs),
		width: w, height: h,
	}
	if w <= 0 || h <= 0 || p.yStride < w || p.uStride < (w+1)/2 || p.vStride < (w+1)/2 {
		return planes{}, false, errBadPlanes
	}
	p.y = unsafe.Slice((*byte)(unsafe.Pointer(pic.y)), p.yStride*(h-1)+w)
	p.u = unsafe.Slice((*byte)(unsafe.Pointer(pic.u)), p.uStride*(ch-1)+(w+1)/2)
	p.v = unsafe.Slice((*byte)(unsafe.Pointer(pic.v)), p.vStride*(ch-1)+(w+1)/2)
	return p, true, nil
}

func (s *vpxDecoder) close() {
	if s.c != nil {
		C.vpxdec_destroy(s.c)
		C.free(unsafe.Pointer(s.c))
		s.c = nil
	}
}
