package jpeg

// #cgo LDFLAGS: -ljpeg
// #include <stdio.h>
// #include <stdlib.h>
// #include <setjmp.h>
// #include <jpeglib.h>
// #include <jerror.h>
//
// // failure is libjpeg's error manager made to return: the default
// // error_exit prints and calls exit(), which would end the whole app.
// // fail jumps back to the setjmp of the call that entered libjpeg
// // instead, with the message in msg.
// typedef struct {
//   struct jpeg_error_mgr pub;
//   jmp_buf back;
//   char msg[JMSG_LENGTH_MAX];
// } failure;
//
// static void fail(j_common_ptr ci) {
//   failure *f = (failure *)ci->err;
//   (*ci->err->format_message)(ci, f->msg);
//   longjmp(f->back, 1);
// }
//
// // quiet drops libjpeg's warnings, which it would print to stderr.
// static void quiet(j_common_ptr ci) { (void)ci; }
//
// // sink is a destination manager writing into one malloc'd buffer that
// // outlives each picture and doubles when a picture does not fit, so a
// // stream of similar pictures settles at no allocation. (jpeg_mem_dest
// // would grow a buffer too, but it does not say how large the grown
// // buffer is, and loses it if compression fails after growing.)
// typedef struct {
//   struct jpeg_destination_mgr pub;
//   JOCTET *buf;
//   size_t cap, len;
// } sink;
//
// static void sink_init(j_compress_ptr ci) {
//   sink *s = (sink *)ci->dest;
//   if (s->buf == 0) {
//     // libjpeg writes a byte before it checks for room: start non-empty.
//     s->buf = malloc(1 << 16);
//     if (s->buf == 0) ERREXIT1(ci, JERR_OUT_OF_MEMORY, 1);
//     s->cap = 1 << 16;
//   }
//   s->pub.next_output_byte = s->buf;
//   s->pub.free_in_buffer = s->cap;
// }
//
// static boolean sink_grow(j_compress_ptr ci) {
//   sink *s = (sink *)ci->dest;
//   JOCTET *p = realloc(s->buf, 2 * s->cap);
//   if (p == 0) ERREXIT1(ci, JERR_OUT_OF_MEMORY, 2);
//   s->buf = p;
//   s->pub.next_output_byte = p + s->cap;
//   s->pub.free_in_buffer = s->cap;
//   s->cap *= 2;
//   return TRUE;
// }
//
// static void sink_term(j_compress_ptr ci) {
//   sink *s = (sink *)ci->dest;
//   s->len = s->cap - s->pub.free_in_buffer;
// }
//
// // encoder keeps everything libjpeg holds on to in C memory: the
// // compressor, its error manager and destination (libjpeg keeps pointers
// // to both), and the band of converted rows fed to jpeg_write_raw_data.
// typedef struct {
//   struct jpeg_compress_struct ci;
//   failure err;
//   sink out;
//   JSAMPLE *band;
//   size_t band_cap;
//   int created;
// } encoder;
//
// static const char *encoder_msg(encoder *e) { return e->err.msg; }
// static const JOCTET *encoder_out(encoder *e) { return e->out.buf; }
// static size_t encoder_len(encoder *e) { return e->out.len; }
//
// // encoder_init sets the parameters once; libjpeg keeps them from one
// // picture to the next, so encoder_encode only sets the size.
// static int encoder_init(encoder *e, int quality) {
//   struct jpeg_compress_struct *ci = &e->ci;
//   ci->err = jpeg_std_error(&e->err.pub);
//   e->err.pub.error_exit = fail;
//   e->err.pub.output_message = quiet;
//   if (setjmp(e->err.back)) return -1;
//   jpeg_create_compress(ci);
//   e->created = 1;
//   e->out.pub.init_destination = sink_init;
//   e->out.pub.empty_output_buffer = sink_grow;
//   e->out.pub.term_destination = sink_term;
//   ci->dest = &e->out.pub;
//   ci->in_color_space = JCS_YCbCr;
//   ci->input_components = 3;
//   jpeg_set_defaults(ci);
//   jpeg_set_colorspace(ci, JCS_YCbCr);
//   jpeg_set_quality(ci, quality, TRUE);
//   ci->raw_data_in = TRUE;
//   ci->comp_info[0].h_samp_factor = ci->comp_info[0].v_samp_factor = 2;
//   ci->comp_info[1].h_samp_factor = ci->comp_info[1].v_samp_factor = 1;
//   ci->comp_info[2].h_samp_factor = ci->comp_info[2].v_samp_factor = 1;
//   // The accurate DCT: libjpeg-turbo's AVX2 version is as fast as the
//   // fast one here (1.30 against 1.32 ms for 976×549 at quality 85)
//   // and makes files no larger.
//   ci->dct_method = JDCT_ISLOW;
//   ci->optimize_coding = FALSE;
//   return 0;
// }
//
// static void encoder_free(encoder *e) {
//   if (e->created) jpeg_destroy_compress(&e->ci);
//   free(e->band);
//   free(e->out.buf);
//   free(e);
// }
//
// // band converts n rows of a plane, w samples each, through lut into
// // rows of stride samples at dst, repeats each row's last sample up to
// // the stride, and points rows[n..total-1] at the last row: raw-data mode
// // compresses whole MCUs and does not extend the picture's edges itself.
// static void band(JSAMPROW *rows, int total, JSAMPLE *dst, size_t stride,
//     const JSAMPLE *src, int w, int n, const JSAMPLE *lut) {
//   for (int r = 0; r < n; r++) {
//     JSAMPLE *d = dst + r * stride;
//     const JSAMPLE *s = src + (size_t)r * w;
//     for (int x = 0; x < w; x++) d[x] = lut[s[x]];
//     for (size_t x = w; x < stride; x++) d[x] = d[w - 1];
//     rows[r] = d;
//   }
//   for (int r = n; r < total; r++) rows[r] = rows[n - 1];
// }
//
// // encoder_encode compresses a w×h I420 picture with tightly packed
// // planes, chroma cw×ch, into e->out, 16 luma and 8 chroma rows at a
// // time, mapping luma through ylut and chroma through clut. The plane
// // and table pointers are only used during the call.
// static int encoder_encode(encoder *e, const JSAMPLE *y, const JSAMPLE *u,
//     const JSAMPLE *v, int w, int h, int cw, int ch,
//     const JSAMPLE *ylut, const JSAMPLE *clut) {
//   struct jpeg_compress_struct *ci = &e->ci;
//   size_t stride = ((size_t)w + 15) & ~(size_t)15, cstride = stride / 2;
//   size_t need = 16 * stride + 2 * 8 * cstride;
//   if (need > e->band_cap) {
//     JSAMPLE *p = realloc(e->band, need);
//     if (p == 0) {
//       snprintf(e->err.msg, sizeof e->err.msg, "no memory for a %zu-byte band", need);
//       return -1;
//     }
//     e->band = p;
//     e->band_cap = need;
//   }
//   if (setjmp(e->err.back)) {
//     jpeg_abort_compress(ci);
//     return -1;
//   }
//   ci->image_width = w;
//   ci->image_height = h;
//   jpeg_start_compress(ci, TRUE);
//   JSAMPROW ry[16], ru[8], rv[8];
//   JSAMPARRAY planes[3] = {ry, ru, rv};
//   JSAMPLE *bu = e->band + 16 * stride, *bv = bu + 8 * cstride;
//   for (int y0 = 0; y0 < h; y0 += 16) {
//     int n = h - y0 < 16 ? h - y0 : 16, cy0 = y0 / 2, cn = ch - cy0 < 8 ? ch - cy0 : 8;
//     band(ry, 16, e->band, stride, y + (size_t)y0 * w, w, n, ylut);
//     band(ru, 8, bu, cstride, u + (size_t)cy0 * cw, cw, cn, clut);
//     band(rv, 8, bv, cstride, v + (size_t)cy0 * cw, cw, cn, clut);
//     jpeg_write_raw_data(ci, planes, 16);
//   }
//   jpeg_finish_compress(ci);
//   return 0;
// }
import "C"

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/parleyhq/parley/app/frames"
)

// compressor is one libjpeg compressor and its buffers, in C memory.
type compressor struct {
	c *C.encoder
}

func newCompressor(quality int) (*compressor, error) {
	c := (*C.encoder)(C.calloc(1, C.size_t(unsafe.Sizeof(C.encoder{}))))
	if c == nil {
		return nil, errors.New("jpeg: out of memory")
	}
	if C.encoder_init(c, C.int(quality)) != 0 {
		err := fmt.Errorf("jpeg: libjpeg setup: %s", C.GoString(C.encoder_msg(c)))
		C.encoder_free(c)
		return nil, err
	}
	return &compressor{c: c}, nil
}

// encode compresses f, whose planes the caller has checked, mapping
// samples through ylut and clut, and appends it to dst.
func (p *compressor) encode(dst []byte, f *frames.Frame, ylut, clut *[256]byte) ([]byte, error) {
	cw, ch := f.ChromaSize()
	if C.encoder_encode(p.c, sample(f.Y), sample(f.U), sample(f.V), C.int(f.Width), C.int(f.Height), C.int(cw), C.int(ch), sample(ylut[:]), sample(clut[:])) != 0 {
		return dst, fmt.Errorf("jpeg: libjpeg cannot encode %dx%d: %s", f.Width, f.Height, C.GoString(C.encoder_msg(p.c)))
	}
	return append(dst, unsafe.Slice((*byte)(C.encoder_out(p.c)), int(C.encoder_len(p.c)))...), nil
}

func (p *compressor) close() {
	C.encoder_free(p.c)
	p.c = nil
}

func sample(b []byte) *C.JSAMPLE { return (*C.JSAMPLE)(unsafe.Pointer(unsafe.SliceData(b))) }
