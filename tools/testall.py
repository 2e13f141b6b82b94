#!/usr/bin/env python3
"""`make test`: every test Flotilla has, one verdict line each, one summary.

Stages, in order (each prints PASS/FAIL/SKIP lines):
  build     the kernel with gcc, and with clang when it is installed
  host      lib/ unit tests under AddressSanitizer + UBSan (tests/host/)
  tools     the build tools' own tests (tests/tools/)
  check     the multikernel invariant (tools/check-shared.py) on the real
            kernels, and proof that it rejects a planted shared global;
            no test, fuzzer or benchmark code in the production image
            (check-production.py);
            no x87/SSE/AVX in either compiler's kernel (check-kernel-fpu.py)
  fuzz      each libFuzzer target for a fixed number of runs
  boot      the boot tests under QEMU at 1, 2, 3, 4 and 8 cores, the
            bad-input boots, the GRUB ISO, and a boot of the clang kernel
  firmware  the GRUB ISO under SeaBIOS and under UEFI (OVMF), each to the
            shell and powered off: part of the matrix (tools/fwboot.py
            --quick; make test-firmware boots all of it)
  screen    the GRUB ISO under SeaBIOS with a display and a keyboard: the
            console read off the screen and typed at
            (tools/boottest_screen.py; make test-firmware under OVMF too)
The last line is `N passed, N failed` (and `, N skipped`); the exit status
is 1 if anything failed. `--filter T` keeps only tests whose names contain T.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

import fwboot  # tools/fwboot.py, beside this file: its test names
import boottest_screen  # tools/boottest_screen.py: the same

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VERDICT = re.compile(r"^(PASS|FAIL|SKIP) (\S+)")
counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}


def emit(kind, name, why=""):
    counts[kind] += 1
    print(f"{kind} {name}" + (f": {why}" if why else ""), flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, **kw)


def relay(output):
    """Passes through verdict lines (and the indented detail under a FAIL)."""
    for line in output.splitlines():
        m = VERDICT.match(line)
        if m:
            counts[m.group(1)] += 1
            print(line, flush=True)
        elif line.startswith("    "):
            print(line, flush=True)


def wanted(name, flt):
    return not flt or flt in name


def stage_build(flt, jobs):
    ok = {}
    r = run(["make", "-s", f"-j{jobs}", "kernel"])
    ok["gcc"] = r.returncode == 0
    emit("PASS" if ok["gcc"] else "FAIL", "build/kernel_gcc",
         "" if ok["gcc"] else "\n" + r.stdout[-3000:])
    if shutil.which("clang"):
        r = run(["make", "-s", f"-j{jobs}", "B=build-clang", "CC=clang", "kernel"])
        ok["clang"] = r.returncode == 0
        emit("PASS" if ok["clang"] else "FAIL", "build/kernel_clang",
             "" if ok["clang"] else "\n" + r.stdout[-3000:])
    else:
        emit("SKIP", "build/kernel_clang", "clang is not installed")
    return ok


def stage_check(flt, clang):
    if wanted("check/kernel_uses_no_vector_registers", flt):
        elfs = ["build/flotilla.elf", "build/flotilla-test.elf"]
        if clang:
            elfs += ["build-clang/flotilla.elf", "build-clang/flotilla-test.elf"]
        r = run([sys.executable, "tools/check-kernel-fpu.py"] + elfs)
        emit("PASS" if r.returncode == 0 else "FAIL", "check/kernel_uses_no_vector_registers",
             r.stdout.strip().splitlines()[-1] if r.returncode == 0 else "\n" + r.stdout[-3000:])
    if wanted("check/shared_state", flt):
        r = run(["make", "-s", "check-shared"])
        emit("PASS" if r.returncode == 0 else "FAIL", "check/shared_state",
             r.stdout.strip().splitlines()[-1] if r.returncode == 0 else "\n" + r.stdout)
    if wanted("check/production_images_hold_no_tests", flt):
        r = run([sys.executable, "tools/check-production.py", "build"])
        emit("PASS" if r.returncode == 0 else "FAIL", "check/production_images_hold_no_tests",
             r.stdout.strip().splitlines()[-1] if r.returncode == 0 else "\n" + r.stdout[-3000:])
    if wanted("check/abi_generated", flt):
        r = run([sys.executable, "tools/abigen.py", "--check"])
        emit("PASS" if r.returncode == 0 else "FAIL", "check/abi_generated",
             r.stdout.strip().splitlines()[-1] if r.returncode == 0 else "\n" + r.stdout[-3000:])
    if wanted("check/monitor_slots_are_named_once", flt):
        r = run([sys.executable, "tools/check-slots.py"])
        emit("PASS" if r.returncode == 0 else "FAIL", "check/monitor_slots_are_named_once",
             r.stdout.strip().splitlines()[-1] if r.returncode == 0 else "\n" + r.stdout[-3000:])
    for case, kernel, named in PLANTED:
        name = "check/shared_state_rejects_" + case
        if not wanted(name, flt):
            continue
        r = run(["make", "-s", f"build/{kernel}.elf"])
        if r.returncode != 0:
            emit("FAIL", name, "planted kernel did not link\n" + r.stdout)
            continue
        r = run([sys.executable, "tools/check-shared.py", f"build/{kernel}.elf"])
        if r.returncode == 1 and named in r.stdout:
            emit("PASS", name)
        else:
            emit("FAIL", name, f"check-shared exited {r.returncode} without naming {named!r}\n{r.stdout}")


# Kernels linked with one planted violation each (tests/check/): the case,
# the kernel, and what check-shared's report must name.
PLANTED = [
    ("planted_global", "flotilla-planted", "planted_shared_counter"),
    ("planted_asm_local_label", "flotilla-planted-asm-local", "bytes in .data that no data symbol names"),
    ("planted_asm_marker_label", "flotilla-planted-asm-marker", "__planted_scratch"),
]


def slowest(since, count=8):
    """Prints the boots of this run that took longest (each log's last
    line, tools/boottest.py's WALL_MARK), where make test's time goes."""
    mark = "[boottest: wall time "
    took = []
    for dirpath, _, files in os.walk(os.path.join(ROOT, "build/testlogs")):
        for f in files:
            path = os.path.join(dirpath, f)
            if not f.endswith(".log") or os.path.getmtime(path) < since:
                continue
            with open(path, errors="replace") as fh:
                tail = fh.read()[-200:]
            m = re.search(re.escape(mark) + r"([\d.]+) s", tail)
            if m:
                took.append((float(m.group(1)), os.path.relpath(path, ROOT)))
    took.sort(reverse=True)
    if took:
        total = sum(t for t, _ in took)
        print(f"boots: {len(took)}, {total:.0f} s in all; the slowest: " +
              ", ".join(f"{os.path.basename(p)[:-4]} {t:.0f} s" for t, p in took[:count]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--filter", default="")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--fuzz-runs", default=os.environ.get("FUZZ_RUNS", "20000"))
    a = ap.parse_args()
    flt = a.filter
    t0, t_wall = time.monotonic(), time.time()

    took, mark = [], [time.monotonic()]

    def lap(stage):
        now = time.monotonic()
        took.append(f"{stage} {now - mark[0]:.0f} s")
        mark[0] = now

    built = stage_build(flt, a.jobs)
    lap("build")
    host = run(["make", "-s", f"-j{a.jobs}", "host-test"] + ([f"T={flt}"] if flt else []))
    relay(host.stdout)
    if host.returncode != 0 and not re.search(r"^(PASS|FAIL) ", host.stdout, re.M):
        emit("FAIL", "host/build", "\n" + host.stdout[-3000:])
    for t in sorted(os.listdir(os.path.join(ROOT, "tests/tools"))):
        if t.endswith(".sh") and wanted("tools/" + t, flt):
            r = run(["bash", "tests/tools/" + t])
            relay(r.stdout)
            if r.returncode != 0 and "FAIL" not in r.stdout:
                emit("FAIL", "tools/" + t, "exited %d\n%s" % (r.returncode, r.stdout[-2000:]))
    lap("host and tool tests")
    if built.get("gcc"):
        stage_check(flt, built.get("clang"))
    lap("checks")
    if not flt or "fuzz" in flt:
        r = run(["make", "-s", f"-j{a.jobs}", "fuzz", f"FUZZ_RUNS={a.fuzz_runs}"])
        relay(r.stdout)
        if r.returncode != 0 and "FAIL" not in r.stdout:
            emit("FAIL", "fuzz/build", "\n" + r.stdout[-3000:])
    lap("fuzzers")
    if built.get("gcc"):
        iso = []
        firmware = any(wanted(n, flt) for n in fwboot.names())
        screen = any(wanted(n, flt) for n in boottest_screen.names() if "/seabios/" in n)
        if wanted("boot/special/grub_iso", flt) or firmware or screen:
            r = run(["make", "-s", "iso"])
            if r.returncode == 0:
                iso = ["--iso", "build/flotilla.iso"]
            else:
                emit("FAIL", "build/iso", "\n" + r.stdout[-2000:])
        unguarded = []
        if wanted("boot/special/memguard_tests_fail_on_a_planted_unguarded_kernel", flt):
            r = run(["make", "-s", "build/flotilla-unguarded.bin"])
            if r.returncode == 0:
                unguarded = ["--unguarded", "build/flotilla-unguarded.bin"]
            else:
                emit("FAIL", "build/unguarded", "\n" + r.stdout[-2000:])
        r = subprocess.run([sys.executable, "tools/boottest.py", "--filter", flt] + iso + unguarded,
                           cwd=ROOT, stdout=subprocess.PIPE, text=True)
        relay(r.stdout)
        if iso and firmware:
            r = subprocess.run([sys.executable, "tools/fwboot.py", "--matrix", "--quick", "--filter", flt],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)
            relay(r.stdout)
        if iso and screen:
            r = subprocess.run([sys.executable, "tools/boottest_screen.py", "--filter", flt],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)
            relay(r.stdout)
        if built.get("clang") and wanted("boot/clang", flt):
            r = subprocess.run([sys.executable, "tools/boottest.py", "--kernel",
                                "build-clang/flotilla-test.bin", "--smp", "2", "--no-special",
                                "--logdir", "build/testlogs/clang"],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)
            relay(r.stdout.replace(" boot/smp2/", " boot/clang/smp2/"))
    else:
        emit("FAIL", "boot", "the kernel did not build; no boot tests ran")

    lap("boots")
    print("stages: " + ", ".join(took))
    slowest(t_wall)
    print(f"make test took {time.monotonic() - t0:.0f} s; boot logs in build/testlogs/")
    summary = f"{counts['PASS']} passed, {counts['FAIL']} failed"
    if counts["SKIP"]:
        summary += f", {counts['SKIP']} skipped"
    print(summary)
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
