package testmedia

/*
#cgo pkg-config: libjpeg
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <jpeglib.h>

struct failure { struct jpeg_error_mgr mgr; jmp_buf jump; };

static void onError(j_common_ptr c) { longjmp(((struct failure *)c->err)->jump, 1); }

// encode422 compresses a w×h picture given as 4:2:2 planes (y w bytes a
// row, cb and cr w/2) into a baseline JPEG with the standard Huffman
// tables and a restart marker after every MCU row, as a UVC webcam's
// encoder might. w must be a multiple of 16. *out is malloc'd.
static int encode422(const unsigned char *y, const unsigned char *cb, const unsigned char *cr,
		int w, int h, int quality, unsigned char **out, unsigned long *outlen) {
	struct jpeg_compress_struct c;
	struct failure f;
	*out = NULL;
	*outlen = 0;
	c.err = jpeg_std_error(&f.mgr);
	f.mgr.error_exit = onError;
	if (setjmp(f.jump)) {
		jpeg_destroy_compress(&c);
		free(*out);
		*out = NULL;
		return -1;
	}
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, out, outlen);
	c.image_width = w;
	c.image_height = h;
	c.input_components = 3;
	c.in_color_space = JCS_YCbCr;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, quality, TRUE);
	c.raw_data_in = TRUE;
	c.dct_method = JDCT_IFAST;
	c.comp_info[0].h_samp_factor = 2;
	c.comp_info[0].v_samp_factor = 1;
	for (int i = 1; i < 3; i++) {
		c.comp_info[i].h_samp_factor = 1;
		c.comp_info[i].v_samp_factor = 1;
	}
	c.restart_in_rows = 1;
	jpeg_start_compress(&c, TRUE);
	JSAMPROW yr[DCTSIZE], cbr[DCTSIZE], crr[DCTSIZE];
	JSAMPARRAY planes[3] = {yr, cbr, crr};
	for (int r = 0; r < h; r += DCTSIZE) {
		for (int i = 0; i < DCTSIZE; i++) {
			int row = r + i < h ? r + i : h - 1;
			yr[i] = (JSAMPROW)(y + (size_t)row * w);
			cbr[i] = (JSAMPROW)(cb + (size_t)row * (w / 2));
			crr[i] = (JSAMPROW)(cr + (size_t)row * (w / 2));
		}
		jpeg_write_raw_data(&c, planes, DCTSIZE);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	return 0;
}
*/
import "C"

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"unsafe"
)

// webcamQuality is the JPEG quality of the webcam-like cameras' MJPEG,
// about what a UVC webcam sends over USB 2 at 720p30.
const webcamQuality = 85

// jpegFrame is one encoded picture cut at its restart markers: head is
// everything before the entropy-coded data, rows[i] the data of MCU row
// i (8 picture rows at 4:2:2), without the marker that follows it.
type jpegFrame struct {
	head []byte
	rows [][]byte
}

// encode422 compresses img (I420) as a 4:2:2 baseline JPEG with one MCU
// row per restart interval, repeating each chroma row, and cuts it.
func encode422(img *image.YCbCr, quality int, scratch []byte) (jpegFrame, []byte, error) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if w%16 != 0 || h < 1 {
		return jpegFrame{}, scratch, fmt.Errorf("testmedia: webcam frame %dx%d: width must be a multiple of 16", w, h)
	}
	cw := w / 2
	if cap(scratch) < 2*cw*h {
		scratch = make([]byte, 2*cw*h)
	}
	cb, cr := scratch[:cw*h], scratch[cw*h:2*cw*h]
	for r := 0; r < h; r++ {
		o := img.COffset(0, r)
		copy(cb[r*cw:(r+1)*cw], img.Cb[o:o+cw])
		copy(cr[r*cw:(r+1)*cw], img.Cr[o:o+cw])
	}
	var out *C.uchar
	var n C.ulong
	if C.encode422(bptr(img.Y[img.YOffset(0, 0):]), bptr(cb), bptr(cr), C.int(w), C.int(h), C.int(quality), &out, &n) != 0 {
		return jpegFrame{}, scratch, errors.New("testmedia: libjpeg could not encode a webcam frame")
	}
	data := C.GoBytes(unsafe.Pointer(out), C.int(n))
	C.free(unsafe.Pointer(out))
	f, err := cut(data)
	return f, scratch, err
}

// cut splits a JPEG made by encode422 at its start of scan and restart
// markers.
func cut(data []byte) (jpegFrame, error) {
	sos := bytes.Index(data, []byte{0xFF, 0xDA})
	if sos < 0 || sos+4 > len(data) {
		return jpegFrame{}, errors.New("testmedia: encoded frame has no scan")
	}
	start := sos + 2 + (int(data[sos+2])<<8 | int(data[sos+3]))
	end := len(data) - 2 // EOI
	if start > end || !bytes.HasSuffix(data, []byte{0xFF, 0xD9}) {
		return jpegFrame{}, errors.New("testmedia: encoded frame is not whole")
	}
	f := jpegFrame{head: data[:start]}
	from := start
	for i := start; i+1 < end; i++ {
		if data[i] == 0xFF && data[i+1] >= 0xD0 && data[i+1] <= 0xD7 {
			f.rows = append(f.rows, data[from:i])
			from = i + 2
			i++
		}
	}
	f.rows = append(f.rows, data[from:end])
	return f, nil
}

// withoutHuffmanTables returns head without its DHT segments, as many
// webcams send their frames: the decoder must supply the standard tables.
func withoutHuffmanTables(head []byte) []byte {
	out := make([]byte, 0, len(head))
	i := 0
	for i+4 <= len(head) && head[i] == 0xFF {
		m := head[i+1]
		if m == 0xD8 { // SOI has no length
			out = append(out, head[i:i+2]...)
			i += 2
			continue
		}
		n := 2 + (int(head[i+2])<<8 | int(head[i+3]))
		if i+n > len(head) {
			break
		}
		if m != 0xC4 {
			out = append(out, head[i:i+n]...)
		}
		i += n
	}
	return append(out, head[i:]...)
}

// splice writes a JPEG to dst whose MCU rows are first's rows where first
// has them and rest's after, with the restart markers renumbered in
// order: a webcam frame whose top rows (the stamp) were encoded alone.
func splice(dst, head []byte, first, rest [][]byte) []byte {
	dst = append(dst[:0], head...)
	for i := range rest {
		row := rest[i]
		if i < len(first) {
			row = first[i]
		}
		dst = append(dst, row...)
		if i < len(rest)-1 {
			dst = append(dst, 0xFF, byte(0xD0+i%8))
		}
	}
	return append(dst, 0xFF, 0xD9)
}

func bptr(b []byte) *C.uchar { return (*C.uchar)(unsafe.Pointer(unsafe.SliceData(b))) }
