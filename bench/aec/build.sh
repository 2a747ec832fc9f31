#!/bin/sh
# Builds bench/aec's aec CLI (echo canceller candidates for the sound
# section of `make bench`) with github.com/CoyAce/apm v0.1.4, which does not
# build on Linux as it is: see apm_linux.h. The module cache is not touched:
# the fix is the cgo flags below (cmd/go keys its build cache on them).
#
#   bench/aec/build.sh [-o out] [go build flags...]   (default out: bench/aec/bin/aec,
#   and out-webrtc03 next to it)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

cc=$(go env CC)
# glibc's endian.h, by absolute path, as the C compiler finds it.
glibc_endian=$(printf '#include <endian.h>\n' | $cc -E -x c - |
	sed -n 's/^# [0-9]* "\(\/[^"]*\/endian\.h\)".*/\1/p' | head -n 1)
[ -n "$glibc_endian" ] || { echo "build.sh: glibc's endian.h not found" >&2; exit 1; }

export CGO_CFLAGS="$(go env CGO_CFLAGS) -DABSL_BASE_INTERNAL_ENDIAN_H_"
# cmd/go hashes the flags, not the force-included file: -DAPM_LINUX_H names
# its checksum so that editing it rebuilds what it went into.
sum=$(cksum <apm_linux.h | cut -d ' ' -f 1)
export CGO_CXXFLAGS="$(go env CGO_CXXFLAGS) -include '$glibc_endian' -include '$here/apm_linux.h' -DAPM_LINUX_H=$sum"

out="$here/bin/aec"
if [ "${1:-}" = "-o" ]; then out=$2; shift 2; fi
go build -o "$out" "$@" ./cmd/aec
# The webrtc03 engine, Debian 12's WebRTC AudioProcessing 0.3, is a second
# binary (see cmd/aec/main.go), which aec runs for -engine webrtc03.
if pkg-config --exists webrtc-audio-processing 2>/dev/null; then
	go build -tags webrtc03 -o "$out-webrtc03" "$@" ./cmd/aec
fi
