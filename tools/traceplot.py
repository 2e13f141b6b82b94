#!/usr/bin/env python3
"""A picture of a Flotilla trace (tools/trace.py's JSON) as a PNG.

    tools/traceplot.py build/trace/trace.json out.png [--window US] [--at US]

Draws what Perfetto would show of one stretch of the trace: a lane per
core, each dispatcher's time as a coloured bar with its name, each event
as a tick, and each message as a line from its send to its receive (blue:
URPC between cores, orange: LMP within one). Without --at, the stretch of
--window microseconds holding the most URPC messages between cores. The
PNG is drawn with tools/simplot.py's canvas (standard library only). This
is the README's picture; the trace itself opens at ui.perfetto.dev.
"""
import argparse
import json
import sys

from simplot import BLACK, GREY, Canvas, text_width

PALETTE = [(120, 170, 230), (150, 210, 150), (240, 190, 120), (200, 160, 220),
           (230, 150, 150), (160, 210, 210), (210, 210, 140)]
URPC, LMP = (30, 90, 200), (230, 120, 0)


def busiest(flows, window):
    """The start of the window that holds the most cross-core URPC flows
    (sends and receives both inside), with a twentieth of it as margin."""
    pairs = sorted((s["ts"], f["ts"]) for s, f in flows
                   if s["cat"] == "urpc" and s["tid"] != f["tid"])
    best, at = -1, pairs[0][0] if pairs else 0.0
    for i, (t, _) in enumerate(pairs):
        n = sum(1 for a, b in pairs[i:] if b <= t + window * 0.9)
        if n > best:
            best, at = n, t - window * 0.05
    return max(at, 0.0)


def draw(trace, out, window, at):
    ev = trace["traceEvents"]
    cores = sorted({e["tid"] for e in ev if e["ph"] == "X"})
    s = {e["id"]: e for e in ev if e["ph"] == "s"}
    flows = [(s[e["id"]], e) for e in ev if e["ph"] == "f" and e["id"] in s]
    if not cores:
        raise SystemExit("traceplot: the trace has no slices")
    if at is None:
        at = busiest(flows, window)
    t0, t1 = at, at + window
    w, lane, top, left = 1200, 70, 40, 70
    h = top + lane * len(cores) + 40
    c = Canvas(w, h)
    x = lambda t: left + int((t - t0) / (t1 - t0) * (w - left - 20))
    y = {core: top + i * lane for i, core in enumerate(cores)}
    c.text(left, 12, f"flotilla: {len(cores)} cores, {t0:.0f} to {t1:.0f} us after boot "
                     f"(drawn by tools/traceplot.py, the trace opens in perfetto)", BLACK)
    names = {}
    for core in cores:
        c.text(8, y[core] + 24, f"core {core}", BLACK)
        c.line(left, y[core] + 50, w - 20, y[core] + 50, GREY)
    for e in ev:
        if e["ph"] != "X" or e["ts"] > t1 or e["ts"] + e.get("dur", 0) < t0:
            continue
        yy = y[e["tid"]]
        if e["cat"] == "dispatcher":
            if e["name"] == "idle":
                continue
            col = names.setdefault(e["name"], PALETTE[len(names) % len(PALETTE)])
            a, b = max(x(e["ts"]), left), min(x(e["ts"] + e["dur"]), w - 20)
            c.rect(a, yy + 30, max(a, b), yy + 48, col)
            if b - a > text_width(e["name"]) + 6:
                c.text(a + 3, yy + 36, e["name"], BLACK)
        else:
            xx = x(e["ts"])
            c.line(xx, yy + 24, xx, yy + 30, BLACK)
    for sd, fe in flows:
        if t0 <= sd["ts"] and fe["ts"] <= t1:
            col = URPC if sd["cat"] == "urpc" else LMP
            c.line(x(sd["ts"]), y[sd["tid"]] + 24, x(fe["ts"]), y[fe["tid"]] + 24, col)
    c.text(left, h - 16, "bars: dispatchers running, ticks: events, blue: urpc message "
                         "between cores, orange: lmp message", BLACK)
    with open(out, "wb") as f:
        f.write(c.png())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("trace")
    ap.add_argument("png")
    ap.add_argument("--window", type=float, default=3000.0, help="microseconds shown")
    ap.add_argument("--at", type=float, help="where the window starts, microseconds")
    a = ap.parse_args()
    try:
        with open(a.trace) as f:
            trace = json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        print(f"traceplot: {a.trace}: {e}", file=sys.stderr)
        return 1
    draw(trace, a.png, a.window, a.at)
    return 0


if __name__ == "__main__":
    sys.exit(main())
