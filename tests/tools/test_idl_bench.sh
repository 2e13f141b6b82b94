#!/bin/bash
# Tests for bench/host/idl_bench.c (`make bench-host`'s interface lines):
# it builds, a short run exits 0 (every answer right: a wrong sum or a
# refused message makes it exit 1), and it prints its two BENCH lines
# once each, well formed, n as asked; a bad argument is refused. No
# timing threshold. Prints one PASS/FAIL line per case; exits 1 if any
# case failed.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=build/bench-host/idl_bench
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0

pass() { echo "PASS tools/idl_bench/$1"; }
fail() { echo "FAIL tools/idl_bench/$1: $2"; failed=1; }
check() { if [ "$2" = ok ]; then pass "$1"; else fail "$1" "$2"; fi; }

cd "$ROOT" || exit 1
if ! make -s "$BIN" >"$TMP/build" 2>&1; then
	fail builds "$(tail -5 "$TMP/build")"
	exit 1
fi
pass builds

r=ok
timeout 60 "$BIN" 300 >"$TMP/out" 2>&1
rc=$?
[ $rc -eq 0 ] || r="exit $rc: $(tail -3 "$TMP/out")"
for w in host_packed_call host_idl_rpc; do
	[ "$r" = ok ] || break
	lines=$(grep -c "^BENCH name=$w " "$TMP/out")
	[ "$lines" -eq 1 ] || { r="$lines lines for $w"; break; }
	grep -qE "^BENCH name=$w unit=cycles n=300 min=[0-9]+ median=[1-9][0-9]* p99=[0-9]+ max=[0-9]+$" \
		"$TMP/out" || r="malformed: '$(grep "^BENCH name=$w " "$TMP/out")'"
done
check a_short_run_answers_right_and_prints_both_lines "$r"

r=ok
for a in 12x -1 0; do
	timeout 60 "$BIN" "$a" >"$TMP/bad" 2>&1
	rc=$?
	[ $rc -eq 2 ] && grep -q usage "$TMP/bad" || { r="$a: exit $rc: $(head -2 "$TMP/bad")"; break; }
done
check bad_argument_is_refused "$r"

exit $failed
