#!/usr/bin/env python3
"""`make bench`: boot Flotilla with `bench`, tabulate the cycles it measured.

The monitor on core 0 times each workload inside Flotilla
(usr/monitor/bench.c) and prints one line per workload:

    BENCH name=null_syscall unit=cycles n=10000 min=.. median=.. p99=.. max=..
    BENCH name=thread_switch n/a reason="..."
    BENCH done

then powers off with its verdict. This script builds nothing: it boots the
kernel it is given (build/flotilla-test.bin by default, as the user-space
tests do) through tools/qemu.py, checks that every expected line is there
and well formed, prints a table, and writes the figures as JSON
(build/bench/bench.json unless --json says otherwise). It exits non-zero
if the boot fails or times out, the monitor reports an error, or a line is
missing or malformed. It judges no figure: docs/benchmarks.md says how to
read them (under TCG they are emulated cycles).
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

# Every workload bench.c prints, in its order, with what one sample is.
# `measured`: must carry numbers; the others may still say n/a.
WORKLOADS = [
    ("rdtsc_overhead", True, "empty timed region: the cost of the timing itself"),
    ("null_syscall", True, "SYS_CORE_ID, the cheapest system call"),
    ("cap_invoke", True, "DISP_STATUS on the caller's own dispatcher"),
    ("yield_alone", True, "sys_yield with nothing else runnable"),
    ("dispatcher_switch", True, "one dispatcher switch (half a yield to a yielding child)"),
    ("lmp_roundtrip", True, "LMP call to an echo server and its reply, one core"),
    ("thread_switch", True, "user-level thread switch (half a yield to a yielding thread)"),
]
EXIT_PASS, EXIT_FAIL = (0x10 << 1) | 1, (0x11 << 1) | 1

NUMBERS = re.compile(r"^BENCH name=([a-z0-9_]+) unit=cycles n=(\d+) min=(\d+) median=(\d+) "
                     r"p99=(\d+) max=(\d+)$")
NOT_AVAILABLE = re.compile(r'^BENCH name=([a-z0-9_]+) n/a reason="([^"]+)"$')
ERROR = re.compile(r'^BENCH error name=([a-z0-9_]+) reason="([^"]*)"$')


def parse(text, iterations=None):
    """The BENCH lines of a boot's output: (workloads, problems). workloads
    is a list of dicts in the order printed; problems lists every missing,
    malformed, duplicated or inconsistent line (empty when all is well)."""
    found, problems, done = {}, [], False
    for line in text.replace("\r", "").splitlines():
        if not line.startswith("BENCH"):
            continue
        m, na, err = NUMBERS.match(line), NOT_AVAILABLE.match(line), ERROR.match(line)
        if line == "BENCH done":
            done = True
            continue
        if line == "BENCH failed":
            problems.append("the monitor said BENCH failed")
            continue
        if err:
            problems.append(f"{err.group(1)}: {err.group(2)}")
            continue
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
        if iterations is not None and n != iterations:
            problems.append(f"{name}: n={n}, want {iterations}")
    for name, measured, _ in WORKLOADS:
        if name not in found:
            problems.append(f"{name}: no BENCH line")
        elif measured and found[name].get("na"):
            problems.append(f"{name}: says n/a, but it is built")
    if not done:
        problems.append("no 'BENCH done' line")
    known = [w[0] for w in WORKLOADS]
    order = sorted(found, key=lambda k: (known.index(k) if k in known else len(known), k))
    return [found[k] for k in order], problems


def table(workloads):
    what = {w[0]: w[2] for w in WORKLOADS}
    rows = [("workload", "median", "p99", "min", "max", "n", "one sample is")]
    for w in workloads:
        if w.get("na"):
            rows.append((w["name"], "n/a", "", "", "", "", w["reason"]))
        else:
            rows.append((w["name"], str(w["median"]), str(w["p99"]), str(w["min"]),
                         str(w["max"]), str(w["n"]), what.get(w["name"], "")))
    width = [max(len(r[i]) for r in rows) for i in range(6)]
    out = []
    for r in rows:
        cells = [r[0].ljust(width[0])] + [r[i].rjust(width[i]) for i in range(1, 6)]
        out.append("  ".join(cells + [r[6]]).rstrip())
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default="build/flotilla-test.bin")
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--iterations", type=int,
                    help="timed iterations per workload (bench=N; default: bench.c's, 10000)")
    ap.add_argument("--json", default="build/bench/bench.json", help="where to write the figures")
    ap.add_argument("--timeout", type=int, default=300, help="seconds for the whole boot")
    a = ap.parse_args()
    if not os.path.exists(a.kernel):
        sys.exit(f"bench: {a.kernel} does not exist; run make first")
    append = "bench" + (f"={a.iterations}" if a.iterations is not None else "")
    cmd = qemu.qemu_command(a.smp, a.mem, kernel=a.kernel, append=append)
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

    workloads, problems = parse(text, a.iterations)
    if status != EXIT_PASS:
        problems.insert(0, f"QEMU exit status {status}, want {EXIT_PASS} (bench passed)")
    tsc = re.search(r"^clocks: TSC (\d+) MHz", text, re.M)
    print(f"bench: {a.kernel}, {a.smp} cores, {a.mem}, accelerator {accel}"
          + (f", TSC {tsc.group(1)} MHz" if tsc else "") + f"; cycles per operation")
    if workloads:
        print(table(workloads))
    result = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "kernel": a.kernel, "smp": a.smp, "mem": a.mem, "accel": accel, "append": append,
        "tsc_mhz": int(tsc.group(1)) if tsc else None, "qemu_exit": status,
        "command": " ".join(cmd), "workloads": workloads, "problems": problems,
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
