#!/usr/bin/env bash
# fuzz.sh runs every Go fuzz target in the module briefly (FUZZTIME each,
# default 10s). New inputs that crash are written to the package's
# testdata/fuzz directory by go test, so a failure leaves its reproducer.
#
# Go 1.26's fuzz coordinator can fail a target with a bare "context
# deadline exceeded" at the end of -fuzztime, having found nothing: a race
# between the deadline and its workers (go.dev/issue/75804, fixed in Go
# 1.27). A failure with that message and no reproducer written is run
# again, up to twice; anything else fails at once.
set -euo pipefail
FUZZTIME=${FUZZTIME:-10s}
cd "$(dirname "$0")/.."

# fuzz_one PKG DIR FN: 0 when the target passes, 1 when it fails, 2 when it
# hit only the coordinator's deadline race.
fuzz_one() {
	local pkg=$1 dir=$2 fn=$3 before after out status=0
	before=$(ls "$dir/testdata/fuzz/$fn" 2>/dev/null || true)
	out=$(go test "$pkg" -run '^$' -fuzz "^${fn}\$" -fuzztime "$FUZZTIME" 2>&1) || status=$?
	printf '%s\n' "$out"
	[[ $status == 0 ]] && return 0
	after=$(ls "$dir/testdata/fuzz/$fn" 2>/dev/null || true)
	if [[ "$before" == "$after" ]] && grep -q '^    context deadline exceeded$' <<<"$out" && ! grep -q 'Failing input written' <<<"$out"; then
		return 2
	fi
	return 1
}

grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(' . | while read -r f; do
	dir=$(dirname "${f#./}")
	grep -oE '^func Fuzz[A-Za-z0-9_]+' "$f" | sed 's/^func //' | while read -r fn; do
		for attempt in 1 2 3; do
			echo "fuzz: ./$dir $fn for $FUZZTIME"
			status=0
			fuzz_one "./$dir" "$dir" "$fn" || status=$?
			case $status in
			0) break ;;
			2) echo "fuzz: $fn stopped on Go 1.26's fuzztime race (go.dev/issue/75804) with no failing input found" ;;
			*) exit 1 ;;
			esac
			[[ $attempt == 3 ]] && { echo "fuzz: $fn hit the race three times in a row"; exit 1; }
		done
	done
done
