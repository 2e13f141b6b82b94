#!/usr/bin/env python3
"""Do the simulator and a Flotilla boot count the same shootdown?

    tools/sim_vs_boot.py LOG [--machine qemu:N,K] [--sim build/sim/shootdown]

LOG is the serial output of a `make bench` boot; its lines

    BENCH name=shootdown protocol=P cores=N ... msgs=M cross_node=X rounds=R

(with root=C and members=0xMASK when the run was not from core 0 over the
first N cores) are what Flotilla's monitors counted. For each, the
simulator (build/sim/shootdown --counts, the same lib/mtree.c trees and
counts) runs the same shape over the same cores of the same topology, and
each of msgs, cross_node and rounds must be equal: one PASS or FAIL line
per BENCH line, exit status 1 if any differs (or on bad input, with a
sentence). The topology is --machine, or else read from the boot's own
lines, `  core C: APIC id A, node K, ...`, which must be tools/qemu.py's
split of N cores over K nodes.
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHAPES = ("broadcast", "unicast", "multicast", "numa")
COUNTS = ("msgs", "cross_node", "rounds")
CORE_LINE = re.compile(r"^\s*core (\d+): APIC id \d+, node (\d+),")


class Bad(Exception):
    pass


def fields(line):
    """The key=value words of a BENCH line."""
    return dict(w.split("=", 1) for w in line.split()[1:] if "=" in w)


def bench_lines(text):
    """[(line number, fields)] of the shootdown lines."""
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line.startswith("BENCH ") or "name=shootdown" not in line.split():
            continue
        f = fields(line)
        missing = [k for k in ("protocol", "cores") + COUNTS if k not in f]
        if missing:
            raise Bad(f"line {i}: a shootdown line without {', '.join(missing)}: {line}")
        if f["protocol"] not in SHAPES:
            raise Bad(f"line {i}: protocol={f['protocol']} is not one of {', '.join(SHAPES)}")
        for k in ("cores",) + COUNTS + (("root",) if "root" in f else ()):
            if not f[k].isdigit():
                raise Bad(f"line {i}: {k}={f[k]} is not a number")
        if "members" in f and not re.fullmatch(r"0x[0-9a-fA-F]+", f["members"]):
            raise Bad(f"line {i}: members={f['members']} is not a mask like 0xff")
        out.append((i, f))
    return out


def machine_from_log(text):
    """qemu:N,K from the boot's core lines, if they are qemu.py's split."""
    nodes = {}
    for line in text.splitlines():
        m = CORE_LINE.match(line)
        if m and int(m.group(1)) not in nodes:
            nodes[int(m.group(1))] = int(m.group(2))
    if not nodes:
        raise Bad("the log has no `core C: APIC id A, node K` lines: give --machine")
    n, k = len(nodes), max(nodes.values()) + 1
    if sorted(nodes) != list(range(n)):
        raise Bad("the log's core lines do not number the cores 0 to N-1: give --machine")
    want = {c: min(c // (n // k), k - 1) for c in range(n)} if k <= n else None
    if nodes != want:
        raise Bad(f"the log's nodes are not tools/qemu.py's split of {n} cores over {k} "
                  "nodes: give --machine")
    return f"qemu:{n},{k}"


def simulate(sim, machine, f):
    cmd = [sim, "--machine", machine, "--counts", f["protocol"], f["cores"]]
    if "root" in f:
        cmd += ["--root", f["root"]]
    if "members" in f:
        cmd += ["--members", f["members"]]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise Bad(f"{' '.join(cmd)}: {r.stderr.strip()}")
    return fields("x " + r.stdout.strip())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("--machine", help="the topology, as build/sim/shootdown names it")
    ap.add_argument("--sim", default=os.path.join(ROOT, "build/sim/shootdown"))
    a = ap.parse_args()
    failed = False
    try:
        try:
            with open(a.log, errors="replace") as f:
                text = f.read()
        except OSError as e:
            raise Bad(f"{a.log}: {e.strerror}")
        if not os.access(a.sim, os.X_OK):
            raise Bad(f"{a.sim} is not built (make build/sim/shootdown)")
        lines = bench_lines(text)
        if not lines:
            raise Bad(f"{a.log}: no `BENCH name=shootdown` lines: nothing to compare")
        machine = a.machine or machine_from_log(text)
        for i, f in lines:
            got = simulate(a.sim, machine, f)
            name = f"sim_vs_boot/{machine}/{f['protocol']}/cores={f['cores']}"
            diff = [f"{k} boot {f[k]} sim {got.get(k)}" for k in COUNTS if f[k] != got.get(k)]
            if diff:
                print(f"FAIL {name}: line {i}: " + ", ".join(diff))
                failed = True
            else:
                print(f"PASS {name}: " + " ".join(f"{k}={f[k]}" for k in COUNTS))
    except Bad as e:
        print(f"sim_vs_boot.py: {e}", file=sys.stderr)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
