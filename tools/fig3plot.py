#!/usr/bin/env python3
"""The Multikernel paper's Figure 3 from BENCH lines, as a PNG.

    tools/fig3plot.py LOG OUT.png [--title T] [--width W] [--height H]

Reads the shm_update and msg_update lines (lib/updbench.h) from LOG, the
output of any system that runs lib/updbench.c (a Flotilla boot's log,
build/bench/bench.log; the host's, build/bench/fig3-host.log), and draws
the median latency of an update in cycles against the cores updating,
one line per series: shm k=1, 2, 4, 8 solid, msg k=1, 2, 4, 8 dashed, as
the paper draws SHMk and MSGk. Other lines of LOG are ignored. The PNG is
tools/simplot.py's (its canvas, font and writer).

Exits 1 with a sentence on bad input: no file, no update line, a
malformed one, a series point printed twice, a k that is not 1, 2, 4 or
8, a line whose updates differ from what the lines held (applied), or a
`BENCH error` line of either workload: a figure is drawn only from runs
that checked out.
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simplot import WHITE, Bad, Canvas, axes  # noqa: E402

KS = (1, 2, 4, 8)
NAMES = ("shm_update", "msg_update")
LINE = re.compile(r"^BENCH name=(shm_update|msg_update) k=(\d+) cores=(\d+) unit=cycles n=(\d+) "
                  r"min=(\d+) median=(\d+) p99=(\d+) max=(\d+) updates=(\d+) applied=(\d+)"
                  r"(?: server=(\d+))?$")
ERROR = re.compile(r'^BENCH error name=(shm_update|msg_update) reason="([^"]*)"$')
NOT_AVAILABLE = re.compile(r'^BENCH name=msg_update n/a reason="[^"]+"$')
# shm in reds, msg in blues, darker as k grows.
COLOURS = {("shm_update", 1): (240, 130, 110), ("shm_update", 2): (220, 80, 60),
           ("shm_update", 4): (185, 35, 30), ("shm_update", 8): (120, 10, 10),
           ("msg_update", 1): (120, 170, 235), ("msg_update", 2): (60, 120, 215),
           ("msg_update", 4): (25, 75, 180), ("msg_update", 8): (10, 35, 110)}


def parse_lines(text):
    """The update lines of `text`: (rows, problems). Each row a dict: name,
    k, cores, n, min, median, p99, max, updates, applied, server (None for
    shm). problems lists every malformed line, error line, point printed
    twice, unknown k, line of msg without a server (or of shm with one) and
    line whose updates differ from applied."""
    rows, problems, seen = [], [], set()
    for line in text.replace("\r", "").splitlines():
        if not re.match(r"^BENCH (error )?name=(shm|msg)_update ", line):
            continue
        err = ERROR.match(line)
        if err:
            problems.append(f"{err.group(1)}: {err.group(2)}")
            continue
        if NOT_AVAILABLE.match(line):
            continue
        m = LINE.match(line)
        if not m:
            problems.append(f"malformed line: {line!r}")
            continue
        name = m.group(1)
        k, cores, n, lo, med, p99, hi, upd, app = (int(g) for g in m.groups()[1:10])
        server = None if m.group(11) is None else int(m.group(11))
        if k not in KS:
            problems.append(f"{name} k={k}: k must be one of {KS}: {line!r}")
            continue
        if (server is None) != (name == "shm_update"):
            problems.append(f"{name}: server= belongs to msg_update lines only: {line!r}")
            continue
        if (name, k, cores) in seen:
            problems.append(f"{name} k={k} cores={cores}: printed twice")
            continue
        seen.add((name, k, cores))
        if upd != app:
            problems.append(f"{name} k={k} cores={cores}: the workers counted {upd} updates "
                            f"but the lines hold {app}")
        if not lo <= med <= p99 <= hi or n < 1 or cores < 1:
            problems.append(f"{name} k={k} cores={cores}: want min <= median <= p99 <= max, "
                            f"n and cores at least 1: {line!r}")
        rows.append({"name": name, "k": k, "cores": cores, "unit": "cycles", "n": n, "min": lo,
                     "median": med, "p99": p99, "max": hi, "updates": upd, "applied": app,
                     "server": server})
    return rows, problems


def plot(rows, title, w, h):
    cv = Canvas(w, h)
    left, top = 80, 46
    xmax = max(2, max(r["cores"] for r in rows) + 1)
    X, Y = axes(cv, title, (left, 20, top, 50), xmax,
                range(0, xmax + 1, 1 if xmax <= 16 else 4), max(r["median"] for r in rows),
                "cores updating", "median latency per update (cycles x 1000)")
    series = {}
    for r in rows:
        series.setdefault((r["name"], r["k"]), []).append((r["cores"], r["median"]))
    for key, pts in series.items():
        pts.sort()
        dash = 6 if key[0] == "msg_update" else 0
        for (ca, la), (cb, lb) in zip(pts, pts[1:]):
            cv.line(X(ca), Y(la), X(cb), Y(lb), COLOURS[key], 2, dash=dash)
        for c, v in pts:
            cv.rect(X(c) - 2, Y(v) - 2, X(c) + 2, Y(v) + 2, COLOURS[key])
    keys = [(n, k) for n in NAMES for k in KS if (n, k) in series]
    lx, ly = left + 10, top + 8
    cv.rect(lx, ly - 6, lx + 14 + 6 * 14, ly + 14 * len(keys) - 2, WHITE)
    for key in keys:
        cv.line(lx + 6, ly + 1, lx + 24, ly + 1, COLOURS[key], 3,
                dash=4 if key[0] == "msg_update" else 0)
        cv.text(lx + 30, ly - 3, f"{key[0][:3]} k={key[1]}")
        ly += 14
    return cv


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("log")
    ap.add_argument("png")
    ap.add_argument("--title", default="updating shared state: shared memory (shm) and messages "
                    "(msg)")
    ap.add_argument("--width", type=int, default=800)
    ap.add_argument("--height", type=int, default=500)
    a = ap.parse_args()
    try:
        if not (320 <= a.width <= 4000 and 240 <= a.height <= 4000):
            raise Bad("--width must be 320 to 4000 and --height 240 to 4000 pixels")
        try:
            with open(a.log, errors="replace") as f:
                text = f.read()
        except OSError as e:
            raise Bad(f"{a.log}: {e.strerror}")
        rows, problems = parse_lines(text)
        if problems:
            raise Bad(f"{a.log}: " + "; ".join(problems))
        if not rows:
            raise Bad(f"{a.log}: no shm_update or msg_update line")
        data = plot(rows, a.title, a.width, a.height).png()
        with open(a.png, "wb") as f:
            f.write(data)
    except (Bad, OSError) as e:
        sys.exit(f"fig3plot.py: {e}")
    print(f"fig3plot.py: wrote {a.png} ({a.width}x{a.height}, {len(rows)} points)")


if __name__ == "__main__":
    main()
