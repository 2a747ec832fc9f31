#!/usr/bin/env bash
# window-screenshot.sh starts the production desktop binary in a real window
# under Xvfb with --fake-media, has a headless peer call it (the window
# auto-answers), takes a screenshot of the screen mid-call and checks that
# both video panes show moving pictures: the remote pane (the peer's camera
# B, cool colours) and the local preview (camera A, warm colours).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
bin=${1:?usage: window-screenshot.sh BINARY OUT.png}
out=${2:?usage: window-screenshot.sh BINARY OUT.png}
mkdir -p "$(dirname "$out")"
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

start_signal
pids+=("$SIGNAL_PID")
n=$(free_display)
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do [[ -e /tmp/.X11-unix/X$n ]] && break; sleep 0.1; done

DISPLAY=":$n" XDG_CONFIG_HOME="$work" NO_AT_BRIDGE=1 \
	"$bin" --fake-media --server "$SIGNAL_WS" --name desk --auto-answer >"$work/window.log" 2>&1 &
pids+=($!)
bin/parley --headless --fake-media --server "$SIGNAL_WS" --name caller --call desk \
	--camera "Parley Test Camera B" --duration 25s --wait 60s >"$work/peer.log" 2>&1 &
peer=$!
pids+=("$peer")

# Wait for the call to run, then give the panes a few seconds of video.
for _ in $(seq 600); do
	grep -q 'in-call' "$work/peer.log" && break
	kill -0 "$peer" 2>/dev/null || { echo "window: the peer exited:"; cat "$work/peer.log"; exit 1; }
	sleep 0.1
done
grep -q 'in-call' "$work/peer.log" || { echo "window: the call did not connect"; cat "$work/peer.log" "$work/window.log"; exit 1; }
sleep 5
DISPLAY=":$n" import -window root "$work/a.png"
sleep 1
DISPLAY=":$n" import -window root "$out"
echo "window: screenshot in $out"

# Regions as percentages of the 1280x800 screen (w h x y): the middle of the
# remote pane, and the local preview in its bottom-right corner.
crop() { # file w h x y out
	convert "$1" -crop "$((1280 * $2 / 100))x$((800 * $3 / 100))+$((1280 * $4 / 100))+$((800 * $5 / 100))" +repage "$6"
}
check() { # name w h x y warm|cool
	local name=$1 want=$6 r b sd diff
	crop "$out" "$2" "$3" "$4" "$5" "$work/now.png"
	crop "$work/a.png" "$2" "$3" "$4" "$5" "$work/before.png"
	read -r r b sd < <(convert "$work/now.png" -format '%[fx:mean.r*255] %[fx:mean.b*255] %[fx:standard_deviation*255]\n' info:)
	diff=$(compare -metric AE -fuzz 5% "$work/now.png" "$work/before.png" null: 2>&1 || true)
	echo "window: $name: mean red $r, mean blue $b, stddev $sd, pixels changed in 1 s: $diff"
	if ! awk -v r="$r" -v b="$b" -v sd="$sd" -v want="$want" -v d="$diff" 'BEGIN {
		ok = sd > 10 && d + 0 > 100 && (want == "warm" ? r > b + 15 : b > r + 15)
		exit ok ? 0 : 1 }'; then
		echo "window: $name does not show a moving $want picture"
		tail -20 "$work/window.log"
		exit 1
	fi
}
check "remote pane" 30 25 40 25 cool
check "local preview" 10 8 84 76 warm
echo "window: both panes show moving video"
