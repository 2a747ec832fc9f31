#!/usr/bin/env bash
# fuzz.sh runs every Go fuzz target in the module briefly (FUZZTIME each,
# default 10s). New inputs that crash are written to the package's
# testdata/fuzz directory by go test, so a failure leaves its reproducer.
set -euo pipefail
FUZZTIME=${FUZZTIME:-10s}
cd "$(dirname "$0")/.."
grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(' . | while read -r f; do
	pkg=./$(dirname "${f#./}")
	grep -oE '^func Fuzz[A-Za-z0-9_]+' "$f" | sed 's/^func //' | while read -r fn; do
		echo "fuzz: $pkg $fn for $FUZZTIME"
		go test "$pkg" -run '^$' -fuzz "^${fn}\$" -fuzztime "$FUZZTIME"
	done
done
