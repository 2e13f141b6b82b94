#!/usr/bin/env python3
"""Measures boot time: the kernel's own figure, from its first instruction
to `cores online` (TSC), over several boots at several core counts.

The figures are emulated time under whatever accelerator qemu.py picks
(TCG on machines without vmx/svm): compare them with each other, not with
real hardware. Prints median, min and max per core count.
"""
import argparse
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boottest  # noqa: E402

BOOT = re.compile(r"^boot: (\d+)\.(\d+) ms from the first kernel instruction", re.M)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", default="build/flotilla.bin")
    ap.add_argument("--smp", default="1,4,8")
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    print(f"accelerator: {boottest.qemu.pick_accel()}, memory {a.mem}, {a.runs} boots each")
    print(f"{'cores':>5} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for smp in [int(s) for s in a.smp.split(",")]:
        ms = []
        for i in range(a.runs):
            status, text, log = boottest.boot(f"boottime_smp{smp}_{i}", "build/testlogs/boottime",
                                              120, until=r"^boot: .*\n", smp=smp, mem=a.mem,
                                              kernel=a.kernel)
            m = BOOT.search(text)
            if not m:
                sys.exit(f"boottime: no boot line at {smp} cores; see {log}")
            ms.append(int(m.group(1)) + int(m.group(2)) / 1000)
        print(f"{smp:>5} {statistics.median(ms):>10.1f} {min(ms):>8.1f} {max(ms):>8.1f}")


if __name__ == "__main__":
    main()
