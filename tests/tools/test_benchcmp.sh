#!/bin/bash
# Tests for the Linux side of `make bench` (docs/benchmarks.md) on canned
# output, without QEMU: tools/linuxguest.py's checks of the guest's lines
# (a complete run at 1, 2 and 4 CPUs passes; a missing, doubled or
# misplaced line is reported), tools/benchcmp.py's table (which Flotilla
# workload meets which Linux one, n/a where a side has none, ratios and
# floors, CSV) and tools/mkinitramfs.py's archive (read back entry by
# entry). No figure is judged. One PASS/FAIL line per case.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

PYTHONPATH="$ROOT/tools" exec python3 - <<'EOF_PY'
import csv
import os
import sys
import tempfile

import bench
import benchcmp
import linuxguest
import mkinitramfs

failed = False


def check(name, ok, why=""):
    global failed
    if ok:
        print(f"PASS tools/benchcmp/{name}")
    else:
        print(f"FAIL tools/benchcmp/{name}: {why}")
        failed = True


def linux_run(smp, n=20, drop=(), extra=()):
    """linuxbench's output of a good run: every workload, every pair."""
    lines = [f"BENCH name={w} unit=cycles n={bench.expected_n(linuxguest.LINUX, w, n)} min=10 median=20 "
             f"p99=30 max=40" for w, *_ in linuxguest.WORKLOADS]
    if smp < 2:
        lines.append('BENCH name=pairs n/a reason="one CPU: no pair of CPUs to measure"')
    for i, p in enumerate(bench.pairs_of(smp)):
        lines += [
            f"BENCH name=cacheline_roundtrip pair={p} unit=cycles n={n} min=100 median=200 p99=300 max=400",
            f"BENCH name=urpc_roundtrip pair={p} unit=cycles n={n} min=300 median=400 p99=500 max=600",
            f"BENCH name=cacheline_oneway pair={p} unit=cycles n={n} min=40 median=50 p99=60 max=70",
            f"BENCH name=urpc_oneway pair={p} unit=cycles n={n} min=100 median=150 p99=200 max=250",
            f"BENCH name=urpc_throughput pair={p} unit=msgs_per_s msgs={10 * n} ns=1000 "
            f"value={10 * n * 10**9 // 1000} cycles_per_msg=9",
        ]
        if i == 0:
            lines += [f"BENCH name=pipe_roundtrip pair={p} unit=cycles n={n // 10} min=1 median=5000 p99=6000 max=7000",
                      f"BENCH name=eventfd_roundtrip pair={p} unit=cycles n={n // 10} min=1 median=4000 p99=6000 max=7000"]
    for c in range(2, smp + 1):
        lines.append(f"BENCH name=munmap cores={c} unit=cycles n={max(1, n // 10)} min=1 "
                     f"median=50000 p99=60000 max=70000")
    for name, most in (("shm_update", smp), ("msg_update", smp - 1)):   # Figure 3
        for k in (1, 2, 4, 8):
            lines += [f"BENCH name={name} k={k} cores={c} unit=cycles n={max(1, n // 10)} min=1 "
                      f"median=2 p99=3 max=4 updates=50 applied=50"
                      + (f" server={smp - 1}" if name == "msg_update" else "")
                      for c in range(1, most + 1)]
    if smp < 2:
        lines.append('BENCH name=msg_update n/a reason="one core: no server beside a client"')
    lines = [l for l in lines if not any(d in l for d in drop)] + list(extra)
    return "guest: Linux 6.1\n" + "\n".join(lines) + "\nBENCH done\n"


def flotilla_run(smp, n=20):
    lines = [f"BENCH name={w} unit=cycles n={bench.expected_n(bench.FLOTILLA, w, n)} min=1 "
             f"median=100 p99=200 max=300" for w, _, _ in bench.WORKLOADS]
    for p in bench.pairs_of(smp):
        lines += [
            f"BENCH name=cacheline_roundtrip pair={p} unit=cycles n={n} min=100 median=250 p99=300 max=400",
            f"BENCH name=urpc_roundtrip pair={p} unit=cycles n={n} min=500 median=800 p99=900 max=990",
            f"BENCH name=cacheline_oneway pair={p} unit=cycles n={n} min=50 median=100 p99=150 max=160",
            f"BENCH name=urpc_oneway pair={p} unit=cycles n={n} min=200 median=300 p99=400 max=500",
            f"BENCH name=urpc_throughput pair={p} unit=msgs_per_s msgs={10 * n} ns=2000 "
            f"value={10 * n * 10**9 // 2000} cycles_per_msg=36",
        ]
        if p == "0-1":
            lines.append(f"BENCH name=uchan_roundtrip pair={p} unit=cycles n={n // 10} "
                         f"min=1 median=10000 p99=20000 max=30000")
    return "\n".join(lines) + "\nBENCH done\n"


def has(probs, *words):
    return any(all(w in p for w in words) for p in probs)


# --- the shootdown beside munmap at the same core counts ---
w, p = linuxguest.check(linux_run(4, drop=("name=munmap cores=3 ",)), bench.EXIT_PASS, 4, 20)
check("linux_missing_munmap_core_count_is_reported", any("munmap: no line for cores=3" in x for x in p), p)
w, p = linuxguest.check(linux_run(2), bench.EXIT_PASS, 2, 20)
lin = {"munmap": [x for x in w if "cores" in x]}
flo = {"shootdown": [{"protocol": s, "cores": 2, "median": 100000} for s in bench.SHAPES]}
t = benchcmp.shootdown_table(flo, lin) or ""
check("shootdown_meets_munmap_at_the_same_cores", "50000" in t and "100000 (2.00)" in t, t)
check("no_shootdown_no_table", benchcmp.shootdown_table({}, lin) is None)

# --- linuxguest.py's checks of the guest's lines ---
for smp, npairs in ((1, 0), (2, 1), (4, 6)):
    w, p = linuxguest.check(linux_run(smp), bench.EXIT_PASS, smp, 20)
    pairs = {x["pair"] for x in w if "pair" in x}
    check(f"linux_complete_smp{smp}_passes", not p and len(pairs) == npairs,
          f"problems {p}, pairs {sorted(pairs)}")
_, p = linuxguest.check(linux_run(4, drop=("name=msg_update k=8 cores=3 ",)), bench.EXIT_PASS, 4, 20)
check("linux_missing_fig3_line_reported", has(p, "msg_update: no line for k=8 cores=3"), f"{p}")
_, p = linuxguest.check(linux_run(4, drop=("name=getppid",)), bench.EXIT_PASS, 4, 20)
check("linux_missing_workload_reported", has(p, "getppid", "no BENCH line"), f"{p}")
_, p = linuxguest.check(linux_run(4, drop=("pipe_roundtrip",)), bench.EXIT_PASS, 4, 20)
check("linux_missing_blocking_pair_reported", has(p, "pair 0-1", "pipe_roundtrip"), f"{p}")
_, p = linuxguest.check(linux_run(4, drop=("cacheline_roundtrip pair=2-3",)), bench.EXIT_PASS, 4, 20)
check("linux_missing_floor_reported", has(p, "pair 2-3", "cacheline_roundtrip"), f"{p}")
_, p = linuxguest.check(linux_run(4, drop=("urpc_oneway pair=1-3",)), bench.EXIT_PASS, 4, 20)
check("linux_missing_oneway_reported", has(p, "pair 1-3", "urpc_oneway"), f"{p}")
na = 'BENCH name=urpc_oneway pair=0-1 n/a reason="TSCs not synchronized"'
_, p = linuxguest.check(linux_run(2, drop=("urpc_oneway pair=0-1",), extra=(na,)), bench.EXIT_PASS, 2, 20)
check("linux_oneway_may_say_na", not p, f"{p}")
extra = ("BENCH name=pipe_roundtrip pair=0-2 unit=cycles n=20 min=1 median=2 p99=3 max=4",)
_, p = linuxguest.check(linux_run(4, extra=extra), bench.EXIT_PASS, 4, 20)
check("linux_blocking_only_on_first_pair", has(p, "pipe_roundtrip pair=0-2", "no such pair"), f"{p}")
_, p = linuxguest.check(linux_run(2), bench.EXIT_PASS, 2, 30)
check("linux_wrong_n_reported", has(p, "getppid: n=20, want 30") and
      has(p, "munmap_ncores: n=2, want 3"), f"{p}")
check("linux_slow_workloads_run_n_over_10",
      bench.expected_n(linuxguest.LINUX, "munmap_ncores", 10000) == 1000 and
      bench.expected_n(linuxguest.LINUX, "pipe_roundtrip", 1) == 1 and
      bench.expected_n(linuxguest.LINUX, "getppid", 10000) == 10000, "")
_, p = linuxguest.check(linux_run(2), 0, 2, 20)
check("linux_bad_exit_status_reported", has(p, "QEMU exit status 0"), f"{p}")
_, p = linuxguest.check(linux_run(2, extra=('BENCH error name=getppid reason="x"',)),
                        bench.EXIT_PASS, 2, 20)
check("linux_error_reported", has(p, "getppid: x"), f"{p}")
check("append_has_bench_and_console",
      linuxguest.guest_append("tcg", 7).endswith("bench=7") and
      "console=ttyS0" in linuxguest.guest_append("kvm") and
      "tsc=reliable" not in linuxguest.guest_append("kvm"), linuxguest.guest_append("tcg", 7))

# --- benchcmp.py's table ---
fw, fp = bench.parse(flotilla_run(2), 2, 20)
flotilla = {"smp": 2, "mem": "256M", "numa": "0", "accel": "tcg",
            "workloads": [w for w in fw if "pair" not in w], "pairs": bench.pair_summary(fw)}
lw, lp = linuxguest.check(linux_run(2), bench.EXIT_PASS, 2, 20)
linux = {"smp": 2, "mem": "256M", "numa": "0", "accel": "tcg",
         "workloads": [w for w in lw if "pair" not in w], "pairs": [w for w in lw if "pair" in w]}
rows = benchcmp.rows(flotilla, linux)
by = {(r["workload"], r["pair"]): r for r in rows}
null = by.get(("null system call", None), {})
check("null_syscall_meets_getppid",
      null.get("flotilla") == "null_syscall" and null.get("linux") == "getppid" and
      null.get("ratio") == 5.0, f"{null}")
tc = by.get(("thread create + join (F: user-level, L: kernel)", None), {})
check("thread_create_meets_pthread_create",
      tc.get("flotilla") == "thread_create" and tc.get("linux") == "thread_create" and
      tc.get("ratio") == 5.0, f"{tc}")
short = dict(flotilla, workloads=[w for w in flotilla["workloads"] if w["name"] != "thread_create"])
tc = {r["workload"]: r for r in benchcmp.rows(short, linux)}.get(
    "thread create + join (F: user-level, L: kernel)", {})
check("flotilla_without_workload_is_na",
      tc.get("flotilla_median") is None and tc.get("linux_median") == 20 and tc.get("ratio") is None,
      f"{tc}")
lmp = [r for r in rows if r["flotilla"] == "lmp_roundtrip"]
check("lmp_meets_three_same_core_round_trips",
      sorted(r["linux"] for r in lmp) == ["futex_samecore", "pipe_samecore", "unix_samecore"], f"{lmp}")
u = by.get(("cross-core round trip, polled: URPC / URPC in user space", "0-1"), {})
check("urpc_row_has_both_floors",
      u.get("ratio") == 2.0 and u.get("floor_flotilla") == 250 and u.get("floor_linux") == 200,
      f"{u}")
t = by.get(("pipelined throughput (msgs/s): URPC / URPC in user space", "0-1"), {})
check("throughput_in_msgs_per_s", t.get("unit") == "msgs/s" and t.get("ratio") == 0.5, f"{t}")
b = by.get(("cross-core round trip, blocking: URPC / pipe", "0-1"), {})
e = by.get(("cross-core round trip, blocking: URPC / eventfd", "0-1"), {})
check("uchan_meets_pipe_and_eventfd",
      b.get("flotilla") == e.get("flotilla") == "uchan_roundtrip" and b.get("ratio") == 2.0 and
      e.get("ratio") == 2.5 and b.get("floor_flotilla") == 250 and b.get("floor_linux") == 200,
      f"{b} {e}")
check("blocking_rows_only_on_the_first_pair",
      not any(r["pair"] not in (None, "0-1") and "blocking" in r["workload"] for r in
              benchcmp.rows(dict(flotilla, pairs=bench.pair_summary(bench.parse(flotilla_run(4), 4, 20)[0])),
                            linux)), "")
o = by.get(("cross-core one way, polled: URPC / URPC in user space", "0-1"), {})
check("oneway_meets_oneway_with_its_own_floor",
      o.get("flotilla") == o.get("linux") == "urpc_oneway" and o.get("ratio") == 2.0 and
      o.get("floor_flotilla") == 100 and o.get("floor_linux") == 50, f"{o}")
f = by.get(("cache line one way (the floor)", "0-1"), {})
check("oneway_floor_row_has_no_floor", f.get("ratio") == 2.0 and f.get("floor_flotilla") is None,
      f"{f}")
u = by.get(("unmap a page mapped on all cores", None), {})
check("unmap_meets_munmap",
      u.get("flotilla") == "unmap_ncores" and u.get("linux") == "munmap_ncores" and
      u.get("ratio") == 5.0, f"{u}")
text = benchcmp.table(benchcmp.rows(short, linux))
check("table_says_na", "n/a" in text and "250 / 200" in text, text)
check("same_machine_no_mismatch", benchcmp.mismatches(flotilla, linux) == [], "")
check("other_machine_is_a_mismatch",
      benchcmp.mismatches(flotilla, dict(linux, smp=4)) == ["smp: Flotilla 2, Linux 4"],
      f"{benchcmp.mismatches(flotilla, dict(linux, smp=4))}")
with tempfile.TemporaryDirectory() as d:
    benchcmp.write_csv(rows, os.path.join(d, "r.csv"))
    with open(os.path.join(d, "r.csv")) as f:
        got = list(csv.DictReader(f))
    check("csv_has_every_row", len(got) == len(rows) and got[1]["linux"] == "getppid", f"{got[:2]}")

# --- mkinitramfs.py: read the archive back ---
def entries(data):
    out, off = [], 0
    while True:
        h = data[off:off + 110].decode()
        assert h.startswith("070701"), h
        f = [int(h[6 + 8 * k:14 + 8 * k], 16) for k in range(13)]
        namesize, size = f[11], f[6]
        name = data[off + 110:off + 110 + namesize - 1].decode()
        off += 110 + namesize
        off += -off % 4
        body = data[off:off + size]
        off += size + (-size % 4)
        if name == "TRAILER!!!":
            return out, off
        out.append((name, f[1], body, (f[9], f[10])))


with tempfile.NamedTemporaryFile() as src:
    src.write(b"hello")
    src.flush()
    data = mkinitramfs.build(["dir:/bin", f"file:init={src.name}:755", "link:bin/sh=busybox",
                              "char:dev/console=5:1"])
    try:
        got, end = entries(data)
        ok = ([(n, m) for n, m, _, _ in got] ==
              [("bin", 0o40755), ("init", 0o100755), ("bin/sh", 0o120777), ("dev/console", 0o20600)]
              and got[1][2] == b"hello" and got[2][2] == b"busybox" and got[3][3] == (5, 1)
              and len(data) % 512 == 0)
        why = f"{got}"
    except (AssertionError, ValueError, IndexError) as e:
        ok, why = False, repr(e)
    check("initramfs_reads_back", ok, why)
    check("initramfs_is_reproducible", data == mkinitramfs.build(
        ["dir:/bin", f"file:init={src.name}:755", "link:bin/sh=busybox", "char:dev/console=5:1"]))
try:
    mkinitramfs.build(["pipe:x"])
    check("initramfs_refuses_unknown_entry", False, "no error")
except ValueError:
    check("initramfs_refuses_unknown_entry", True)

sys.exit(1 if failed else 0)
EOF_PY
