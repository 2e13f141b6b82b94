#!/usr/bin/env python3
"""Check that production code holds no tests: what make run boots carries
none of the tests, fuzzers or benchmarks (docs/testing.md, "Two images").

Usage: check-production.py BUILD_DIR

The production image is BUILD_DIR/flotilla.elf and the programs packed
into it, BUILD_DIR/u/prod/*.elf. Each must have:

- no code or data compiled from tests/ or bench/ (or lib/test.c, what
  the test runners share): the source of every
  compilation unit (its DWARF DW_AT_name; everything is built with -g) is
  looked at, and one under tests/ or bench/ is a finding;
- no registered test: lib/test.h's TEST and friends put one entry each
  in a "tests" section, which the linker scripts gather between
  __start_tests and __stop_tests: there must be no bytes between them.

So that a check that reads nothing cannot pass, the test image's kernel
and monitor (BUILD_DIR/flotilla-test.elf, BUILD_DIR/u/test/monitor.elf)
must show both: units under tests/ and registered tests. Exit status: 0
pass, 1 test code found (each finding on its own line), 2 unreadable or
missing input.
"""

import glob
import os
import re
import subprocess
import sys

# Test code outside tests/ and bench/: what the test runners share.
TEST_DIRS = ("tests/", "bench/", "lib/test.c")


def tool(args):
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise OSError(f"{' '.join(args)}: {r.stderr.strip()}")
    return r.stdout


def units(path):
    """The source file of each compilation unit of the ELF."""
    out = tool(["readelf", "--debug-dump=info", "--dwarf-depth=1", path])
    names, in_cu = [], False
    for line in out.splitlines():
        if "DW_TAG_compile_unit" in line:
            in_cu = True
        elif in_cu and "DW_AT_name" in line:
            names.append(line.rsplit(": ", 1)[-1].strip())
            in_cu = False
    return names


def tests_bytes(path):
    """The bytes of registered tests between __start_tests and __stop_tests
    (usr/user.ld, kernel.ld); 0 if the ELF has neither."""
    at = {}
    for line in tool(["nm", path]).splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] in ("__start_tests", "__stop_tests"):
            at[parts[2]] = int(parts[0], 16)
    return at.get("__stop_tests", 0) - at.get("__start_tests", 0)


def findings(elf):
    found = [f"{elf}: built from {u}" for u in units(elf) if u.startswith(TEST_DIRS)]
    n = tests_bytes(elf)
    if n:
        found.append(f"{elf}: {n} bytes of registered tests")
    return found


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: check-production.py BUILD_DIR\n")
        return 2
    b = sys.argv[1]
    prod = [os.path.join(b, "flotilla.elf")] + sorted(glob.glob(os.path.join(b, "u/prod/*.elf")))
    controls = [os.path.join(b, "flotilla-test.elf"), os.path.join(b, "u/test/monitor.elf")]
    missing = [p for p in prod[:1] + controls if not os.path.exists(p)]
    if missing or len(prod) < 2:
        sys.stderr.write("check-production: missing %s (run make first)\n" %
                         (", ".join(missing) or os.path.join(b, "u/prod/*.elf")))
        return 2
    try:
        for c in controls:
            if not any(u.startswith(TEST_DIRS) for u in units(c)) or not tests_bytes(c):
                sys.stderr.write(f"check-production: {c} shows no tests: the check cannot "
                                 "tell test code from production code\n")
                return 2
        problems = [p for elf in prod for p in findings(elf)]
    except OSError as e:
        sys.stderr.write(f"check-production: {e}\n")
        return 2
    for p in problems:
        print(p)
    print(f"check-production: {len(prod)} production ELFs: {len(problems)} findings")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
