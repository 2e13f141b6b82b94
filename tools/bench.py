#!/usr/bin/env python3
"""`make bench`: boot Flotilla with `bench`, tabulate the cycles it measured.

The monitor on core 0 times each workload inside Flotilla
(bench/monitor/bench.c) and prints one line per workload:

    BENCH name=null_syscall unit=cycles n=10000 min=.. median=.. p99=.. max=..
    BENCH name=thread_switch n/a reason="..."

then, for every pair of cores i < j (bench/monitor/meshbench.c), URPC beside
one cache line bounced between the same two cores:

    BENCH name=cacheline_roundtrip pair=0-1 unit=cycles n=10000 min=.. median=.. p99=.. max=..
    BENCH name=urpc_oneway pair=0-1 n/a reason="..."
    BENCH name=urpc_throughput pair=0-1 unit=msgs_per_s msgs=.. ns=.. value=.. cycles_per_msg=..
    BENCH name=urpc_pairs n/a reason="..."          (one core: no pair)

and, on the pair 0-1 only, a blocking round trip between two processes
(bench/monitor/procbench.c, which also has unmap_ncores timed in a
process: the slow workloads, N / SLOW_DIVISOR iterations each):

    BENCH name=uchan_roundtrip pair=0-1 unit=cycles n=1000 min=.. median=.. p99=.. max=..

and the Multikernel paper's Figure 3 (lib/updbench.h; a slow workload too),
shared memory beside messages for k = 1, 2, 4, 8 lines at every core count,
plotted into fig3.png beside the JSON (tools/fig3plot.py):

    BENCH name=shm_update k=1 cores=2 unit=cycles n=1000 min=.. .. updates=U applied=U
    BENCH name=msg_update k=1 cores=1 unit=cycles n=1000 min=.. .. updates=U applied=U server=1
    BENCH done

and powers off with its verdict. This script builds nothing: it boots the
kernel it is given (build/flotilla-test.bin by default, as the user-space
tests do) through tools/qemu.py, checks that every expected line is there
(every workload, every pair of the cores booted) and well formed, prints
tables (per pair with the ratio of URPC to the cache line), and writes the
figures as JSON (build/bench/bench.json unless --json says otherwise). It
exits non-zero if the boot fails or times out, the monitor reports an
error, or a line is missing or malformed. It judges no figure:
docs/benchmarks.md says how to read them (under TCG they are emulated
cycles).
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fig3plot  # noqa: E402
import qemu  # noqa: E402

# Every workload bench.c prints, in its order, with what one sample is.
# `measured`: must carry numbers; the others may still say n/a.
WORKLOADS = [
    ("rdtsc_overhead", True, "empty timed region: the cost of the timing itself"),
    ("null_syscall", True, "SYS_CORE_ID, the cheapest system call"),
    ("trace_event", True, "recording one trace event (lib/trace.h), as the kernel and monitors do"),
    ("cap_invoke", True, "DISP_STATUS on the caller's own dispatcher"),
    ("yield_alone", True, "sys_yield with nothing else runnable"),
    ("dispatcher_switch", True, "one dispatcher switch (half a yield to a yielding child)"),
    ("dispatcher_switch_fpu", True, "the same, both using an SSE register between yields"),
    ("lmp_roundtrip", True, "LMP call to an echo server and its reply, one core"),
    ("thread_switch", True, "user-level thread switch (half a yield to a yielding thread)"),
    ("thread_create", True, "thread_create of a thread that returns, and thread_join"),
    ("unmap_ncores", True, "unmap of a page read on every core (a process spanning them all)"),
    ("moncall_packed", True, "MON_CORES to this core's monitor, packed by hand (one LMP call)"),
    ("moncall_idl", True, "the same as if/moncall.if's cores rpc (one LMP call)"),
    ("moncall_ps_packed", True, "MON_PS to this core's monitor, packed by hand (one LMP call)"),
    ("moncall_ps_idl", True, "the same as the ps rpc (a 2-fragment reply: two LMP calls)"),
]
# URPC between each pair of cores (bench/monitor/meshbench.c), for every
# pair i-j, i < j, of the cores booted, in the order printed; what one
# sample is: docs/benchmarks.md. `measured`: must carry numbers; the
# one-way lines may say n/a (the cores' TSCs were found not synchronized).
# The blocking round trip between two processes (bench/monitor/procbench.c)
# only on the first pair, 0-1, as the Linux guest's.
# The first five are the same workloads in the Linux guest
# (tools/linuxguest.py adds its own blocking round trips to them).
SHARED_PAIR_WORKLOADS = [
    ("cacheline_roundtrip", True),
    ("urpc_roundtrip", True),
    ("cacheline_oneway", False),
    ("urpc_oneway", False),
    ("urpc_throughput", True),
]
PAIR_WORKLOADS = SHARED_PAIR_WORKLOADS + [
    ("uchan_roundtrip", True, "first"),
]
# The line that stands for all pairs when there is none (one core).
NO_PAIRS = "urpc_pairs"
# The workloads that wake a halted core on every iteration (a blocking
# round trip between cores, a TLB shootdown on every core) run
# N / SLOW_DIVISOR timed iterations (at least 1), on both systems
# (flotilla/bench.h's bench_slow_n, bench/linux/lbench.h's bench_slow).
SLOW_DIVISOR = 10
# What one boot must print: the one-core workloads, the pair workloads
# (with "first": only on the pair 0-1), the line that stands for all
# pairs on one core, the slow workloads, and who prints them.
# tools/linuxguest.py has the Linux guest's.
FLOTILLA = {"workloads": WORKLOADS, "pair_workloads": PAIR_WORKLOADS, "no_pairs": NO_PAIRS,
            "slow": {"uchan_roundtrip", "unmap_ncores"}, "who": "the monitor"}
EXIT_PASS, EXIT_FAIL = (0x10 << 1) | 1, (0x11 << 1) | 1

NUMBERS = re.compile(r"^BENCH name=([a-z0-9_]+) unit=cycles n=(\d+) min=(\d+) median=(\d+) "
                     r"p99=(\d+) max=(\d+)$")
NOT_AVAILABLE = re.compile(r'^BENCH name=([a-z0-9_]+) n/a reason="([^"]+)"$')
ERROR = re.compile(r'^BENCH error name=([a-z0-9_]+) reason="([^"]*)"$')
PAIR_NUMBERS = re.compile(r"^BENCH name=([a-z0-9_]+) pair=(\d+)-(\d+) unit=cycles n=(\d+) "
                          r"min=(\d+) median=(\d+) p99=(\d+) max=(\d+)$")
PAIR_THROUGHPUT = re.compile(r"^BENCH name=(urpc_throughput) pair=(\d+)-(\d+) unit=msgs_per_s "
                             r"msgs=(\d+) ns=(\d+) value=(\d+) cycles_per_msg=(\d+)$")
PAIR_NOT_AVAILABLE = re.compile(r'^BENCH name=([a-z0-9_]+) pair=(\d+)-(\d+) n/a reason="([^"]+)"$')
# A workload at several core counts (lib/bench.h's bench_report_cores):
# Flotilla's shootdown over each shape with what each run counted, the
# Linux guest's munmap.
CORES_LINE = re.compile(r"^BENCH name=([a-z0-9_]+)(?: protocol=([a-z]+))? cores=(\d+) unit=cycles "
                        r"n=(\d+) min=(\d+) median=(\d+) p99=(\d+) max=(\d+)"
                        r"(?: msgs=(\d+) cross_node=(\d+) rounds=(\d+))?$")
# The shapes of lib/mtree.h, in the order tests/user/uprog/bench.c runs them.
SHAPES = ["broadcast", "unicast", "multicast", "numa"]


def expected_n(spec, name, iterations):
    """How many timed iterations `spec`'s workload `name` runs when asked
    for `iterations`."""
    if name in spec["slow"]:
        return max(1, iterations // SLOW_DIVISOR)
    return iterations


def pairs_of(smp):
    """Every pair "i-j", i < j, of `smp` cores, in the order bench runs them."""
    return [f"{i}-{j}" for i in range(smp) for j in range(i + 1, smp)]


def pairs_for(spec, name, smp):
    """The pairs on which `spec`'s pair workload `name` runs."""
    for w in spec["pair_workloads"]:
        if w[0] == name and len(w) > 2 and w[2] == "first":
            return pairs_of(smp)[:1]
    return pairs_of(smp)


def parse_pair(line, smp, iterations, found, problems, spec=None):
    """One `pair=` line into found[(name, pair)]; False if it is not one."""
    spec = spec or FLOTILLA
    m = PAIR_NUMBERS.match(line) or PAIR_THROUGHPUT.match(line) or PAIR_NOT_AVAILABLE.match(line)
    if not m:
        return False
    name, i, j = m.group(1), int(m.group(2)), int(m.group(3))
    pair, kinds = f"{i}-{j}", {w[0]: w[1] for w in spec["pair_workloads"]}
    if name not in kinds:
        problems.append(f"{name} pair={pair}: not a pair workload: {line!r}")
        return True
    if not i < j < smp or pair not in pairs_for(spec, name, smp):
        problems.append(f"{name} pair={pair}: no such pair of {smp} cores: {line!r}")
        return True
    if (name, pair) in found:
        problems.append(f"{name} pair={pair}: printed twice")
        return True
    w = {"name": name, "pair": pair}
    if m.re is PAIR_NOT_AVAILABLE:
        w.update(na=True, reason=m.group(4))
        if kinds[name]:
            problems.append(f"{name} pair={pair}: says n/a, but it is measured: {line!r}")
    elif (m.re is PAIR_THROUGHPUT) != (name == "urpc_throughput"):
        problems.append(f"malformed line: {line!r} (wrong unit for {name})")
        return True
    elif m.re is PAIR_THROUGHPUT:
        msgs, ns, value, cpm = (int(g) for g in m.groups()[3:])
        w.update(unit="msgs_per_s", msgs=msgs, ns=ns, value=value, cycles_per_msg=cpm)
        if msgs == 0 or ns == 0 or value != msgs * 10**9 // ns:
            problems.append(f"{name} pair={pair}: want value = msgs * 10^9 / ns, "
                            f"msgs and ns above 0: {line!r}")
    else:
        n, lo, med, p99, hi = (int(g) for g in m.groups()[3:])
        w.update(unit="cycles", n=n, min=lo, median=med, p99=p99, max=hi)
        if not lo <= med <= p99 <= hi:
            problems.append(f"{name} pair={pair}: want min <= median <= p99 <= max: {line!r}")
        if iterations is not None and n != expected_n(spec, name, iterations):
            problems.append(f"{name} pair={pair}: n={n}, want "
                            f"{expected_n(spec, name, iterations)}")
    found[(name, pair)] = w
    return True


def parse(text, smp, iterations=None, spec=None):
    """The BENCH lines of a boot of `smp` cores: (workloads, problems).
    workloads is a list of dicts: the one-core workloads in the order of
    WORKLOADS, then for each pair of cores (pairs_of(smp)) its PAIR_WORKLOADS
    (dicts with "pair"). problems lists every missing, malformed,
    duplicated or inconsistent line, every pair of the `smp` cores that
    lacks a workload and every pair that is not one of them (empty when all
    is well). `spec` says what must be there (FLOTILLA by default)."""
    spec = spec or FLOTILLA
    no_pairs = spec["no_pairs"]
    found, pairs, problems, done = {}, {}, [], False
    for line in text.replace("\r", "").splitlines():
        if not line.startswith("BENCH"):
            continue
        if line == "BENCH done":
            done = True
            continue
        if line == "BENCH failed":
            problems.append(f"{spec['who']} said BENCH failed")
            continue
        err = ERROR.match(line)
        if err:
            problems.append(f"{err.group(1)}: {err.group(2)}")
            continue
        if " cores=" in line:
            continue                    # parse_cores'
        if " pair=" in line:
            if not parse_pair(line, smp, iterations, pairs, problems, spec):
                problems.append(f"malformed line: {line!r}")
            continue
        m, na = NUMBERS.match(line), NOT_AVAILABLE.match(line)
        if not m and not na:
            problems.append(f"malformed line: {line!r}")
            continue
        name = (m or na).group(1)
        if name in found:
            problems.append(f"{name}: printed twice")
            continue
        if na:
            found[name] = {"name": name, "na": True, "reason": na.group(2)}
            continue
        n, lo, med, p99, hi = (int(g) for g in m.groups()[1:])
        found[name] = {"name": name, "unit": "cycles", "n": n, "min": lo, "median": med,
                       "p99": p99, "max": hi}
        if not lo <= med <= p99 <= hi:
            problems.append(f"{name}: want min <= median <= p99 <= max: {line!r}")
        if iterations is not None and n != expected_n(spec, name, iterations):
            problems.append(f"{name}: n={n}, want {expected_n(spec, name, iterations)}")
    for name, measured, *_ in spec["workloads"]:
        if name not in found:
            problems.append(f"{name}: no BENCH line")
        elif measured and found[name].get("na"):
            problems.append(f"{name}: says n/a, but it is built")
    if smp < 2 and not found.get(no_pairs, {}).get("na"):
        problems.append(f"{no_pairs}: no n/a line, with {smp} core")
    elif smp >= 2 and no_pairs in found:
        problems.append(f"{no_pairs}: a line, but {smp} cores have pairs")
    for pair in pairs_of(smp):
        missing = [w[0] for w in spec["pair_workloads"]
                   if pair in pairs_for(spec, w[0], smp) and (w[0], pair) not in pairs]
        if missing:
            problems.append(f"pair {pair}: no BENCH line for " + ", ".join(missing))
    if not done:
        problems.append("no 'BENCH done' line")
    known = [w[0] for w in spec["workloads"]]
    order = sorted(found, key=lambda k: (known.index(k) if k in known else len(known), k))
    kinds, where = [w[0] for w in spec["pair_workloads"]], pairs_of(max(smp, 1))
    porder = sorted(pairs, key=lambda k: (where.index(k[1]) if k[1] in where else len(where),
                                          kinds.index(k[0])))
    return [found[k] for k in order] + [pairs[k] for k in porder], problems


def parse_cores(text, smp, name, protocols, iterations=None, counted=False):
    """The lines of workload `name` at 2..smp cores, one for each of
    `protocols` (a list; [None] for lines without protocol=): (rows,
    problems). Each row: name, protocol, cores, the figures, and with
    `counted` msgs, cross_node, rounds (which must be there). Every core
    count and protocol must be there once, n must be the slow workloads'
    (with `iterations`)."""
    rows, problems, seen = [], [], set()
    for line in text.replace("\r", "").splitlines():
        if not line.startswith(f"BENCH name={name} "):
            continue
        m = CORES_LINE.match(line)
        if not m or m.group(2) not in protocols or (m.group(9) is None) == counted:
            problems.append(f"malformed line: {line!r}")
            continue
        proto, cores = m.group(2), int(m.group(3))
        n, lo, med, p99, hi = (int(g) for g in m.groups()[3:8])
        if not 2 <= cores <= smp or (proto, cores) in seen:
            problems.append(f"{name}: cores={cores} protocol={proto}: unexpected or twice")
            continue
        seen.add((proto, cores))
        row = {"name": name, "protocol": proto, "cores": cores, "unit": "cycles", "n": n,
               "min": lo, "median": med, "p99": p99, "max": hi}
        if counted:
            row.update(msgs=int(m.group(9)), cross_node=int(m.group(10)),
                       rounds=int(m.group(11)))
        if not lo <= med <= p99 <= hi:
            problems.append(f"{name}: want min <= median <= p99 <= max: {line!r}")
        if iterations is not None and n != max(1, iterations // SLOW_DIVISOR):
            problems.append(f"{name}: n={n}, want {max(1, iterations // SLOW_DIVISOR)}")
        rows.append(row)
    for cores in range(2, smp + 1):
        for proto in protocols:
            if (proto, cores) not in seen:
                problems.append(f"{name}: no line for cores={cores}"
                                + (f" protocol={proto}" if proto else ""))
    return rows, problems


AGREE_LINE = re.compile(r"^BENCH name=agree_commit protocol=([a-z]+) cores=(\d+) unit=cycles "
                        r"n=(\d+) min=(\d+) median=(\d+) p99=(\d+) max=(\d+) coord_sent=(\d+)$")


def parse_agree(text, smp, iterations=None):
    """The agreement's line (bench/monitor/agreebench.c): a dict of its
    fields, or a string saying what is wrong. One line, at `smp` cores,
    well formed, n the slow workloads', and coord_sent at most two
    messages (a PREPARE and a DECIDE) to each of the other cores."""
    lines = [l for l in text.replace("\r", "").splitlines() if l.startswith("BENCH name=agree_commit ")]
    if len(lines) != 1:
        return f"agree_commit: {len(lines)} lines, want 1"
    m = AGREE_LINE.match(lines[0])
    if not m:
        return f"agree_commit: malformed line: {lines[0]!r}"
    cores, n, lo, med, p99, hi, sent = (int(g) for g in m.groups()[1:])
    if cores != smp:
        return f"agree_commit: cores={cores}, want {smp}"
    if not lo <= med <= p99 <= hi:
        return f"agree_commit: want min <= median <= p99 <= max: {lines[0]!r}"
    if iterations is not None and n != max(1, iterations // SLOW_DIVISOR):
        return f"agree_commit: n={n}, want {max(1, iterations // SLOW_DIVISOR)}"
    if sent > 2 * (smp - 1) or (smp > 1 and sent == 0):
        return f"agree_commit: coord_sent={sent}: the coordinator of {smp} cores sends 1 to {2 * (smp - 1)}"
    return {"protocol": m.group(1), "cores": cores, "n": n, "median": med, "coord_sent": sent}


def parse_fig3(text, smp, iterations=None):
    """Figure 3's lines (lib/updbench.h, tools/fig3plot.py reads them):
    (rows, problems). Each of shm_update at cores 1..smp and msg_update at
    1..smp-1 clients (server smp-1), for every k of 1, 2, 4, 8, must be
    there once and well formed, with updates = applied and n the slow
    workloads' (with `iterations`); on one core, msg_update's n/a line."""
    rows, problems = fig3plot.parse_lines(text)
    seen = {(r["name"], r["k"], r["cores"]) for r in rows}
    for r in rows:
        most = smp if r["name"] == "shm_update" else smp - 1
        where = f"{r['name']} k={r['k']} cores={r['cores']}"
        if not 1 <= r["cores"] <= most:
            problems.append(f"{where}: no such count of {smp} cores")
        if r["server"] is not None and r["server"] != smp - 1:
            problems.append(f"{where}: server={r['server']}, want {smp - 1} (the last core)")
        if iterations is not None and r["n"] != max(1, iterations // SLOW_DIVISOR):
            problems.append(f"{where}: n={r['n']}, want {max(1, iterations // SLOW_DIVISOR)}")
    for name, most in (("shm_update", smp), ("msg_update", smp - 1)):
        for k in fig3plot.KS:
            for cores in range(1, most + 1):
                if (name, k, cores) not in seen:
                    problems.append(f"{name}: no line for k={k} cores={cores}")
    na = re.search(r'^BENCH name=msg_update n/a reason="', text, re.M)
    if (smp == 1) != bool(na):
        problems.append(f"msg_update: {'no' if smp == 1 else 'an'} n/a line at {smp} cores")
    return rows, problems


def fig3_table(rows):
    """Figure 3's lines: median / p99 per series (shm k, msg k) and core
    count, and the updates every run counted."""
    out = [("series", "cores", "median", "p99", "n", "updates (= applied)")]
    for r in rows:
        out.append((f"{r['name'][:3]} k={r['k']}", str(r["cores"]), str(r["median"]),
                    str(r["p99"]), str(r["n"]), str(r["updates"])))
    return columns(out)


# Under TCG, cross-core times mean something only when the emulated cores
# do not outnumber the host's: otherwise a core must wait until the host
# runs the vCPU that answers it. The counts mean the same everywhere.
VCPU_NOTE = ("cross-core times mean something only when vCPUs <= host cores "
             "({host} here); rely on msgs, cross_node and rounds otherwise")


def cores_table(rows):
    """The shootdown's lines: protocol, cores, median / p99, the counts."""
    out = [("protocol", "cores", "median", "p99", "n", "msgs", "cross_node", "rounds")]
    for r in rows:
        out.append((r["protocol"] or r["name"], str(r["cores"]), str(r["median"]), str(r["p99"]),
                    str(r["n"]), str(r.get("msgs", "-")), str(r.get("cross_node", "-")),
                    str(r.get("rounds", "-"))))
    return columns(out)


def ratio(a, b):
    """a / b to 2 decimals, None unless both are measured and b is not 0."""
    if not a or not b or a.get("na") or b.get("na") or not b["median"]:
        return None
    return round(a["median"] / b["median"], 2)


def pair_summary(workloads):
    """One dict per pair: its workloads by name, and the URPC/cache-line
    ratios of the medians (round trip, one way)."""
    out = {}
    for w in workloads:
        if "pair" in w:
            out.setdefault(w["pair"], {"pair": w["pair"]})[w["name"]] = w
    for p in out.values():
        p["roundtrip_ratio"] = ratio(p.get("urpc_roundtrip"), p.get("cacheline_roundtrip"))
        p["oneway_ratio"] = ratio(p.get("urpc_oneway"), p.get("cacheline_oneway"))
    return list(out.values())


def columns(rows):
    """Rows of cells as text: the first column left-aligned, the rest right."""
    width = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join([r[0].ljust(width[0])] +
                               [c.rjust(width[i + 1]) for i, c in enumerate(r[1:])]).rstrip()
                      for r in rows)


def pair_table(summary):
    """Per pair: median / p99 of each latency in cycles, the ratios of URPC
    to the cache line, the throughput, and the blocking round trip where
    it is measured ("-" elsewhere)."""
    def lat(w):
        return "n/a" if not w or w.get("na") else f"{w['median']} / {w['p99']}"

    def num(x):
        return "n/a" if x is None else f"{x:.2f}"
    rows = [("pair", "line rt", "urpc rt", "urpc/line", "line 1-way", "urpc 1-way", "urpc/line",
             "msgs/s", "cycles/msg", "blocking rt")]
    for p in summary:
        t = p.get("urpc_throughput")
        rows.append((p["pair"], lat(p.get("cacheline_roundtrip")), lat(p.get("urpc_roundtrip")),
                     num(p["roundtrip_ratio"]), lat(p.get("cacheline_oneway")),
                     lat(p.get("urpc_oneway")), num(p["oneway_ratio"]),
                     str(t["value"]) if t else "n/a", str(t["cycles_per_msg"]) if t else "n/a",
                     lat(p["uchan_roundtrip"]) if "uchan_roundtrip" in p else "-"))
    return columns(rows)


def table(workloads, spec=None):
    what = {w[0]: w[2] for w in (spec or FLOTILLA)["workloads"]}
    rows = [("workload", "median", "p99", "min", "max", "n", "one sample is")]
    for w in workloads:
        if "pair" in w:
            continue
        if w.get("na"):
            rows.append((w["name"], "n/a", "", "", "", "", w["reason"]))
        else:
            rows.append((w["name"], str(w["median"]), str(w["p99"]), str(w["min"]),
                         str(w["max"]), str(w["n"]), what.get(w["name"], "")))
    return columns(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default="build/flotilla-test.bin")
    ap.add_argument("--smp", type=int, default=4, help="cores (default 4: six pairs)")
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--numa", default="0", help="emulate this many NUMA nodes (NUMA=)")
    ap.add_argument("--iterations", type=int,
                    help="timed iterations per workload (bench=N; default: bench.c's, 10000)")
    ap.add_argument("--json", default="build/bench/bench.json", help="where to write the figures")
    ap.add_argument("--timeout", type=int, default=300, help="seconds for the whole boot")
    ap.add_argument("--append", default="",
                    help="more kernel command-line words (e.g. fpu=lazy: docs/userspace.md)")
    a = ap.parse_args()
    if not os.path.exists(a.kernel):
        sys.exit(f"bench: {a.kernel} does not exist; run make first")
    append = "bench" + (f"={a.iterations}" if a.iterations is not None else "")
    append += f" {a.append}" if a.append else ""
    cmd = qemu.qemu_command(a.smp, a.mem, kernel=a.kernel, append=append, numa=a.numa)
    accel = qemu.pick_accel()
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=a.timeout)
        text, status = r.stdout.decode("utf-8", "replace").replace("\r", ""), r.returncode
    except subprocess.TimeoutExpired as e:
        text = (e.stdout or b"").decode("utf-8", "replace").replace("\r", "")
        status = "timeout"
    os.makedirs(os.path.dirname(a.json) or ".", exist_ok=True)
    log = os.path.splitext(a.json)[0] + ".log"
    with open(log, "w") as f:
        f.write(" ".join(cmd) + "\n\n" + text)

    workloads, problems = parse(text, a.smp, a.iterations)
    shoot, shoot_problems = parse_cores(text, a.smp, "shootdown", SHAPES, a.iterations,
                                        counted=True)
    problems += shoot_problems
    fig3, fig3_problems = parse_fig3(text, a.smp, a.iterations)
    problems += fig3_problems
    summary = pair_summary(workloads)
    if status != EXIT_PASS:
        problems.insert(0, f"QEMU exit status {status}, want {EXIT_PASS} (bench passed)")
    tsc = re.search(r"^clocks: TSC (\d+) MHz", text, re.M)
    print(f"bench: {a.kernel}" + (f" ({a.append})" if a.append else "") +
          f", {a.smp} cores, {a.mem}, accelerator {accel}"
          + (f", TSC {tsc.group(1)} MHz" if tsc else "") + f"; cycles per operation")
    if workloads:
        print(table(workloads))
    if summary:
        print("\nURPC between each pair of cores beside one cache line bounced between them, "
              "and the blocking round trip between two processes (cycles, median / p99):")
        print(pair_table(summary))
    if shoot:
        print(f"\nTLB shootdown of a page over each shape at 2..{a.smp} cores (numa={a.numa}), "
              f"cycles, and what each run counted; " + VCPU_NOTE.format(host=os.cpu_count()) + ":")
        print(cores_table(shoot))
    if fig3:
        print(f"\nFigure 3: one update of k cache lines by shared memory (shm: a spinlock) "
              f"and by a message to a server core (msg), cycles, at 1..{a.smp} cores; "
              + VCPU_NOTE.format(host=os.cpu_count()).replace("msgs, cross_node and rounds",
                                                              "updates") + ":")
        print(fig3_table(fig3))
        png = os.path.join(os.path.dirname(a.json) or ".", "fig3.png")
        r = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "fig3plot.py"),
                            log, png, "--title", f"figure 3 in flotilla, {a.smp} cores ({accel})"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(r.stdout.strip())
        if r.returncode != 0:
            problems.append(f"fig3plot.py failed: {r.stdout.strip()}")
    result = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "kernel": a.kernel, "smp": a.smp, "mem": a.mem, "numa": a.numa, "accel": accel,
        "append": append,
        "tsc_mhz": int(tsc.group(1)) if tsc else None, "qemu_exit": status,
        "command": " ".join(cmd),
        "workloads": [w for w in workloads if "pair" not in w], "pairs": summary,
        "shootdown": shoot, "fig3": fig3, "problems": problems,
    }
    with open(a.json, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"bench: figures in {a.json}, boot log in {log}")
    if problems:
        for p in problems:
            print(f"bench: error: {p}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
