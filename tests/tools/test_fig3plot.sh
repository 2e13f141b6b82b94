#!/bin/bash
# Tests for tools/fig3plot.py (Figure 3's PNG, docs/benchmarks.md) and
# tools/bench.py's parse_fig3 on canned lines: the PNG decodes (with
# test_simplot.sh's decoder: signature, CRCs, size, 8-bit RGB) and every
# series is drawn in its colour; bad input (no file, no update line, a
# malformed line, a point twice, k=3, updates that differ from applied,
# an error line, a size out of range) exits 1 with a sentence; parse_fig3
# reports a missing core count, a server that is not the last core, a
# wrong n, and the one-core n/a line missing; bench/host/updbench --quick
# prints every line for this machine's CPUs, which plot. One PASS/FAIL
# line per case.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

PYTHONPATH="$ROOT/tools" ROOT="$ROOT" exec python3 - <<'EOF_PY'
import os
import re
import struct
import subprocess
import sys
import tempfile
import zlib

import bench
import fig3plot

ROOT = os.environ["ROOT"]
failed = False

# The PNG decoder of test_simplot.sh, from the PNG specification.
src = open(os.path.join(ROOT, "tests/tools/test_simplot.sh")).read()
exec(re.search(r"(def decode\(data\):.*?)\n\n\ndef colours", src, re.S).group(1))
exec(re.search(r"(def colours\(rows\):.*?return seen)", src, re.S).group(1))


def check(name, ok, why=""):
    global failed
    if ok:
        print(f"PASS tools/fig3plot/{name}")
    else:
        print(f"FAIL tools/fig3plot/{name}: {why}")
        failed = True


def line(name, k, cores, med, upd=None, app=None, server=None, n=100):
    upd = 100 * cores if upd is None else upd
    app = upd if app is None else app
    tail = f" server={server}" if server is not None else ""
    return (f"BENCH name={name} k={k} cores={cores} unit=cycles n={n} min={med // 2} "
            f"median={med} p99={med * 2} max={med * 3} updates={upd} applied={app}{tail}\n")


def good(smp=3, n=100):
    out = "bench: something else\nBENCH name=null_syscall unit=cycles n=1 min=1 median=1 p99=1 max=1\n"
    for k in fig3plot.KS:
        out += "".join(line("shm_update", k, c, 300 * k * c, n=n) for c in range(1, smp + 1))
    for k in fig3plot.KS:
        out += "".join(line("msg_update", k, c, 900 + 50 * c, server=smp - 1, n=n)
                       for c in range(1, smp))
    return out + "BENCH done\n"


def run(*args):
    return subprocess.run([sys.executable, os.path.join(ROOT, "tools/fig3plot.py"), *args],
                          capture_output=True, text=True)


with tempfile.TemporaryDirectory() as d:
    log, png = os.path.join(d, "in.log"), os.path.join(d, "out.png")
    with open(log, "w") as f:
        f.write(good())
    r = run(log, png, "--width", "640", "--height", "400")
    try:
        with open(png, "rb") as f:
            w, h, rows = decode(f.read())
        check("png_decodes_with_good_crcs_and_the_size_asked",
              r.returncode == 0 and (w, h) == (640, 400), f"{w}x{h}, exit {r.returncode}")
        seen = colours(rows)
        missing = [k for k, c in fig3plot.COLOURS.items() if bytes(c) not in seen]
        check("every_series_is_drawn", not missing, f"no pixel of {missing}")
    except (OSError, ValueError) as e:
        check("png_decodes_with_good_crcs_and_the_size_asked", False,
              f"{e}; fig3plot said {r.stdout}{r.stderr}")

    cases = [
        ("missing_file_is_refused", None, [], "No such file"),
        ("log_without_update_lines_is_refused", "BENCH done\n", [], "no shm_update or msg_update"),
        ("malformed_line_is_refused", good().replace("k=1 cores=1 unit=cycles", "k=1 cores=1 unit=ns", 1), [], "malformed line"),
        ("point_twice_is_refused", good() + line("shm_update", 1, 1, 5), [], "printed twice"),
        ("unknown_k_is_refused", good() + line("shm_update", 3, 1, 5), [], "k must be one of"),
        ("updates_unlike_applied_are_refused",
         good() + line("msg_update", 8, 4, 5, upd=10, app=9, server=2), [],
         "the workers counted 10 updates but the lines hold 9"),
        ("error_line_is_refused",
         good() + 'BENCH error name=msg_update reason="k=1 cores=1: core 1: ERR_TIMEOUT"\n', [],
         "ERR_TIMEOUT"),
        ("shm_line_with_a_server_is_refused", good() + line("shm_update", 2, 7, 5, server=1), [],
         "server= belongs to msg_update"),
        ("size_out_of_range_is_refused", good(), ["--height", "100"], "--width must be"),
    ]
    for name, text, extra, want in cases:
        path = os.path.join(d, "none.log")
        if text is not None:
            path = log
            with open(log, "w") as f:
                f.write(text)
        r = run(path, png, *extra)
        check(name, r.returncode == 1 and want in r.stderr,
              f"exit {r.returncode}: {r.stderr.strip()!r}, want {want!r}")

# tools/bench.py's check of a whole boot's lines.
rows, problems = bench.parse_fig3(good(3, 100), 3, 1000)
check("bench_parse_fig3_takes_every_line", len(rows) == 20 and not problems, str(problems))
text = good(3, 100).replace(line("shm_update", 4, 3, 3600), "")
check("bench_parse_fig3_reports_a_missing_core_count",
      "shm_update: no line for k=4 cores=3" in bench.parse_fig3(text, 3, 1000)[1],
      str(bench.parse_fig3(text, 3, 1000)[1]))
text = good(3, 100).replace("server=2", "server=1", 1)
check("bench_parse_fig3_wants_the_last_core_serving",
      any("server=1, want 2" in p for p in bench.parse_fig3(text, 3, 1000)[1]), "not reported")
check("bench_parse_fig3_wants_the_slow_n",
      any("n=100, want 10" in p for p in bench.parse_fig3(good(3, 100), 3, 100)[1]), "not reported")
one = good(1)
check("bench_parse_fig3_wants_the_n_a_line_on_one_core",
      "msg_update: no n/a line at 1 cores" in bench.parse_fig3(one, 1)[1],
      str(bench.parse_fig3(one, 1)[1]))
one += 'BENCH name=msg_update n/a reason="one core: no server beside a client"\n'
check("bench_parse_fig3_takes_one_core_with_its_n_a_line",
      not bench.parse_fig3(one, 1)[1], str(bench.parse_fig3(one, 1)[1]))

# The host's own run (bench/host/updbench.c, make bench-host): it builds,
# and its --quick lines are whole for this machine's CPUs and plot.
r = subprocess.run(["make", "-s", "build/bench-host/updbench"], cwd=ROOT, capture_output=True,
                   text=True)
if r.returncode != 0:
    check("host_updbench_prints_every_line_and_plots", False, "build failed: " + r.stderr[-800:])
else:
    r = subprocess.run([os.path.join(ROOT, "build/bench-host/updbench"), "--quick"],
                       capture_output=True, text=True, timeout=300)
    cpus = len(os.sched_getaffinity(0))
    rows, problems = bench.parse_fig3(r.stdout, min(cpus, 64))
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "host.log"), "w") as f:
            f.write(r.stdout)
        p = run(os.path.join(d, "host.log"), os.path.join(d, "host.png"))
    check("host_updbench_prints_every_line_and_plots",
          r.returncode == 0 and not problems and "BENCH done" in r.stdout and p.returncode == 0,
          f"exit {r.returncode}, {problems}, plot: {p.stderr.strip()}")

sys.exit(1 if failed else 0)
EOF_PY
