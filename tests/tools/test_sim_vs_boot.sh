#!/bin/bash
# Tests for tools/sim_vs_boot.py (docs/sim.md, "Agreement with Flotilla")
# on hand-made boot logs of 4 and 8 cores on 2 NUMA nodes, as `make bench
# SMP=4 NUMA=2` and `SMP=8 NUMA=2` would print them, with the counts worked
# out by hand below (not by the simulator): the logs that match pass; a
# log with one wrong count, in each of msgs, cross_node and rounds, fails
# and names that line; a log without shootdown lines, a line without a
# count, a topology the log does not give, and nodes that are not
# tools/qemu.py's split are refused. One PASS/FAIL line per case.
#
# The counts (root 0, the first N cores; QEMU's one package is one cache
# group, so multicast is a broadcast there; docs/trees.md defines them):
#   SMP=4 NUMA=2, nodes {0,1} {2,3}, cores=4: broadcast 6/4/2 (edges 0-2,
#     0-3 cross), unicast 6/4/6, multicast 6/4/2, numa 6/2/4 (0 -> 2 -> 3).
#   SMP=8 NUMA=2, nodes {0-3} {4-7}:
#     cores=2: every shape 2/0/2.
#     cores=4 (all on node 0): 6/0/2, unicast 6/0/6.
#     cores=5 (4 alone on node 1): 8/2/2, unicast 8/2/8, numa 8/2/2 (4 is
#       an aggregator with nothing to forward).
#     cores=8: broadcast 14/8/2, unicast 14/8/14, multicast 14/8/2,
#       numa 14/2/4.
# (msgs/cross_node/rounds)

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
if ! out=$(make -s build/sim/shootdown 2>&1); then
	echo "FAIL tools/sim_vs_boot/build: $out"
	exit 1
fi

ROOT="$ROOT" exec python3 - <<'EOF_PY'
import os
import subprocess
import sys
import tempfile

ROOT = os.environ["ROOT"]
failed = False


def check(name, ok, why=""):
    global failed
    if ok:
        print(f"PASS tools/sim_vs_boot/{name}")
    else:
        print(f"FAIL tools/sim_vs_boot/{name}: {why}")
        failed = True


def boot(smp, nodes):
    """The lines of a boot that sim_vs_boot reads the topology from."""
    per = smp // nodes
    lines = [f"memory: 254 MiB usable in 1 range; {nodes} NUMA nodes"]
    lines += [f"  core {c}: APIC id {c}, node {min(c // per, nodes - 1)}, 43476 KiB at 0x1-0x2"
              for c in range(smp)]
    return lines + [f"cores online: {smp}/{smp}"]


def bench(rows):
    return [f"BENCH name=shootdown protocol={p} cores={n} unit=cycles median=1000 "
            f"msgs={m} cross_node={x} rounds={r}" for p, n, m, x, r in rows]


SMP4 = [("broadcast", 4, 6, 4, 2), ("unicast", 4, 6, 4, 6), ("multicast", 4, 6, 4, 2),
        ("numa", 4, 6, 2, 4)]
SMP8 = [(p, 2, 2, 0, 2) for p in ("broadcast", "unicast", "multicast", "numa")] + [
    ("broadcast", 4, 6, 0, 2), ("unicast", 4, 6, 0, 6), ("multicast", 4, 6, 0, 2),
    ("numa", 4, 6, 0, 2),
    ("broadcast", 5, 8, 2, 2), ("unicast", 5, 8, 2, 8), ("multicast", 5, 8, 2, 2),
    ("numa", 5, 8, 2, 2),
    ("broadcast", 8, 14, 8, 2), ("unicast", 8, 14, 8, 14), ("multicast", 8, 14, 8, 2),
    ("numa", 8, 14, 2, 4)]


def run(lines, *args):
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as f:
        f.write("\n".join(lines) + "\n")
    try:
        return subprocess.run([sys.executable, os.path.join(ROOT, "tools/sim_vs_boot.py"),
                               f.name, *args], capture_output=True, text=True)
    finally:
        os.unlink(f.name)


r = run(boot(4, 2) + bench(SMP4) + ["BENCH done"])
check("smp4_numa2_counts_agree", r.returncode == 0 and r.stdout.count("PASS ") == 4,
      f"exit {r.returncode}: {r.stdout}{r.stderr}")
r = run(boot(8, 2) + bench(SMP8))
check("smp8_numa2_counts_agree", r.returncode == 0 and r.stdout.count("PASS ") == len(SMP8),
      f"exit {r.returncode}: {r.stdout}{r.stderr}")

# One wrong count in each place: the line fails, by name and by line.
for i, what in ((3, "msgs"), (1, "cross_node"), (2, "rounds")):
    rows = list(SMP8[-4:])
    p, n, m, x, rd = rows[i]
    rows[i] = (p, n, m + 2 * (what == "msgs"), x + 2 * (what == "cross_node"),
               rd + 1 * (what == "rounds"))
    r = run(boot(8, 2) + bench(rows))
    bad = [l for l in r.stdout.splitlines() if l.startswith("FAIL ")]
    check(f"wrong_{what}_fails", r.returncode == 1 and len(bad) == 1 and
          f"/{p}/cores=8: line {10 + 1 + i}: {what} boot" in bad[0] and
          r.stdout.count("PASS ") == 3, f"exit {r.returncode}: {r.stdout}{r.stderr}")

# The topology given rather than read: the same log on a one-node machine
# disagrees (nothing crosses there).
r = run(bench(SMP4), "--machine", "qemu:4,1")
check("machine_given_is_used", r.returncode == 1 and "cross_node boot 4 sim 0" in r.stdout,
      f"exit {r.returncode}: {r.stdout}{r.stderr}")

cases = [
    ("no_shootdown_lines_is_refused", boot(4, 2) + ["BENCH done"], (), "nothing to compare"),
    ("line_without_rounds_is_refused",
     boot(4, 2) + ["BENCH name=shootdown protocol=numa cores=4 msgs=6 cross_node=2"], (),
     "without rounds"),
    ("unknown_protocol_is_refused", boot(4, 2) + bench([("ring", 4, 6, 2, 4)]), (),
     "protocol=ring"),
    ("no_topology_is_refused", bench(SMP4), (), "give --machine"),
    ("nodes_not_qemus_split_are_refused",
     [l.replace("node 0", "node 9") if "core 1:" in l else l for l in boot(4, 2)] + bench(SMP4),
     (), "not tools/qemu.py's split"),
    ("more_cores_than_the_machine_is_refused", boot(4, 2) + bench([("numa", 5, 8, 2, 2)]), (),
     "5 cores, but qemu:4,2 has 1 to 4"),
]
for name, lines, args, want in cases:
    r = run(lines, *args)
    check(name, r.returncode == 1 and want in r.stderr,
          f"exit {r.returncode}: {r.stdout}{r.stderr.strip()!r}, want {want!r}")

sys.exit(1 if failed else 0)
EOF_PY
