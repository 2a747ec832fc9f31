#!/usr/bin/env bash
# package-selftest.sh installs Parley's .deb on this machine and checks the
# installed binary: it prints its version and takes part in a short call
# (--headless --fake-media) with a freshly built peer. Run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
deb=${1:?usage: package-selftest.sh PACKAGE.deb}
SUDO=""
[[ $(id -u) == 0 ]] || SUDO=sudo

echo "package: installing $deb"
if ! $SUDO dpkg -i "$deb"; then
	# Pull in missing runtime dependencies, then configure again.
	$SUDO apt-get install -f -y -qq
fi
dpkg -s parley | grep -E '^(Status|Version|Depends):'
for f in /usr/bin/parley /usr/share/applications/parley.desktop /usr/share/icons/hicolor/256x256/apps/parley.png; do
	[[ -e $f ]] || { echo "package: $f is missing"; exit 1; }
done
/usr/bin/parley --version
# parley:// invite links open the app (the system's URL handler runs Exec with the link).
grep -qx 'MimeType=x-scheme-handler/parley;' /usr/share/applications/parley.desktop &&
	grep -qx 'Exec=parley %u' /usr/share/applications/parley.desktop ||
	{ echo "package: the desktop entry does not handle parley:// links"; exit 1; }

start_signal
trap 'kill $SIGNAL_PID 2>/dev/null || true' EXIT
echo "package: call between the installed parley and bin/parley through $SIGNAL_WS"
/usr/bin/parley --headless --fake-media --server "$SIGNAL_WS" --name installed --auto-answer --duration 4s --width 320 --height 240 &
callee=$!
bin/parley --headless --fake-media --server "$SIGNAL_WS" --name checker --call installed --duration 4s --width 320 --height 240
wait "$callee"
echo "package: installed binary passed its self-test"
