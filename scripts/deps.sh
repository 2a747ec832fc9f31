#!/usr/bin/env bash
# deps.sh installs the Debian packages Parley needs to build and test, and
# only those that are missing, saying what it installs. It is idempotent, so
# `make test` can call it on every run: on a provisioned machine it costs a
# dpkg query and nothing more.
set -euo pipefail

# Packages and why:
#   build-essential pkg-config   cgo toolchain
#   libvpx-dev                   VP8 encoder/decoder (cgo)
#   libopus-dev                  Opus decoder with FEC and concealment, encoder with FEC (cgo)
#   libspeexdsp-dev              microphone processing: echo cancellation, noise suppression, gain (cgo)
#   libyuv-dev                   scaling frames for the window, webcam formats to I420 (cgo)
#   libturbojpeg0-dev            decoding MJPEG webcams with libjpeg-turbo (cgo)
#   libjpeg62-turbo-dev          the webcam-like test cameras encode their MJPEG with libjpeg (cgo)
#   libwebkit2gtk-4.1-dev libgtk-3-dev   Wails v2 window on Linux
#   xvfb xauth                   a real X server for the window under test
#   chromium                     the browser peer in end-to-end tests
#   nodejs npm                   playwright-core and tsc for frontend tests
#   iproute2                     network namespaces for fault tests
#   nftables                     packet loss in fault tests where the kernel has no netem
#   fonts-dejavu-core            readable text in screenshots
#   imagemagick                  screenshots of the real window (import, convert, compare)
#   espeak-ng                    speech for the sound tests (--mic-file), made at test time
#   dbus                         a private session bus: a second start hands its parley:// link to the open window
#   pulseaudio pulseaudio-utils  a real sound server (null sink, pactl) for the echo test through real devices
#   tcpdump                      the sound bench reads Chromium's capture times off the wire (RTP headers)
PKGS=(build-essential pkg-config libvpx-dev libopus-dev libspeexdsp-dev libyuv-dev libturbojpeg0-dev libjpeg62-turbo-dev libwebkit2gtk-4.1-dev libgtk-3-dev
      xvfb xauth chromium nodejs npm iproute2 nftables fonts-dejavu-core imagemagick dbus espeak-ng pulseaudio pulseaudio-utils tcpdump)

missing=()
for p in "${PKGS[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
# node/npm may come from outside Debian on a developer machine; do not fight it.
if command -v node >/dev/null && command -v npm >/dev/null; then
	tmp=()
	for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done
	missing=("${tmp[@]+"${tmp[@]}"}")
fi
if ((${#missing[@]} == 0)); then
	echo "deps: all Debian packages present"
	exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) != 0 ]]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${missing[*]}"
