#!/usr/bin/env python3
"""The screen console, read off the screen: the GRUB ISO booted with QEMU's
standard VGA and its monitor (HMP) on a Unix socket, and the screen taken
with `screendump` (a PPM file) once the shell is up.

No OCR: the screen is read cell by cell (8 x 16 pixels from the top left,
docs/console.md) and a cell counts as a character only when each of its
pixels is exactly that character's glyph in the build's font
(tools/psf2c.py reads the same Debian font the kernel was built with), in
the console's grey on black. What must be on the screen is what the serial
port says: every line the kernel printed from its banner through
`cores online: N/N`, wrapped at the screen's width, row for row from the
top, with the line where the kernel says it drew there. A cell that is no
glyph, a glyph mirrored, a line missing or a row out of place is a FAIL
that shows the rows read beside the rows wanted.

    python3 tools/boottest_screen.py [--iso build/flotilla.iso] [--firmware seabios]

make test runs one boot (SeaBIOS, 2 cores: boot/screen/seabios/...);
make test-firmware runs it under OVMF too (--all).
"""
import argparse
import os
import re
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import boottest  # noqa: E402
import psf2c  # noqa: E402
import qemu  # noqa: E402

FG, BG = (0xAA, 0xAA, 0xAA), (0, 0, 0)
CELL_W, CELL_H = 8, 16
SCREEN_LINE = (r"^screen: the console is on the framebuffer too: (\d+)x(\d+) pixels, "
               r"(\d+) bits, (\d+)x(\d+) characters, mapped uncached$")
SMP = 2
FIRMWARES = ("seabios", "ovmf")


def test_name(fw, smp=SMP):
    return f"boot/screen/{fw}/smp{smp}_boot_log_is_on_the_screen"


def names():
    """Every test name this tool can print (testall.py filters by them)."""
    return [test_name(fw) for fw in FIRMWARES]


def read_ppm(path):
    """(width, height, bytes of RGB triples) of a binary PPM (P6, maxval 255)."""
    with open(path, "rb") as f:
        data = f.read()
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    if not m:
        raise ValueError(f"{path} is not a P6 PPM with maxval 255")
    w, h = int(m.group(1)), int(m.group(2))
    pixels = data[m.end():]
    if len(pixels) < w * h * 3:
        raise ValueError(f"{path}: {len(pixels)} bytes of pixels for {w}x{h}")
    return w, h, pixels


def read_screen(path, font):
    """The screen's rows of text: each cell the character whose glyph its
    pixels are exactly, '\\x00' where they are no glyph in grey on black."""
    w, h, px = read_ppm(path)
    by_glyph = {}
    for code, rows in font.items():
        by_glyph.setdefault(tuple(rows), chr(code))
    fg, bg = bytes(FG), bytes(BG)
    text = []
    for row in range(h // CELL_H):
        line = []
        for col in range(w // CELL_W):
            glyph, ok = [], True
            for y in range(CELL_H):
                start = ((row * CELL_H + y) * w + col * CELL_W) * 3
                bits = 0
                for x in range(CELL_W):
                    p = px[start + 3 * x:start + 3 * x + 3]
                    if p == fg:
                        bits |= 0x80 >> x
                    elif p != bg:
                        ok = False
                glyph.append(bits)
            line.append(by_glyph.get(tuple(glyph), "\x00") if ok else "\x00")
        text.append("".join(line))
    return text


def wrap(lines, cols):
    """The rows lines take on a screen `cols` characters wide."""
    rows = []
    for line in lines:
        rows += [line[i:i + cols] for i in range(0, max(len(line), 1), cols)]
    return rows


def boot_log(text, smp):
    """The kernel's lines from its banner through `cores online`: first an
    empty one, as the banner starts with a newline (kernel/main.c), which
    on the serial port ends the firmware's last line."""
    start = text.find(boottest.BOOT_BANNER)
    end = re.search(rf"^cores online: {smp}/{smp}$", text[start:], re.M) if start >= 0 else None
    if not end:
        return None
    return [""] + text[start:start + end.end()].split("\n")


class Monitor:
    """QEMU's human monitor on a Unix socket: one command, its answer."""

    def __init__(self, path, timeout=60):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(timeout)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.read_to_prompt()

    def read_to_prompt(self):
        got = b""
        while not got.endswith(b"(qemu) "):
            chunk = self.sock.recv(4096)
            if not chunk:
                raise OSError("QEMU's monitor closed")
            got += chunk
        return got.decode("utf-8", "replace")

    def command(self, line):
        self.sock.sendall(line.encode() + b"\n")
        return self.read_to_prompt()

    def close(self):
        self.sock.close()


def screendump(sock_path, out):
    """Takes the screen into `out`; '' or why it could not."""
    try:
        mon = Monitor(sock_path)
        answer = mon.command(f"screendump {out}")
        mon.close()
    except OSError as e:
        return f"QEMU's monitor: {e}"
    for _ in range(50):                 # written by the time HMP answers; be patient anyway
        if os.path.exists(out) and os.path.getsize(out) > 0:
            return ""
        time.sleep(0.1)
    return f"screendump wrote nothing ({answer.strip()[-200:]!r})"


def screen_problems(text, shot, smp):
    """What the screen lacks of the boot log the serial port shows."""
    m = re.search(SCREEN_LINE, text, re.M)
    if not m:
        return [f"no /{SCREEN_LINE}/ on the serial port"], []
    cols = int(m.group(4))
    log = boot_log(text, smp)
    if log is None:
        return [f"no '{boottest.BOOT_BANNER}' ... 'cores online: {smp}/{smp}' on the serial port"], []
    try:
        rows = read_screen(shot, psf2c.load())
    except (OSError, ValueError, psf2c.FontError) as e:
        return [f"cannot read the screen: {e}"], []
    want = wrap(log, cols)
    problems = []
    if len(rows) < len(want):
        problems.append(f"the screen has {len(rows)} rows; the boot log needs {len(want)}")
    for i, line in enumerate(want[:len(rows)]):
        got = rows[i].rstrip(" ")
        if got != line:
            shown = got.replace("\x00", "#")
            problems.append(f"row {i}: want {line!r}, the screen shows {shown!r}"
                            " ('#': a cell that is no glyph)")
            break
    return problems, rows


def screen_boot(res, args, fw, smp=SMP):
    name = test_name(fw, smp)
    if args.filter and args.filter not in name:
        return
    if fw == "ovmf" and qemu.ovmf_missing():
        res.add("SKIP", name, qemu.ovmf_missing())
        return
    if not os.path.exists(args.iso):
        res.add("FAIL", name, f"{args.iso} was not built")
        return
    with tempfile.TemporaryDirectory(prefix="flotilla-screen-") as tmp:
        sock = os.path.join(tmp, "monitor.sock")
        shot = os.path.join(args.logdir, name.replace("/", "_") + ".ppm")
        os.makedirs(args.logdir, exist_ok=True)
        if os.path.exists(shot):
            os.unlink(shot)
        took = []

        def take_then_poweroff(sofar):
            took.append(screendump(sock, os.path.abspath(shot)))
            return "poweroff\r"

        prompt = re.escape(boottest.SHELL_PROMPT)
        script = [(boottest.SHELL_BANNER + r"[\s\S]*?" + prompt, take_then_poweroff)]
        status, text, log = boottest.boot(
            name, args.logdir, args.timeout, script=script, step_timeout=args.timeout,
            smp=smp, mem=args.mem, iso=args.iso, debug_exit=False, firmware=fw,
            vars_dir=tmp, extra=["-monitor", f"unix:{sock},server,nowait"])
    if not took:
        res.add("FAIL", name, f"the shell's prompt never came; log {log}\n" + boottest.tail(text))
        return
    if took[0]:
        res.add("FAIL", name, f"{took[0]}; log {log}")
        return
    problems, rows = screen_problems(text, shot, smp)
    if problems:
        shown = "\n".join("    |" + r.rstrip(" ").replace("\x00", "#") for r in rows[:40])
        res.add("FAIL", name, "; ".join(problems) + f"; screen {shot}, log {log}\n" + shown)
        return
    res.add("PASS", name, f"the boot log through 'cores online: {smp}/{smp}' read off the screen")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iso", default="build/flotilla.iso")
    ap.add_argument("--firmware", choices=FIRMWARES, default="seabios")
    ap.add_argument("--all", action="store_true", help="under every firmware (make test-firmware)")
    ap.add_argument("--mem", default="512M")
    ap.add_argument("--filter", default="")
    ap.add_argument("--timeout", type=int, default=600,
                    help="seconds a boot (and each step) may take; only turns a hang into a FAIL")
    ap.add_argument("--logdir", default="build/testlogs")
    args = ap.parse_args()
    res = boottest.Results()
    for fw in FIRMWARES if args.all else (args.firmware,):
        screen_boot(res, args, fw)
    c = res.counts
    print(f"boottest_screen: {c['PASS']} passed, {c['FAIL']} failed, {c['SKIP']} skipped")
    return 1 if c["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
