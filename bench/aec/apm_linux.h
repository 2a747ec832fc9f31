/*
 * Makes github.com/CoyAce/apm v0.1.4 build on Linux without touching the
 * module cache. build.sh force-includes this file (g++ -include) into
 * every C++ file of the build, after glibc's <endian.h> (also
 * force-included, by absolute path). C files get
 * -DABSL_BASE_INTERNAL_ENDIAN_H_ instead: C never wants abseil's header.
 */
#ifdef __cplusplus

/*
 * 1. The package google.com/abseil-cpp/absl/base/internal holds abseil's
 * endian.h, and cgo puts a package's directory on the include path
 * (-I <package dir>), so in that package glibc's <sys/types.h> includes
 * abseil's C++ header for <endian.h>, inside an extern "C" block. Here,
 * before anything else, <endian.h> is included at file scope: in that
 * package it is abseil's header, which sets its include guard, so the
 * later include inside glibc's extern "C" is empty; everywhere else it is
 * glibc's header again (already included: empty).
 */
#include <endian.h>

/*
 * 2. The module was made on macOS and lacks abseil's Linux stack unwinder
 * (absl/debugging/internal/stacktrace_x86-inl.inc) and ELF symbolizer
 * (vdso_support.h, elf_mem_image.h). In the package absl/debugging (the
 * only one whose directory holds symbolize_elf.inc), pick what it ships:
 * the generic unwinder (glibc's backtrace()) and, without __ELF__, the
 * "unimplemented" symbolizer. Only abseil's own debugging output uses them.
 */
#if __has_include("symbolize_elf.inc") && !__has_include("absl/debugging/internal/vdso_support.h")
#undef __ELF__
#define ABSL_DEBUGGING_INTERNAL_STACKTRACE_CONFIG_H_ 1
#define ABSL_STACKTRACE_INL_HEADER "absl/debugging/internal/stacktrace_generic-inl.inc"
#endif

#endif /* __cplusplus */
