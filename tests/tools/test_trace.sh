#!/bin/bash
# tools/trace.py (make trace, docs/trace.md): a canned dump converts to a
# trace whose every flow has both ends, and malformed dumps and traces
# are refused; then a real 4-core boot runs make trace's scenario, and its
# trace must hold each kind of event the scenario causes and flows from
# sends to receives across cores (URPC) and within one (LMP). Prints
# PASS/FAIL lines; exits 1 if one failed.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
B=${B:-build}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0

pass() { echo "PASS tools/trace/$1"; }
fail() { echo "FAIL tools/trace/$1: $2"; failed=1; }

# Two cores: a URPC message from 0 to 1, an LMP call and its reply on 1,
# switches on both. The clock anchors (TSC in hex, ns in decimal, as the
# monitors print them) make 1 TSC cycle 1 ns: 0x10000 cycles, 65536 ns.
cat >"$TMP/good.log" <<'LOG'
flotilla> trace 4
trace: begin 2 cores, 4 events per ring
trace 0 clock 0 0 10000 65536
trace 0 kept 3 lost kernel 5 monitor 0
trace 0 switch 1100 1 ffff8000 726f74696e6f6d
trace 0 urpc_send 1200 7 100 0
trace 0 doorbell_send 1300 1 0 0
trace 0 end 3
trace 1 clock 0 0 10000 65536
trace 1 kept 5 lost kernel 0 monitor 0
trace 1 switch 1150 1 ffff9000 726f74696e6f6d
trace 1 urpc_recv 1400 7 100 0
trace 1 lmp_send 1500 1 1 6c656c6c6163
trace 1 lmp_recv 1600 1 1 726576726573
trace 1 urpc_recv 1700 7 100 1
trace 1 end 5
trace: end
LOG

out=$(python3 tools/trace.py convert "$TMP/good.log" -o "$TMP/good.json" 2>&1)
if [ $? -eq 0 ] && python3 tools/trace.py check "$TMP/good.json" &&
   [[ "$out" =~ "2 cores, 6 events, 2 flows" ]] && [[ "$out" =~ "0 sends and 1 receives" ]]; then
	pass canned_dump_converts_with_both_flows
else
	fail canned_dump_converts_with_both_flows "$out"
fi

# The JSON itself: two flows (ids 1, 2), one urpc from core 0 to 1.
if python3 - "$TMP/good.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["traceEvents"]
s = [e for e in t if e["ph"] == "s"]
f = [e for e in t if e["ph"] == "f"]
names = {e["args"]["name"] for e in t if e["ph"] == "M" and e["name"] == "thread_name"}
assert names == {"core 0", "core 1"}, names
assert len(s) == 2 and len(f) == 2, (s, f)
u = [e for e in s if e["cat"] == "urpc"][0]
uf = [e for e in f if e["id"] == u["id"]][0]
assert u["tid"] == 0 and uf["tid"] == 1 and uf["ts"] > u["ts"], (u, uf)
assert abs(uf["ts"] - u["ts"] - 0.512) < 1e-9, (u["ts"], uf["ts"])   # 0x200 cycles = 512 ns
sl = [e for e in t if e["ph"] == "X" and e["cat"] == "dispatcher" and e["tid"] == 1][0]
assert sl["name"] == "monitor" and abs(sl["dur"] - (65536 - 0x1150) / 1000) < 1e-9, sl
PY
then pass canned_trace_has_tracks_flows_and_times
else fail canned_trace_has_tracks_flows_and_times "the JSON is not as the dump says"; fi

# Malformed dumps: each refused with a reason.
bad() {	# name, sed expression on good.log, expected message
	sed "$2" "$TMP/good.log" >"$TMP/bad.log"
	out=$(python3 tools/trace.py convert "$TMP/bad.log" -o "$TMP/bad.json" 2>&1)
	if [ $? -ne 0 ] && [[ "$out" =~ $3 ]]; then pass "$1"; else fail "$1" "got: $out"; fi
}
bad dump_without_end_is_refused '/trace 1 end/d' "core 1's dump is incomplete"
bad dump_with_a_missing_event_is_refused '/trace 1 lmp_recv/d' "core 1 printed 4 events, said 5"
bad dump_with_an_unknown_line_is_refused 's/trace 0 doorbell_send/trace 0 teleport/' "unknown trace line"
bad dump_with_a_bad_number_is_refused 's/urpc_send 1200/urpc_send 12zz/' "malformed trace line"
bad no_dump_is_refused '/trace: begin/d' "no 'trace: begin'"

# Malformed traces: the checker finds each.
badjson() {	# name, python expression changing t (the trace object), expected message
	python3 - "$TMP/good.json" "$TMP/bad.json" "$2" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(t, open(sys.argv[2], "w"))
PY
	out=$(python3 tools/trace.py check "$TMP/bad.json" 2>&1)
	if [ $? -ne 0 ] && [[ "$out" =~ $3 ]]; then pass "$1"; else fail "$1" "got: $out"; fi
}
badjson flow_without_finish_is_found 't["traceEvents"] = [e for e in t["traceEvents"] if e["ph"] != "f" or e["id"] != 1]' "flow 1 has no finish"
badjson flow_without_start_is_found 't["traceEvents"] = [e for e in t["traceEvents"] if e["ph"] != "s" or e["id"] != 2]' "flow 2 has no start"
badjson flow_backwards_is_found '[e.update(ts=0) for e in t["traceEvents"] if e["ph"] == "f" and e["id"] == 1]' "flow 1 finishes"
badjson slice_with_negative_duration_is_found '[e.update(dur=-1) for e in t["traceEvents"] if e["ph"] == "X"][:1]' "without a duration"
badjson no_events_list_is_found 't = {"events": []}' "no traceEvents"

# make bench-host's trace line: builds, and prints its three figures.
if make -s build/bench-host/trace_bench >"$TMP/tb.log" 2>&1 &&
   build/bench-host/trace_bench 1000 >"$TMP/tb.out" 2>&1 &&
   [ "$(grep -cE '^BENCH name=host_(rdtsc_overhead|trace_event|getppid) unit=cycles n=1000 min=[0-9]+ median=[0-9]+ p99=[0-9]+ max=[0-9]+$' "$TMP/tb.out")" = 3 ]; then
	pass host_bench_prints_its_figures
else
	fail host_bench_prints_its_figures "$(cat "$TMP/tb.log" "$TMP/tb.out" | tail -5)"
fi

# A real boot: make trace's scenario at 4 cores.
if [ ! -f "$B/flotilla-test.bin" ]; then
	fail scenario_trace "$B/flotilla-test.bin is not built"
	exit 1
fi
out=$(python3 tools/trace.py run --kernel "$B/flotilla-test.bin" --smp 4 -o "$TMP/run/trace.json" 2>&1)
if [ $? -ne 0 ]; then
	fail scenario_trace_is_whole "$out"
	exit 1
fi
pass scenario_trace_is_whole
if python3 - "$TMP/run/trace.json" <<'PY'
import json, sys
from collections import Counter
obj = json.load(open(sys.argv[1]))
t = obj["traceEvents"]
# Both ends of a message are in the same dump unless it sits at the
# snapshot's edge (a send not yet received, a receive whose send fell out
# of the ring): a handful, not a share of them.
for kind in ("lmp", "urpc"):
    n = int(obj["otherData"]["unmatched_" + kind])
    assert n <= 8, f"{n} {kind} sends or receives without their other end"
kinds = Counter(e["cat"] for e in t if e["ph"] == "X")
# (No upcall: no program of the scenario uses threads, the only users of
# upcalls; docs/trace.md says so.)
want = ["dispatcher", "urpc_send", "urpc_recv", "lmp_send", "lmp_recv", "doorbell_send",
        "doorbell_recv", "fault"]
missing = [k for k in want if not kinds[k]]
assert not missing, f"no {missing} events (have {dict(kinds)})"
s = {e["id"]: e for e in t if e["ph"] == "s"}
f = {e["id"]: e for e in t if e["ph"] == "f"}
cross = [i for i in s if s[i]["cat"] == "urpc" and f[i]["tid"] != s[i]["tid"]]
lmp = [i for i in s if s[i]["cat"] == "lmp"]
assert len(cross) >= 10, f"only {len(cross)} URPC flows between cores"
assert len(lmp) >= 10, f"only {len(lmp)} LMP flows"
# The span reader faulted on the last core (the scenario's unmap).
faults = [e for e in t if e["ph"] == "X" and e["cat"] == "fault"]
assert any(e["tid"] == 3 and e["args"]["vector"] == 14 for e in faults), faults
print(f"{len(cross)} URPC flows across cores, {len(lmp)} LMP flows")
PY
then pass scenario_trace_shows_the_scenario
else fail scenario_trace_shows_the_scenario "see above"; fi

# The README's picture of it (tools/traceplot.py): a PNG of the size drawn,
# a lane per core, its chunks' CRCs right.
if python3 tools/traceplot.py "$TMP/run/trace.json" "$TMP/run/trace.png" &&
   python3 - "$TMP/run/trace.png" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
i, chunks = 8, []
while i < len(d):
    n, = struct.unpack(">I", d[i:i + 4])
    kind, body = d[i + 4:i + 8], d[i + 8:i + 8 + n]
    crc, = struct.unpack(">I", d[i + 8 + n:i + 12 + n])
    assert zlib.crc32(kind + body) & 0xffffffff == crc, f"bad CRC in {kind}"
    chunks.append((kind, body))
    i += 12 + n
w, h = struct.unpack(">II", chunks[0][1][:8])
assert chunks[0][0] == b"IHDR" and (w, h) == (1200, 40 + 70 * 4 + 40), (w, h)
PY
then pass picture_of_the_scenario_is_a_png
else fail picture_of_the_scenario_is_a_png "tools/traceplot.py made no good PNG"; fi
exit $failed
