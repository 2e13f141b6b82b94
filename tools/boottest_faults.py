"""The fault-injection campaign (docs/supervision.md, "The fault-injection
campaign"): a boot with `faults=N,SEED`, whose driver (tests/user/faults)
injects N faults into a supervised service under load from a client on
every core and ends with

    faults: injected N, restarts R, requests A answered, E errored, L lost

`make test` runs a small campaign (run(), from tools/boottest.py) and the
refusals of bad `faults=` values; `make faults` runs a long one (main()).
The seed is fresh each run and printed; `faults=N,SEED` replays it.

Usage: tools/boottest_faults.py [--n N] [--seed S] [--smp 4] [--timeout S]
"""
import argparse
import os
import random
import re
import sys
import time

SMALL_N = 20                    # make test's campaign: one boot, well under a minute
LINE = (r"^faults: injected (\d+), restarts (\d+), requests (\d+) answered, (\d+) errored, "
        r"(\d+) lost$")


def judge(status, text, n, exit_pass):
    """What is wrong with a campaign's boot: its line must say N injected,
    as many restarts by the supervisor, answers, and nothing lost; the
    driver must pass (no duplicate, no wrong answer) and QEMU exit with
    the pass status."""
    problems = []
    lines = re.findall(LINE, text, re.M)
    if len(lines) != 1:
        problems.append(f"{len(lines)} final 'faults: injected ...' lines, want 1")
    else:
        inj, restarts, answered, _errored, lost = map(int, lines[0])
        if inj != n:
            problems.append(f"injected {inj}, want {n}")
        if restarts != inj:
            problems.append(f"the supervisor counts {restarts} restarts for {inj} injections")
        if answered == 0:
            problems.append("no request was answered")
        if lost:
            problems.append(f"{lost} requests lost")
    if not re.search(r"^faults: PASS: ", text, re.M):
        fail = re.search(r"^faults: FAIL: .*$", text, re.M)
        problems.append(fail.group(0) if fail else "no 'faults: PASS' verdict")
    for bad in (r"kernel fault", r"^panic: "):
        if re.search(bad, text, re.M):
            problems.append(f"the output has /{bad}/")
    if status != exit_pass:
        problems.append(f"QEMU exit {status}, want {exit_pass}")
    return problems


def campaign(bt, name, logdir, timeout, kernel, n, seed, smp=4, mem="256M"):
    append = f"faults={n},{seed}"
    start = time.monotonic()
    status, text, log = bt.boot(name, logdir, timeout, smp=smp, mem=mem, kernel=kernel,
                                append=append)
    took = time.monotonic() - start
    return judge(status, text, n, bt.EXIT_PASS), text, log, took


def run(res, args, bt):
    name = "boot/special/smp4_faults_campaign_loses_nothing"
    if not args.filter or args.filter in name:
        seed = random.randint(1, 0x7FFFFFFF)
        problems, text, log, _ = campaign(bt, name, args.logdir, args.timeout, args.kernel,
                                          SMALL_N, seed)
        if problems:
            res.add("FAIL", name, "; ".join(problems) +
                    f" (replay: faults={SMALL_N},{seed}); log {log}\n" + bt.tail(text, 25))
        else:
            res.add("PASS", name)
    # Bad values: each refused with its reason, and the system boots on
    # to the shell without a campaign.
    for case, value in (("zero_count", "0"), ("count_not_a_number", "12x"),
                        ("count_too_big", "134217728"), ("zero_seed", "5,0"),
                        ("seed_not_a_number", "5,abc")):
        bt.special(res, args, f"faults_{case}_is_refused",
                   [rf"^faults: refused faults={re.escape(value)}: want faults=N\[,SEED\], "
                    r"N injections 1 to 134217727, SEED 1 to 2147483647; booting without",
                    r"^Flotilla shell on core 0"],
                   until=r"^Flotilla shell on core 0", smp=2, mem=args.mem, append=f"faults={value}")


def long_boot(qemu, log_path, timeout, **kw):
    """One boot for make faults: its output goes to the log as it comes
    (boottest.boot's search of everything after every chunk would cost
    the square of hours of output), the driver's progress lines to the
    terminal. Returns (exit status or "timeout", text)."""
    import subprocess
    cmd = qemu.qemu_command(**kw)
    os.makedirs(os.path.dirname(log_path) or ".", exist_ok=True)
    start = time.monotonic()
    out = []
    with open(log_path, "w") as log:
        log.write(" ".join(cmd) + "\n\n")
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        timer = __import__("threading").Timer(timeout, proc.kill)
        timer.start()
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").replace("\r", "")
            out.append(line)
            log.write(line)
            if re.match(r"faults: \d+ injected|faults: \d+ injections", line):
                print(f"[{time.monotonic() - start:.0f} s] {line}", end="", flush=True)
        proc.wait()
        timer.cancel()
    status = proc.returncode
    if time.monotonic() - start >= timeout:
        status = "timeout"
        out.append(f"\n[faults: killed after {timeout} s]\n")
    return status, "".join(out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import boottest as bt
    ap = argparse.ArgumentParser(description="make faults: a long fault-injection campaign")
    ap.add_argument("--n", type=int, default=10000, help="injections (FAULTS_N)")
    ap.add_argument("--seed", type=int, default=0, help="0: a fresh one (FAULTS_SEED)")
    ap.add_argument("--smp", type=int, default=4)
    ap.add_argument("--timeout", type=int, default=0,
                    help="seconds; 0: 120 + 10 per injection, far above the rate measured")
    ap.add_argument("--kernel", default="build/flotilla-test.bin")
    ap.add_argument("--logdir", default="build/testlogs")
    a = ap.parse_args()
    seed = a.seed or random.randint(1, 0x7FFFFFFF)
    timeout = a.timeout or 120 + 10 * a.n
    print(f"faults: {a.n} injections at {a.smp} cores, seed {seed}, timeout {timeout} s "
          f"(log {a.logdir}/faults.log)", flush=True)
    log = os.path.join(a.logdir, "faults.log")
    start = time.monotonic()
    status, text = long_boot(bt.qemu, log, timeout, smp=a.smp, mem="256M", kernel=a.kernel,
                             append=f"faults={a.n},{seed}")
    took = time.monotonic() - start
    problems = judge(status, text, a.n, bt.EXIT_PASS)
    for line in re.findall(r"^faults: (?:by kind|injected|PASS|FAIL).*$", text, re.M):
        print(line)
    print(f"faults: {took:.0f} s for {a.n} injections ({a.n / took:.2f} a second) under "
          f"{'KVM' if 'kvm' in os.environ.get('ACCEL', '') else 'TCG'}")
    if problems:
        print("FAIL faults: " + "; ".join(problems) + f" (replay: faults={a.n},{seed}); log {log}")
        return 1
    print("PASS faults")
    return 0


if __name__ == "__main__":
    sys.exit(main())
