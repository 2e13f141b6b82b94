#!/bin/bash
# Tests for tools/bench.py's parser (`make bench`, docs/benchmarks.md) on
# canned monitor output: a complete run at 1, 2 and 4 cores passes, and
# every way a run can be incomplete or garbled is reported: a missing
# pair or workload, a malformed line, a pair that the cores booted do not
# have, a line printed twice, inconsistent figures. No QEMU, no figure
# judged. Prints one PASS/FAIL line per case; exits 1 if any case failed.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

PYTHONPATH="$ROOT/tools" exec python3 - <<'EOF'
import sys

import bench

failed = False


def check(name, ok, why=""):
    global failed
    if ok:
        print(f"PASS tools/bench_parse/{name}")
    else:
        print(f"FAIL tools/bench_parse/{name}: {why}")
        failed = True


def run(smp, n=20, drop=(), extra=(), replace=None):
    """Monitor output of a good run of `smp` cores, n iterations; lines
    containing any of `drop` left out, `extra` lines added before the end,
    replace = (old, new) applied to the text."""
    lines = [f"BENCH name={w} unit=cycles n={bench.expected_n(bench.FLOTILLA, w, n)} "
             f"min=1 median=2 p99=3 max=4" for w, _, _ in bench.WORKLOADS]
    if smp < 2:
        lines.append('BENCH name=urpc_pairs n/a reason="one core: no pair of cores to measure"')
    for p in bench.pairs_of(smp):
        lines += [
            f"BENCH name=cacheline_roundtrip pair={p} unit=cycles n={n} min=100 median=200 p99=300 max=400",
            f"BENCH name=urpc_roundtrip pair={p} unit=cycles n={n} min=500 median=700 p99=900 max=990",
            f"BENCH name=cacheline_oneway pair={p} unit=cycles n={n} min=50 median=100 p99=150 max=160",
            f"BENCH name=urpc_oneway pair={p} unit=cycles n={n} min=200 median=300 p99=400 max=500",
            f"BENCH name=urpc_throughput pair={p} unit=msgs_per_s msgs={10 * n} ns=3000 "
            f"value={10 * n * 10**9 // 3000} cycles_per_msg=36",
        ]
        if p == "0-1":
            lines.append(f"BENCH name=uchan_roundtrip pair={p} unit=cycles n={n // 10} "
                         f"min=9000 median=10000 p99=11000 max=12000")
    lines = [l for l in lines if not any(d in l for d in drop)] + list(extra)
    text = "cores online: %d/%d\nmonitor: noise\n" % (smp, smp) + "\n".join(lines) + "\nBENCH done\n"
    if replace:
        text = text.replace(*replace)
    return text


def problems(text, smp, n=20):
    return bench.parse(text, smp, n)[1]


def has(probs, *words):
    return any(all(w in p for w in words) for p in probs)


# --- complete runs ---
for smp, npairs in ((1, 0), (2, 1), (4, 6)):
    w, p = bench.parse(run(smp), smp, 20)
    pairs = {x["pair"] for x in w if "pair" in x}
    check(f"complete_smp{smp}_passes", not p and len(pairs) == npairs,
          f"problems {p}, pairs {sorted(pairs)}")

w, _ = bench.parse(run(4), 4, 20)
s = bench.pair_summary(w)
check("pairs_in_order_with_ratios",
      [x["pair"] for x in s] == ["0-1", "0-2", "0-3", "1-2", "1-3", "2-3"] and
      all(x["roundtrip_ratio"] == 3.5 and x["oneway_ratio"] == 3.0 for x in s),
      f"summary {s}")
table = bench.pair_table(s)
check("pair_table_has_every_pair",
      all(f"\n{p} " in "\n" + table for p in bench.pairs_of(4)) and "3.50" in table,
      f"table:\n{table}")

# --- a missing pair, workload or line ---
p = problems(run(4, drop=("pair=1-3",)), 4)
check("missing_pair_is_reported", has(p, "pair 1-3", "cacheline_roundtrip", "urpc_throughput"), p)
p = problems(run(4, drop=("urpc_oneway pair=2-3",)), 4)
check("missing_workload_of_a_pair_is_reported",
      has(p, "pair 2-3", "urpc_oneway") and not has(p, "pair 0-1"), p)
p = problems(run(2), 4)
check("fewer_pairs_than_cores_booted_is_reported",
      all(has(p, f"pair {q}") for q in ("0-2", "0-3", "1-2", "1-3", "2-3")) and not has(p, "pair 0-1"), p)
p = problems(run(1, drop=("urpc_pairs",)), 1)
check("one_core_without_its_na_line_is_reported", has(p, "urpc_pairs"), p)
p = problems(run(2, extra=('BENCH name=urpc_pairs n/a reason="one core"',)), 2)
check("na_for_all_pairs_with_two_cores_is_reported", has(p, "urpc_pairs"), p)
p = problems(run(2, replace=("BENCH done\n", "")), 2)
check("missing_done_is_reported", has(p, "BENCH done"), p)

# --- malformed lines ---
p = problems(run(2, replace=("pair=0-1 unit=cycles n=20 min=500 median=700",
                             "pair=0-1 unit=cycles n=20 min=500 median=seven")), 2)
check("malformed_pair_line_is_reported", has(p, "malformed", "median=seven"), p)
p = problems(run(2, replace=("urpc_roundtrip pair=0-1", "urpc_roundtrip pair=0_1")), 2)
check("malformed_pair_name_is_reported", has(p, "malformed", "pair=0_1"), p)
p = problems(run(2, replace=("name=urpc_throughput pair=0-1 unit=msgs_per_s",
                             "name=urpc_throughput pair=0-1 unit=cycles")), 2)
check("throughput_in_the_wrong_unit_is_reported", has(p, "malformed", "unit=cycles"), p)
p = problems(run(2, replace=("name=cacheline_roundtrip pair=0-1 unit=cycles n=20 min=100 median=200 p99=300 max=400",
                             "name=cacheline_roundtrip pair=0-1 unit=msgs_per_s msgs=1 ns=1 value=1000000000 cycles_per_msg=1")), 2)
check("latency_in_the_wrong_unit_is_reported", has(p, "cacheline_roundtrip", "pair 0-1"), p)

# --- pairs that do not exist, duplicates ---
p = problems(run(4, extra=("BENCH name=urpc_roundtrip pair=2-5 unit=cycles n=20 min=1 median=2 p99=3 max=4",)), 4)
check("pair_beyond_the_cores_booted_is_reported", has(p, "pair=2-5", "no such pair"), p)
p = problems(run(2, extra=("BENCH name=urpc_roundtrip pair=1-0 unit=cycles n=20 min=1 median=2 p99=3 max=4",)), 2)
check("reversed_pair_is_reported", has(p, "pair=1-0", "no such pair"), p)
p = problems(run(2, extra=("BENCH name=urpc_roundtrip pair=0-1 unit=cycles n=20 min=1 median=2 p99=3 max=4",)), 2)
check("pair_line_printed_twice_is_reported", has(p, "urpc_roundtrip pair=0-1", "twice"), p)
p = problems(run(2, extra=("BENCH name=lmp_oneway pair=0-1 unit=cycles n=20 min=1 median=2 p99=3 max=4",)), 2)
check("unknown_pair_workload_is_reported", has(p, "lmp_oneway", "not a pair workload"), p)

# --- inconsistent figures ---
p = problems(run(2, replace=("min=500 median=700 p99=900", "min=500 median=950 p99=900")), 2)
check("median_above_p99_is_reported", has(p, "urpc_roundtrip pair=0-1", "min <= median"), p)
p = problems(run(2), 2, n=30)
check("wrong_n_is_reported", has(p, "pair=0-1", "n=20, want 30"), p)
check("slow_workloads_want_n_over_10",
      has(p, "unmap_ncores: n=2, want 3") and has(p, "uchan_roundtrip pair=0-1: n=2, want 3") and
      bench.expected_n(bench.FLOTILLA, "unmap_ncores", 5) == 1, p)
p = problems(run(2, replace=("name=unmap_ncores unit=cycles n=2 ", "name=unmap_ncores unit=cycles n=20 ")), 2)
check("slow_workload_with_full_n_is_reported", has(p, "unmap_ncores: n=20, want 2"), p)

# --- the blocking round trip: on the pair 0-1 only ---
p = problems(run(4, drop=("uchan_roundtrip",)), 4)
check("missing_blocking_round_trip_is_reported", has(p, "pair 0-1", "uchan_roundtrip"), p)
p = problems(run(4, extra=("BENCH name=uchan_roundtrip pair=1-2 unit=cycles n=2 min=1 median=2 p99=3 max=4",)), 4)
check("blocking_round_trip_on_another_pair_is_reported", has(p, "uchan_roundtrip pair=1-2", "no such pair"), p)
p = problems(run(1, drop=("unmap_ncores",)), 1)
check("missing_unmap_is_reported_on_one_core", has(p, "unmap_ncores", "no BENCH line"), p)
p = problems(run(2, replace=("ns=3000 value=66666666 ", "ns=3000 value=666 ")), 2)
check("throughput_value_not_msgs_over_ns_is_reported", has(p, "urpc_throughput pair=0-1", "value"), p)

# --- n/a ---
na = 'BENCH name=urpc_oneway pair=0-1 n/a reason="TSCs not synchronized"'
p = problems(run(2, drop=("urpc_oneway pair=0-1",), extra=(na,)), 2)
check("oneway_may_say_na", not p, p)
p = problems(run(2, drop=("urpc_roundtrip pair=0-1",),
                 extra=('BENCH name=urpc_roundtrip pair=0-1 n/a reason="no"',)), 2)
check("roundtrip_may_not_say_na", has(p, "urpc_roundtrip pair=0-1", "n/a"), p)
w, _ = bench.parse(run(2, drop=("urpc_oneway pair=0-1",), extra=(na,)), 2, 20)
s = bench.pair_summary(w)
check("na_gives_no_ratio", s[0]["oneway_ratio"] is None and s[0]["roundtrip_ratio"] == 3.5, s)

# --- the shootdown at 2..SMP cores, over each shape, with its counts ---
def shoot_lines(smp, n=2, drop=()):
    out = []
    for c in range(2, smp + 1):
        for s in bench.SHAPES:
            out.append(f"BENCH name=shootdown protocol={s} cores={c} unit=cycles n={n} min=1 "
                       f"median=2 p99=3 max=4 msgs={2 * (c - 1)} cross_node=0 rounds=2")
    return [l for l in out if not any(d in l for d in drop)]


def shoot(text, smp, n=20):
    return bench.parse_cores(text, smp, "shootdown", bench.SHAPES, n, counted=True)


text = run(4, extra=shoot_lines(4))
rows, p = shoot(text, 4)
check("shootdown_complete_smp4_passes", not p and len(rows) == 12 and not bench.parse(text, 4, 20)[1]
      and rows[0]["msgs"] == 2 and rows[-1]["cores"] == 4, (p, rows[:1]))
_, p = shoot(run(4, extra=shoot_lines(4, drop=("protocol=numa cores=3 ",))), 4)
check("shootdown_missing_shape_is_reported", has(p, "cores=3", "protocol=numa"), p)
_, p = shoot(run(2, extra=[l.split(" msgs=")[0] for l in shoot_lines(2)]), 2)
check("shootdown_without_counts_is_malformed", has(p, "malformed"), p)
_, p = shoot(run(2, extra=shoot_lines(3)), 2)
check("shootdown_at_more_cores_than_booted_is_reported", has(p, "cores=3", "unexpected"), p)
_, p = shoot(run(2, extra=shoot_lines(2, n=20)), 2)
check("shootdown_with_full_n_is_reported", has(p, "n=20, want 2"), p)

# --- errors from the monitor ---
p = problems(run(2, extra=('BENCH error name=urpc_pairs reason="pair 0-1: core 0: ping: ERR_TIMEOUT"',)), 2)
check("monitor_error_is_reported", has(p, "urpc_pairs", "ERR_TIMEOUT"), p)

sys.exit(1 if failed else 0)
EOF
