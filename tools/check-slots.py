#!/usr/bin/env python3
"""Check that the monitor's capability slots are named once, in one place.

Usage: check-slots.py [ROOT]

The monitor is one process whose modules, tests and benchmarks share one
task CNode and one root CNode, so a slot number chosen in a module's own
file can collide with another's (task slot 27 once held both remote.c's
CNode and the benchmark's endpoint). usr/monitor/slots.h names every
slot. This check fails when

  - a file linked into a monitor (usr/monitor, tests/monitor,
    bench/monitor) names a task-CNode slot of 16 or more by number
    (`CADDR(TASK_CN, 27)`, `cnode_retype(CPTR_TASKCN, 27, ...)`) or
    defines a level-1 slot (`#define X_CN 3`) anywhere but slots.h;
  - two names in slots.h share a number;
  - two files give the same MON_TEST_SLOT(N) or MON_TEST_CN(N) a name.

Slots 1..15 of the task CNode are the kernel's (kpi/caps.h). Exit status:
0 clean, 1 violations (each printed as FILE:LINE: what).
"""

import os
import re
import sys

DIRS = ("usr/monitor", "tests/monitor", "bench/monitor")
REGISTRY = "usr/monitor/slots.h"
FIRST_FREE = 16

TASK_LITERAL = re.compile(r"CADDR\(\s*TASK_CN\s*,\s*(\d+)|CPTR_TASKCN\s*,\s*(\d+)\s*,")
L1_DEFINE = re.compile(r"^#define\s+(\w+_CN)\s+(\d+)\b")
REG_TASK = re.compile(r"^#define\s+(\w+)\s+CADDR\(TASK_CN,\s*(\d+)\)")
# A range: `#define T_NAME(i) CADDR(TASK_CN, N + (i))  /* ... (K slots) */`.
REG_RANGE = re.compile(r"^#define\s+(\w+)\(i\)\s+CADDR\(TASK_CN,\s*(\d+)\s*\+\s*\(i\)\)"
                       r".*?\((\d+) slots\)")
TEST_NAME = re.compile(r"^#define\s+(\w+)(?:\(\w+\))?\s+(MON_TEST_SLOT|MON_TEST_CN)\((\d+)")


def sources(root):
    for d in DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(dirpath, f), root)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    bad = []
    seen_task, seen_l1, seen_test = {}, {}, {}
    for path in sources(root):
        with open(os.path.join(root, path)) as f:
            lines = f.read().split("\n")
        for no, line in enumerate(lines, 1):
            where = f"{path}:{no}"
            if path == REGISTRY:
                for regex, seen, kind in ((REG_TASK, seen_task, "task slot"),
                                          (L1_DEFINE, seen_l1, "level-1 slot")):
                    m = regex.match(line)
                    if m:
                        n = int(m.group(2))
                        if n in seen:
                            bad.append(f"{where}: {kind} {n} is both {seen[n]} and {m.group(1)}")
                        seen.setdefault(n, m.group(1))
                m = REG_RANGE.match(line)
                if m:
                    first, count = int(m.group(2)), int(m.group(3))
                    for n in range(first, first + count):
                        if n in seen_task:
                            bad.append(f"{where}: task slot {n} is both {seen_task[n]} and {m.group(1)}")
                        seen_task.setdefault(n, f"{m.group(1)}({n - first})")
                elif re.match(r"^#define\s+\w+\(i\)\s+CADDR\(TASK_CN", line):
                    bad.append(f"{where}: a range of task slots must say how many: (K slots)")
                continue
            for m in TASK_LITERAL.finditer(line):
                n = int(m.group(1) or m.group(2))
                if n >= FIRST_FREE:
                    bad.append(f"{where}: task slot {n} named by number; name it in {REGISTRY}")
            m = L1_DEFINE.match(line)
            if m:
                bad.append(f"{where}: level-1 slot {m.group(1)} = {m.group(2)} defined outside {REGISTRY}")
            m = TEST_NAME.match(line)
            if m:
                key = (m.group(2), int(m.group(3)))
                if key in seen_test:
                    bad.append(f"{where}: {m.group(2)}({key[1]}) is both {seen_test[key]} and {m.group(1)}")
                seen_test.setdefault(key, f"{m.group(1)} ({where})")
    for b in bad:
        print(b)
    if not seen_task:
        print(f"{REGISTRY}: no slots found (moved?)")
        return 1
    if bad:
        return 1
    print(f"{len(seen_task)} task slots and {len(seen_l1)} level-1 slots in {REGISTRY}, "
          f"{len(seen_test)} test slots, each named once")
    return 0


if __name__ == "__main__":
    sys.exit(main())
