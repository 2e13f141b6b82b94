#!/bin/bash
# Tests for tools/simplot.py (make sim's PNG, docs/sim.md) on canned CSV:
# the PNG it writes is read back by a decoder written here from the PNG
# specification (signature, every chunk's CRC, IHDR of the size asked for,
# 8-bit RGB, IDAT that inflates to one filter byte and 3 x width bytes per
# row) and every shape's colour is drawn; the decoder itself rejects a PNG
# with one byte flipped; bad input (no file, no runs, a bad number, a
# size out of range) exits 1 with a sentence. One PASS/FAIL line per case.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

PYTHONPATH="$ROOT/tools" ROOT="$ROOT" exec python3 - <<'EOF_PY'
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import simplot

ROOT = os.environ["ROOT"]
failed = False


def check(name, ok, why=""):
    global failed
    if ok:
        print(f"PASS tools/simplot/{name}")
    else:
        print(f"FAIL tools/simplot/{name}: {why}")
        failed = True


def decode(data):
    """(width, height, rows of RGB bytes), or raises ValueError saying why."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("no PNG signature")
    pos, chunks = 8, []
    while pos < len(data):
        if pos + 12 > len(data):
            raise ValueError("a chunk runs past the end")
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if len(body) != n or pos + 12 + n > len(data):
            raise ValueError(f"chunk {kind!r} runs past the end")
        crc, = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])
        if crc != zlib.crc32(kind + body) & 0xffffffff:
            raise ValueError(f"chunk {kind!r}: bad CRC")
        chunks.append((kind, body))
        pos += 12 + n
    kinds = [k for k, _ in chunks]
    if kinds[0] != b"IHDR" or kinds[-1] != b"IEND" or b"IDAT" not in kinds:
        raise ValueError(f"chunks in the wrong order: {kinds}")
    w, h, depth, ctype, comp, filt, inter = struct.unpack(">IIBBBBB", chunks[0][1])
    if (depth, ctype, comp, filt, inter) != (8, 2, 0, 0, 0):
        raise ValueError("not 8-bit RGB, or an unknown method")
    raw = zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT"))
    stride = 1 + 3 * w
    if len(raw) != h * stride:
        raise ValueError(f"IDAT inflates to {len(raw)} bytes, want {h * stride}")
    rows = []
    for y in range(h):
        if raw[y * stride] != 0:
            raise ValueError(f"row {y}: filter {raw[y * stride]} (simplot writes 0)")
        rows.append(raw[y * stride + 1:(y + 1) * stride])
    return w, h, rows


def colours(rows):
    seen = set()
    for r in rows:
        for i in range(0, len(r), 3):
            seen.add(bytes(r[i:i + 3]))
    return seen


def run(*args):
    return subprocess.run([sys.executable, os.path.join(ROOT, "tools/simplot.py"), *args],
                          capture_output=True, text=True)


GOOD = "calibration,machine,shape,cores,latency_cycles,msgs,cross_node,rounds\n" + "".join(
    f'paper,"amd8x4",{s},{n},{(k + 1) * 500 * n},{2 * n - 2},0,2\n'
    for n in (2, 4, 8, 16, 32) for k, s in enumerate(simplot.SHAPES)) + \
    "".join(f'paper,"amd8x8",{s},64,{(k + 1) * 400 * 64},126,14,4\n'
            for k, s in enumerate(simplot.SHAPES))

with tempfile.TemporaryDirectory() as d:
    src, png = os.path.join(d, "in.csv"), os.path.join(d, "out.png")
    with open(src, "w") as f:
        f.write(GOOD)
    r = run(src, png, "--width", "640", "--height", "400")
    try:
        with open(png, "rb") as f:
            data = f.read()
        w, h, rows = decode(data)
        check("png_decodes_with_good_crcs_and_the_size_asked",
              r.returncode == 0 and (w, h) == (640, 400), f"{w}x{h}, exit {r.returncode}")
        missing = [s for s in simplot.SHAPES if bytes(simplot.COLOURS[s]) not in colours(rows)]
        check("every_shape_is_drawn", not missing, f"no pixel of {missing}")
    except (OSError, ValueError) as e:
        check("png_decodes_with_good_crcs_and_the_size_asked", False,
              f"{e}; simplot said {r.stdout}{r.stderr}")
        data = b""
    # The decoder must see a flipped byte in the pixels, or it proves nothing.
    if data:
        bad = bytearray(data)
        bad[60] ^= 0x40
        try:
            decode(bytes(bad))
            check("decoder_rejects_a_flipped_byte", False, "decoded anyway")
        except (ValueError, zlib.error) as e:
            check("decoder_rejects_a_flipped_byte", "CRC" in str(e), str(e))
    r = run(src, png)
    try:
        with open(png, "rb") as f:
            w, h, _ = decode(f.read())
        check("default_size_is_800x500", (w, h) == (800, 500), f"{w}x{h}")
    except (OSError, ValueError) as e:
        check("default_size_is_800x500", False, str(e))

    cases = [
        ("missing_file_is_refused", [os.path.join(d, "none.csv"), png], "No such file"),
        ("csv_without_runs_is_refused", "calibration,machine,shape,cores,latency_cycles\n",
         "no runs"),
        ("bad_number_is_refused", GOOD.replace(",2,1000,", ",2,1k,", 1), "whole numbers"),
        ("unknown_shape_is_refused", GOOD.replace("numa", "ring", 1), "unknown shape"),
        ("size_out_of_range_is_refused", ["--width", "100"], "--width must be"),
    ]
    for name, what, want in cases:
        if isinstance(what, str):
            with open(src, "w") as f:
                f.write(what)
            args = [src, png]
        elif what[0].startswith("--"):
            with open(src, "w") as f:
                f.write(GOOD)
            args = [src, png] + what
        else:
            args = what
        r = run(*args)
        check(name, r.returncode == 1 and want in r.stderr,
              f"exit {r.returncode}: {r.stderr.strip()!r}, want {want!r}")

sys.exit(1 if failed else 0)
EOF_PY
