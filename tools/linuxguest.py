#!/usr/bin/env python3
"""`make linux-bench`: boot the Linux guest, tabulate what it measured.

The guest (mk/linux.mk, docs/benchmarks.md#the-linux-guest) is Debian's
kernel with an initramfs holding busybox and bench/linux's `linuxbench`.
It boots in the machine that tools/qemu.py gives every Flotilla boot (q35,
the same accelerator and -cpu, -smp, -m and NUMA options), runs the
workloads with `bench=N` from the kernel command line, prints lines in
Flotilla's format

    BENCH name=getppid unit=cycles n=10000 min=.. median=.. p99=.. max=..
    BENCH name=urpc_roundtrip pair=0-1 unit=cycles n=10000 min=.. ...
    BENCH name=urpc_oneway pair=0-1 unit=cycles n=10000 min=.. ...
    BENCH name=urpc_throughput pair=0-1 unit=msgs_per_s msgs=.. ns=.. value=.. cycles_per_msg=..
    BENCH name=pairs n/a reason="..."               (one CPU: no pair)
    BENCH name=shm_update k=1 cores=1 unit=cycles n=1000 .. updates=U applied=U
    BENCH done

and powers off through isa-debug-exit with the verdict. This script builds
nothing: it boots the kernel and initramfs it is given, checks every line
with tools/bench.py's parser (every workload, every pair), prints tables
and writes the figures as JSON (build/bench/linux.json unless --json says
otherwise; the boot log beside it). It exits non-zero if the boot fails or
times out, linuxbench reports an error, or a line is missing or malformed.
It judges no figure.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
import qemu  # noqa: E402

# Every workload linuxbench prints on one CPU, in its order, with what one
# sample is (bench/linux/*.c).
WORKLOADS = [
    ("rdtsc_overhead", True, "empty timed region: the cost of the timing itself"),
    ("getppid", True, "syscall(SYS_getppid): the null system call"),
    ("sched_yield_alone", True, "sched_yield with nothing else runnable on the CPU"),
    ("process_switch", True, "one switch between two processes (half a sched_yield)"),
    ("thread_switch", True, "one switch between two threads (half a sched_yield)"),
    ("thread_create", True, "pthread_create of a thread that returns, and pthread_join"),
    ("pipe_samecore", True, "8 bytes each way through two pipes, both processes on CPU 0"),
    ("futex_samecore", True, "futex wake/wait ping-pong, both processes on CPU 0"),
    ("unix_samecore", True, "8 bytes each way on an AF_UNIX socketpair, both on CPU 0"),
    ("munmap_ncores", True, "munmap of a page read by a thread on every CPU"),
]
# Between two CPUs: the floor and URPC on every pair, round trip and one
# way (which may say n/a: the TSCs were found not synchronized); the
# blocking round trips on the first pair (0-1) only (bench/linux/pairs.c
# says why).
PAIR_WORKLOADS = bench.SHARED_PAIR_WORKLOADS + [
    ("pipe_roundtrip", True, "first"),
    ("eventfd_roundtrip", True, "first"),
]
# Those that wake a halted CPU on every iteration run N / SLOW_DIVISOR
# timed iterations (bench.py's; bench/linux/lbench.h's bench_slow()).
LINUX = {"workloads": WORKLOADS, "pair_workloads": PAIR_WORKLOADS, "no_pairs": "pairs",
         "slow": {"pipe_roundtrip", "eventfd_roundtrip", "munmap_ncores"}, "who": "linuxbench"}
# The guest's command line. Under TCG the TSC is one clock for every vCPU
# (QEMU's cpu_get_ticks), but Linux's boot-time check calls the vCPUs'
# TSCs unsynchronized and falls back to the HPET, whose every read is an
# emulated device access; tsc=reliable keeps the TSC as the clock source.
BASE_APPEND = "console=ttyS0 panic=-1 quiet"


def guest_append(accel, iterations=None, extra=""):
    """The kernel command line for one benchmark boot."""
    parts = [BASE_APPEND] + (["tsc=reliable"] if accel == "tcg" else []) + \
        ([extra] if extra else []) + [f"bench={iterations}" if iterations else "bench"]
    return " ".join(parts)


def boot(kernel, initrd, smp, mem, numa=0, iterations=None, extra_append="", timeout=400):
    """Boots the guest once: (text, QEMU status or "timeout", command, append)."""
    accel = qemu.pick_accel()
    append = guest_append(accel, iterations, extra_append)
    cmd = qemu.qemu_command(smp, mem, kernel=kernel, append=append, numa=numa,
                            extra=["-initrd", initrd])
    try:
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
        text, status = r.stdout.decode("utf-8", "replace"), r.returncode
    except subprocess.TimeoutExpired as e:
        text, status = (e.stdout or b"").decode("utf-8", "replace"), "timeout"
    return text.replace("\r", ""), status, cmd, append


def check(text, status, smp, iterations=None):
    """(workloads, problems) of one boot's output, as bench.parse gives
    (with `iterations`, each line's n must be bench.expected_n's)."""
    workloads, problems = bench.parse(text, smp, iterations, LINUX)
    cores, more = bench.parse_cores(text, smp, "munmap", [None], iterations)
    workloads, problems = workloads + cores, problems + more
    problems += bench.parse_fig3(text, smp, iterations)[1]     # bench/linux/updates.c
    if status != bench.EXIT_PASS:
        problems.insert(0, f"QEMU exit status {status}, want {bench.EXIT_PASS} (linuxbench passed)")
    return workloads, problems


def pair_table(workloads):
    """Per pair: the cache line and URPC round trips (median / p99), their
    ratio, both one way, the stream, and the blocking round trips where
    measured."""
    by = {}
    for w in workloads:
        if "pair" in w:
            by.setdefault(w["pair"], {})[w["name"]] = w

    def lat(w):
        return "n/a" if not w or w.get("na") else f"{w['median']} / {w['p99']}"
    rows = [("pair", "line rt", "urpc rt", "urpc/line", "line 1-way", "urpc 1-way", "msgs/s",
             "cycles/msg", "pipe rt", "eventfd rt")]
    for pair, p in by.items():
        r, t = bench.ratio(p.get("urpc_roundtrip"), p.get("cacheline_roundtrip")), p.get("urpc_throughput")
        rows.append((pair, lat(p.get("cacheline_roundtrip")), lat(p.get("urpc_roundtrip")),
                     "n/a" if r is None else f"{r:.2f}", lat(p.get("cacheline_oneway")),
                     lat(p.get("urpc_oneway")),
                     str(t["value"]) if t and not t.get("na") else "n/a",
                     str(t["cycles_per_msg"]) if t and not t.get("na") else "n/a",
                     lat(p.get("pipe_roundtrip")) if "pipe_roundtrip" in p else "-",
                     lat(p.get("eventfd_roundtrip")) if "eventfd_roundtrip" in p else "-"))
    return bench.columns(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", required=True, help="Debian's /boot/vmlinuz-*")
    ap.add_argument("--initrd", default="build/linux/initramfs.cpio")
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--numa", default="0")
    ap.add_argument("--iterations", type=int, help="timed iterations per workload (10000)")
    ap.add_argument("--append", default=os.environ.get("LINUX_APPEND", ""),
                    help="more kernel arguments, e.g. mitigations=off (LINUX_APPEND=)")
    ap.add_argument("--json", default="build/bench/linux.json")
    ap.add_argument("--timeout", type=int, default=400, help="seconds for the whole boot")
    a = ap.parse_args()
    for f in (a.kernel, a.initrd):
        if not os.path.exists(f):
            sys.exit(f"linuxguest: {f} does not exist; run make linux-guest")
    text, status, cmd, append = boot(a.kernel, a.initrd, a.smp, a.mem, a.numa, a.iterations,
                                     a.append, a.timeout)
    os.makedirs(os.path.dirname(a.json) or ".", exist_ok=True)
    log = os.path.splitext(a.json)[0] + ".log"
    with open(log, "w") as f:
        f.write(" ".join(cmd) + "\n\n" + text)
    workloads, problems = check(text, status, a.smp, a.iterations)
    guest = re.search(r"^guest: (.*)$", text, re.M)
    tsc = re.search(r"^linuxbench: .*TSC (\d+) MHz", text, re.M)
    accel = qemu.pick_accel()
    print(f"linux guest: {os.path.basename(a.kernel)}, {a.smp} CPUs, {a.mem}, accelerator {accel}"
          + (f", TSC {tsc.group(1)} MHz" if tsc else "") + "; cycles per operation")
    if guest:
        print(f"linux guest: {guest.group(1)}")
    if workloads:
        print(bench.table([w for w in workloads if "pair" not in w and "cores" not in w], LINUX))
    if any("cores" in w for w in workloads):
        print("\nmunmap of a page read by a thread on each of the other CPUs, at 2..N CPUs "
              "(cycles); " + bench.VCPU_NOTE.format(host=os.cpu_count()) + ":")
        print(bench.cores_table([w for w in workloads if "cores" in w]))
    if any("pair" in w for w in workloads):
        print("\nBetween each pair of CPUs (cycles, median / p99):")
        print(pair_table(workloads))
    fig3 = bench.parse_fig3(text, a.smp, a.iterations)[0]
    if fig3:
        print("\nFigure 3, shared memory (shm) beside messages (msg), as in Flotilla (cycles); "
              + bench.VCPU_NOTE.format(host=os.cpu_count()).replace(
                  "msgs, cross_node and rounds", "updates") + ":")
        print(bench.fig3_table(fig3))
        png = os.path.join(os.path.dirname(a.json) or ".", "fig3-linux.png")
        r = subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "fig3plot.py"),
                            log, png, "--title", f"figure 3 in the linux guest, {a.smp} cpus"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        print(r.stdout.strip())
    result = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "kernel": a.kernel, "initrd": a.initrd, "smp": a.smp, "mem": a.mem, "numa": a.numa,
        "accel": accel, "append": append, "guest": guest.group(1) if guest else None,
        "tsc_mhz": int(tsc.group(1)) if tsc else None, "qemu_exit": status,
        "command": " ".join(cmd),
        "workloads": [w for w in workloads if "pair" not in w and "cores" not in w],
        "pairs": [w for w in workloads if "pair" in w],
        "munmap": [w for w in workloads if "cores" in w], "fig3": fig3,
        "problems": problems,
    }
    with open(a.json, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(f"linux guest: figures in {a.json}, boot log in {log}")
    for p in problems:
        print(f"linux guest: error: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
