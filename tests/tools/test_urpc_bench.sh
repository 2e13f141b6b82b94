#!/bin/bash
# Tests for bench/host/urpc_bench.c (`make bench-host`): it builds, a
# --quick run exits 0, and its BENCH lines are complete and well formed:
# each workload exactly once, numbers where numbers belong, p99 not below
# the median, n as asked. No timing threshold: how fast this machine is
# is not a test verdict. Prints one PASS/FAIL line per case; exits 1 if
# any case failed.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=build/bench-host/urpc_bench
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0

pass() { echo "PASS tools/urpc_bench/$1"; }
fail() { echo "FAIL tools/urpc_bench/$1: $2"; failed=1; }
check() { if [ "$2" = ok ]; then pass "$1"; else fail "$1" "$2"; fi; }

cd "$ROOT" || exit 1
if ! make -s "$BIN" >"$TMP/build" 2>&1; then
	fail builds "$(tail -5 "$TMP/build")"
	exit 1
fi
pass builds

# --- a quick run ---
r=ok
"$BIN" --quick >"$TMP/out" 2>&1
rc=$?
[ $rc -eq 0 ] || r="exit $rc: $(grep -m1 'BENCH error' "$TMP/out" || tail -3 "$TMP/out")"
check quick_run_exits_0 "$r"

# --- its lines ---
r=ok
for w in urpc_roundtrip pipe_roundtrip eventfd_roundtrip futex_roundtrip unix_socket_roundtrip; do
	lines=$(grep -c "^BENCH host/$w " "$TMP/out")
	if [ "$lines" -ne 1 ]; then
		r="$lines lines for $w"
		break
	fi
	line=$(grep "^BENCH host/$w " "$TMP/out")
	if ! [[ $line =~ ^BENCH\ host/$w\ median=([0-9]+)\ p99=([0-9]+)\ n=([0-9]+)$ ]]; then
		r="malformed: '$line'"
		break
	fi
	median=${BASH_REMATCH[1]} p99=${BASH_REMATCH[2]} n=${BASH_REMATCH[3]}
	[ "$n" -eq 200 ] || { r="$w: n=$n, --quick times 200"; break; }
	[ "$median" -gt 0 ] || { r="$w: median 0"; break; }
	[ "$p99" -ge "$median" ] || { r="$w: p99 $p99 below the median $median"; break; }
done
if [ "$r" = ok ]; then
	line=$(grep "^BENCH host/urpc_throughput " "$TMP/out")
	[[ $line =~ ^BENCH\ host/urpc_throughput\ msgs_per_s=[1-9][0-9]*\ n=2000$ ]] ||
		r="malformed throughput line: '$line'"
fi
if [ "$r" = ok ]; then
	other=$(grep '^BENCH ' "$TMP/out" | grep -vcE '^BENCH host/(urpc_roundtrip|pipe_roundtrip|eventfd_roundtrip|futex_roundtrip|unix_socket_roundtrip|urpc_throughput) ')
	[ "$other" -eq 0 ] || r="$other unexpected BENCH lines"
fi
grep -q 'urpc_throughput: ' "$TMP/out" || [ "$r" != ok ] || r="no table"
check quick_run_lines_well_formed "$r"

# --- a bad argument is refused ---
r=ok
"$BIN" 12x >"$TMP/bad" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q usage "$TMP/bad" || r="exit $rc: $(head -2 "$TMP/bad")"
check bad_argument_is_refused "$r"

exit $failed
