// Package cmem reports the C heap in use, so tests can check that cgo
// code (libjpeg-turbo, libvpx, libopus handles and buffers) gives back
// what it takes when a camera or a call closes.
package cmem

/*
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

// info returns glibc's malloc_info report, which covers every arena
// (mallinfo2 covers only the main one, and cgo calls run on any thread).
static char *info(size_t *n) {
	char *buf = NULL;
	FILE *f = open_memstream(&buf, n);
	if (f == NULL) return NULL;
	malloc_info(0, f);
	fclose(f);
	return buf;
}
*/
import "C"

import (
	"errors"
	"regexp"
	"strconv"
	"unsafe"
)

var (
	totalRe  = regexp.MustCompile(`<total type="(fast|rest|mmap)" count="\d+" size="(\d+)"/>`)
	systemRe = regexp.MustCompile(`<system type="current" size="(\d+)"/>`)
)

// InUse returns the bytes malloc has handed out and not had back, over
// all arenas: the memory the arenas hold less their free chunks, plus
// the blocks mapped on their own. The report is XML of about 1 kB a
// thread arena; the figure moves by a few kilobytes between calls as Go
// threads allocate, so compare growth against a margin.
func InUse() (int64, error) {
	var n C.size_t
	p := C.info(&n)
	if p == nil {
		return 0, errors.New("cmem: malloc_info failed")
	}
	defer C.free(unsafe.Pointer(p))
	report := C.GoStringN(p, C.int(n))
	// The last <system type="current"> and <total> lines are the
	// process-wide sums that close the report.
	sys := systemRe.FindAllStringSubmatch(report, -1)
	totals := totalRe.FindAllStringSubmatch(report, -1)
	if len(sys) == 0 || len(totals) < 3 {
		return 0, errors.New("cmem: malloc_info report not understood")
	}
	current, _ := strconv.ParseInt(sys[len(sys)-1][1], 10, 64)
	inUse := current
	for _, t := range totals[len(totals)-3:] {
		size, _ := strconv.ParseInt(t[2], 10, 64)
		switch t[1] {
		case "fast", "rest":
			inUse -= size
		case "mmap":
			inUse += size
		}
	}
	return inUse, nil
}

// alloc and release serve the package's test: test files cannot use cgo.
func alloc(n int) unsafe.Pointer { return C.malloc(C.size_t(n)) }
func release(p unsafe.Pointer)   { C.free(p) }
