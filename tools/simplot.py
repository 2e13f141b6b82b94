#!/usr/bin/env python3
"""The simulated unmap figure as a PNG, with Python's standard library only.

    tools/simplot.py build/sim/shootdown.csv build/sim/shootdown.png [--width W] [--height H]

Reads the CSV that build/sim/shootdown writes (calibration, machine, shape,
cores, latency_cycles, ...) and draws latency against cores, one line per
shape, the way the Multikernel paper's figure shows it: axes with ticks,
the latency in thousands of cycles, a legend and a title. The PNG is
written by hand (zlib for the pixels, struct and zlib.crc32 for the
chunks), the text with a 5x7 font built in below. A point past 32 cores
(the 64-core machine, which the paper did not have) is joined by a dashed
line. Exits 1 with a sentence on bad input.
"""
import argparse
import csv
import struct
import sys
import zlib

# 5x7 glyphs, one int per row (bit 4 is the leftmost column).
FONT = {
    "0": (14, 17, 19, 21, 25, 17, 14), "1": (4, 12, 4, 4, 4, 4, 14),
    "2": (14, 17, 1, 2, 4, 8, 31), "3": (31, 2, 4, 2, 1, 17, 14),
    "4": (2, 6, 10, 18, 31, 2, 2), "5": (31, 16, 30, 1, 1, 17, 14),
    "6": (6, 8, 16, 30, 17, 17, 14), "7": (31, 1, 2, 4, 8, 8, 8),
    "8": (14, 17, 17, 14, 17, 17, 14), "9": (14, 17, 17, 15, 1, 2, 12),
    "a": (0, 0, 14, 1, 15, 17, 15), "b": (16, 16, 22, 25, 17, 17, 30),
    "c": (0, 0, 14, 16, 16, 17, 14), "d": (1, 1, 13, 19, 17, 17, 15),
    "e": (0, 0, 14, 17, 31, 16, 14), "f": (6, 9, 8, 28, 8, 8, 8),
    "g": (0, 15, 17, 17, 15, 1, 14), "h": (16, 16, 22, 25, 17, 17, 17),
    "i": (4, 0, 12, 4, 4, 4, 14), "j": (2, 0, 6, 2, 2, 18, 12),
    "k": (16, 16, 18, 20, 24, 20, 18), "l": (12, 4, 4, 4, 4, 4, 14),
    "m": (0, 0, 26, 21, 21, 17, 17), "n": (0, 0, 22, 25, 17, 17, 17),
    "o": (0, 0, 14, 17, 17, 17, 14), "p": (0, 0, 30, 17, 30, 16, 16),
    "q": (0, 0, 13, 19, 15, 1, 1), "r": (0, 0, 22, 25, 16, 16, 16),
    "s": (0, 0, 14, 16, 14, 1, 30), "t": (8, 8, 28, 8, 8, 9, 6),
    "u": (0, 0, 17, 17, 17, 19, 13), "v": (0, 0, 17, 17, 17, 10, 4),
    "w": (0, 0, 17, 17, 21, 21, 10), "x": (0, 0, 17, 10, 4, 10, 17),
    "y": (0, 0, 17, 17, 15, 1, 14), "z": (0, 0, 31, 2, 4, 8, 31),
    " ": (0,) * 7, ".": (0, 0, 0, 0, 0, 12, 12), ",": (0, 0, 0, 0, 12, 4, 8),
    ":": (0, 12, 12, 0, 12, 12, 0), "(": (2, 4, 8, 8, 8, 4, 2),
    ")": (8, 4, 2, 2, 2, 4, 8), "-": (0, 0, 0, 31, 0, 0, 0),
    "/": (0, 1, 2, 4, 8, 16, 0), "=": (0, 0, 31, 0, 31, 0, 0),
    "+": (0, 4, 4, 31, 4, 4, 0), "?": (14, 17, 1, 2, 4, 0, 4),
}

SHAPES = ("broadcast", "unicast", "multicast", "numa")
COLOURS = {"broadcast": (200, 40, 40), "unicast": (230, 140, 0),
           "multicast": (30, 100, 210), "numa": (20, 150, 60)}
BLACK, GREY, WHITE = (0, 0, 0), (205, 205, 205), (255, 255, 255)


class Bad(Exception):
    pass


class Canvas:
    def __init__(self, w, h):
        self.w, self.h = w, h
        self.px = bytearray(b"\xff" * (w * h * 3))

    def dot(self, x, y, c):
        if 0 <= x < self.w and 0 <= y < self.h:
            i = (y * self.w + x) * 3
            self.px[i:i + 3] = bytes(c)

    def rect(self, x0, y0, x1, y1, c):
        for y in range(min(y0, y1), max(y0, y1) + 1):
            for x in range(min(x0, x1), max(x0, x1) + 1):
                self.dot(x, y, c)

    def line(self, x0, y0, x1, y1, c, width=1, dash=0):
        """Bresenham; width pixels thick; dash > 0: on and off runs of that length."""
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err, n = dx + dy, 0
        while True:
            if not dash or (n // dash) % 2 == 0:
                for ox in range(width):
                    for oy in range(width):
                        self.dot(x0 + ox - width // 2, y0 + oy - width // 2, c)
            if x0 == x1 and y0 == y1:
                break
            e2, n = 2 * err, n + 1
            if e2 >= dy:
                err, x0 = err + dy, x0 + sx
            if e2 <= dx:
                err, y0 = err + dx, y0 + sy

    def text(self, x, y, s, c=BLACK, scale=1):
        """s at (x, y), its top left; unknown characters print as '?'."""
        for ch in s.lower():
            for r, bits in enumerate(FONT.get(ch, FONT["?"])):
                for col in range(5):
                    if bits >> (4 - col) & 1:
                        self.rect(x + col * scale, y + r * scale,
                                  x + col * scale + scale - 1, y + r * scale + scale - 1, c)
            x += 6 * scale

    def png(self):
        rows = b"".join(b"\x00" + bytes(self.px[y * self.w * 3:(y + 1) * self.w * 3])
                        for y in range(self.h))

        def chunk(kind, data):
            return (struct.pack(">I", len(data)) + kind + data +
                    struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
        return (b"\x89PNG\r\n\x1a\n" +
                chunk(b"IHDR", struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def text_width(s, scale=1):
    return 6 * scale * len(s) - scale


def nice_step(span, ticks=6):
    """A step of 1, 2 or 5 times a power of ten giving about `ticks` ticks."""
    raw = max(span / ticks, 1e-9)
    mag = 10 ** len(str(int(raw))) // 10 if raw >= 1 else 1
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return m * mag
    return 10 * mag


def axes(cv, title, margins, xmax, xticks, ymax_data, xlabel, ylabel):
    """The frame both plots share (this one and tools/fig3plot.py): the
    title, y grid lines with ticks and labels in thousands from 0 to a
    round ymax, x ticks and labels at `xticks`, both axes and their
    labels. Returns (X, Y): data coordinates to pixels."""
    w, h = cv.w, cv.h
    left, right, top, bottom = margins
    x1, y1 = w - right, h - bottom
    step = nice_step(ymax_data)
    ymax = max(step, -(-ymax_data // step) * step)

    def X(c):
        return left + round((x1 - left) * c / xmax)

    def Y(v):
        return y1 - round((y1 - top) * v / ymax)

    cv.text(left, 12, title, scale=2 if text_width(title, 2) <= w - left - right else 1)
    for v in range(0, ymax + 1, step):                       # y grid, ticks, labels
        cv.line(left, Y(v), x1, Y(v), GREY)
        cv.line(left - 5, Y(v), left, Y(v), BLACK)
        label = f"{v / 1000:g}"
        cv.text(left - 8 - text_width(label), Y(v) - 3, label)
    for c in xticks:                                          # x ticks, labels
        cv.line(X(c), y1, X(c), y1 + 5, BLACK)
        cv.text(X(c) - text_width(str(c)) // 2, y1 + 9, str(c))
    cv.line(left, top, left, y1, BLACK, 2)
    cv.line(left, y1, x1, y1, BLACK, 2)
    cv.text((left + x1) // 2 - text_width(xlabel) // 2, h - 20, xlabel)
    cv.text(6, top - 14, ylabel)
    return X, Y


def read(path):
    """{shape: [(cores, latency)]}, and the calibrations and machines named."""
    series, cals, machines = {}, set(), []
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise Bad(f"{path}: {e.strerror}")
    need = {"calibration", "machine", "shape", "cores", "latency_cycles"}
    if not rows or not need <= set(rows[0]):
        raise Bad(f"{path}: no runs, or no columns {', '.join(sorted(need))}")
    for i, r in enumerate(rows, 2):
        try:
            cores, lat = int(r["cores"]), int(r["latency_cycles"])
        except (TypeError, ValueError):
            raise Bad(f"{path}:{i}: cores and latency_cycles must be whole numbers")
        if r["shape"] not in SHAPES or not 1 <= cores <= 64 or lat < 0:
            raise Bad(f"{path}:{i}: unknown shape, or cores not 1 to 64, or a negative latency")
        series.setdefault(r["shape"], []).append((cores, lat))
        cals.add(r["calibration"])
        if r["machine"] not in machines:
            machines.append(r["machine"])
    for s in series.values():
        s.sort()
    return series, sorted(cals), machines


def plot(series, title, w, h):
    cv = Canvas(w, h)
    left, top = 70, 46
    xmax = max(c for s in series.values() for c, _ in s)
    xmax = 64 if xmax > 32 else 32
    ymax_data = max(l for s in series.values() for _, l in s)
    X, Y = axes(cv, title, (left, 20, top, 50), xmax, range(0, xmax + 1, 4 if xmax == 32 else 8),
                ymax_data, "cores", "latency (cycles x 1000)")
    for name in SHAPES:                                      # the lines
        pts = series.get(name, [])
        for (ca, la), (cb, lb) in zip(pts, pts[1:]):
            # Multicast drawn wider: on the paper's machines numa's line
            # often lies on it.
            cv.line(X(ca), Y(la), X(cb), Y(lb), COLOURS[name], 5 if name == "multicast" else 2,
                    dash=6 if cb > 32 else 0)
        for c, l in pts:
            cv.rect(X(c) - 2, Y(l) - 2, X(c) + 2, Y(l) + 2, COLOURS[name])
    ly = top + 8                                              # the legend
    names = [s for s in SHAPES if s in series]
    cv.rect(left + 10, ly - 6, left + 24 + 6 * 26, ly + 14 * len(names) - 2, WHITE)
    for name in names:
        cv.rect(left + 16, ly - 1, left + 34, ly + 2, COLOURS[name])
        cv.text(left + 40, ly - 3, "numa-aware multicast" if name == "numa" else name)
        ly += 14
    return cv


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("png")
    ap.add_argument("--width", type=int, default=800)
    ap.add_argument("--height", type=int, default=500)
    a = ap.parse_args()
    try:
        if not (320 <= a.width <= 4000 and 240 <= a.height <= 4000):
            raise Bad("--width must be 320 to 4000 and --height 240 to 4000 pixels")
        series, cals, machines = read(a.csv)
        title = f"tlb shootdown, simulated: {'+'.join(cals)} costs, {', '.join(machines)}"
        data = plot(series, title, a.width, a.height).png()
        with open(a.png, "wb") as f:
            f.write(data)
    except (Bad, OSError) as e:
        sys.exit(f"simplot.py: {e}")
    print(f"simplot.py: wrote {a.png} ({a.width}x{a.height})")


if __name__ == "__main__":
    main()
