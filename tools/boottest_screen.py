#!/usr/bin/env python3
"""The screen console, read off the screen and typed at: the GRUB ISO
booted with QEMU's standard VGA and its monitor (HMP) on a Unix socket;
the screen taken with `screendump` (a PPM file) and the keyboard pressed
with `sendkey`.

No OCR: the screen is read cell by cell (8 x 16 pixels from the top left,
docs/console.md) and a cell counts as a character only when each of its
pixels is exactly that character's glyph in the build's font
(tools/psf2c.py reads the same Debian font the kernel was built with), in
the console's grey on black. What must be on the screen is what the serial
port says, from the kernel's banner on, laid out by the screen console's
rules (render(): wrap, scroll, backspace, tab, escape sequences skipped,
as lib/fbcon.h says): the kernel's boot log, and after it the lines the
console service wrote there once the kernel handed the screen over. A cell
that is no glyph, a glyph mirrored, a line missing or a row out of place is
a FAIL that shows the rows read beside the rows wanted.

One boot, two tests:
  boot_log_is_on_the_screen      at the shell's first prompt, the screen
                                 holds the serial port's text from the banner
                                 on, row for row
  typed_command_answers_on_the_screen
                                 `help` typed at the PS/2 keyboard (sendkey,
                                 not the serial port) is echoed and answered,
                                 and the screen, scrolled by then, still is
                                 the serial port's text: the kernel's lines
                                 went up with the service's; then `poweroff`,
                                 typed too, ends QEMU

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


TYPED = "help"                          # its answer is long enough to scroll an 800 x 600 screen


def test_name(fw, smp=SMP):
    return f"boot/screen/{fw}/smp{smp}_boot_log_is_on_the_screen"


def typed_name(fw, smp=SMP):
    return f"boot/screen/{fw}/smp{smp}_typed_command_answers_on_the_screen"


def names():
    """Every test name this tool can print (testall.py filters by them)."""
    return [n(fw) for fw in FIRMWARES for n in (test_name, typed_name)]


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


def render(text, cols, rows, scrolled=None):
    """The rows a screen of cols x rows shows after `text`, by the screen
    console's rules (lib/fbcon.h); the serial port's carriage returns are
    gone (boottest.boot strips them), and a '\\n' there is a newline on
    the screen too. The lines scrolled off go into `scrolled`."""
    grid = [[" "] * cols for _ in range(rows)]
    col = row = 0
    esc = 0
    if scrolled is None:
        scrolled = []

    def newline():
        nonlocal col, row
        col = 0
        if row + 1 < rows:
            row += 1
        else:
            scrolled.append("".join(grid.pop(0)))
            grid.append([" "] * cols)

    def put(ch):
        nonlocal col
        if col >= cols:
            newline()
        grid[row][col] = ch
        col += 1

    for ch in text:
        o = ord(ch)
        if esc == 1:
            esc = 2 if ch == "[" else 0
            continue
        if esc == 2:
            if 0x40 <= o <= 0x7E:
                esc = 0
                continue
            if o >= 0x20:
                continue
            esc = 0
        if ch == "\n":
            newline()
        elif ch == "\r":
            col = 0
        elif ch == "\b":
            col = max(col - 1, 0)
        elif ch == "\t":
            if col >= cols:
                newline()
            col = min((col // 8 + 1) * 8, cols)
        elif o == 0x1B:
            esc = 1
        elif 0x20 <= o < 0x7F:
            put(ch)
        elif o >= 0x80:
            put("?")                    # one per character here, one per byte there: ASCII only
    return ["".join(r) for r in grid]


def from_banner(text):
    """The serial port's text from the newline that starts the kernel's
    banner (kernel/main.c): what the screen shows from its top row."""
    start = text.find(boottest.BOOT_BANNER)
    return None if start < 1 else text[start - 1:]


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


def screen_problems(text, shot):
    """How the screen in `shot` differs from the serial port's `text`."""
    m = re.search(SCREEN_LINE, text, re.M)
    if not m:
        return [f"no /{SCREEN_LINE}/ on the serial port"], []
    cols, nrows = int(m.group(4)), int(m.group(5))
    log = from_banner(text)
    if log is None:
        return [f"no '{boottest.BOOT_BANNER}' on the serial port"], []
    try:
        rows = read_screen(shot, psf2c.load())
    except (OSError, ValueError, psf2c.FontError) as e:
        return [f"cannot read the screen: {e}"], []
    want = render(log, cols, nrows)
    if len(rows) < nrows:
        return [f"the screen has {len(rows)} rows; the kernel said {nrows}"], rows
    for i, line in enumerate(want):
        got = rows[i][:cols].rstrip(" ")
        if got != line.rstrip(" "):
            shown = got.replace("\x00", "#")
            return [f"row {i}: want {line.rstrip(' ')!r}, the screen shows {shown!r}"
                    " ('#': a cell that is no glyph)"], rows
    return [], rows


def shown(rows):
    return "\n".join("    |" + r.rstrip(" ").replace("\x00", "#") for r in rows[:60])


def sendkeys(sock_path, line):
    """Types `line` and Enter at the guest's keyboard; '' or why not."""
    keys = {" ": "spc", "-": "minus", ".": "dot", "/": "slash", ":": "shift-semicolon"}
    try:
        mon = Monitor(sock_path)
        for ch in line:
            mon.command("sendkey " + keys.get(ch, ch))
        mon.command("sendkey ret")
        mon.close()
    except OSError as e:
        return f"QEMU's monitor: {e}"
    return ""


def screen_boot(res, args, fw, smp=SMP):
    name, tname = test_name(fw, smp), typed_name(fw, smp)
    want_log = not args.filter or args.filter in name
    want_typed = not args.filter or args.filter in tname
    if not (want_log or want_typed):
        return
    both = [n for n, w in ((name, want_log), (tname, want_typed)) if w]
    if fw == "ovmf" and qemu.ovmf_missing():
        for n in both:
            res.add("SKIP", n, qemu.ovmf_missing())
        return
    if not os.path.exists(args.iso):
        for n in both:
            res.add("FAIL", n, f"{args.iso} was not built")
        return
    with tempfile.TemporaryDirectory(prefix="flotilla-screen-") as tmp:
        sock = os.path.join(tmp, "monitor.sock")
        os.makedirs(args.logdir, exist_ok=True)
        shots = [os.path.join(args.logdir, n.replace("/", "_") + ".ppm") for n in (name, tname)]
        for shot in shots:
            if os.path.exists(shot):
                os.unlink(shot)
        took = []                       # (why not or '', serial text at the screendump)
        typing = []                     # why the keys could not be pressed, if they could not

        def shoot_then_type(k, line):
            def step(sofar):
                # The service writes the UART, then the screen: let the
                # screen catch up with what the serial port shows (a
                # settling loop, not a pass/fail time).
                why, problems = "", ["not taken"]
                for _ in range(10):
                    why = screendump(sock, os.path.abspath(shots[k]))
                    if why or not screen_problems(sofar, shots[k])[0]:
                        break
                    time.sleep(0.5)
                took.append((why, sofar))
                if not why:
                    keys = sendkeys(sock, line)
                    if keys:
                        typing.append(f"typing '{line}': {keys}")
                return ""
            return step

        prompt = re.escape(boottest.SHELL_PROMPT)
        script = [(boottest.SHELL_BANNER + r"[\s\S]*?" + prompt, shoot_then_type(0, TYPED)),
                  (TYPED + r"\n[\s\S]*?" + prompt, shoot_then_type(1, "poweroff"))]
        status, text, log = boottest.boot(
            name, args.logdir, args.timeout, script=script, step_timeout=args.timeout,
            smp=smp, mem=args.mem, iso=args.iso, debug_exit=False, firmware=fw,
            vars_dir=tmp, extra=["-monitor", f"unix:{sock},server,nowait"])
    for k, (n, wanted) in enumerate(((name, want_log), (tname, want_typed))):
        if not wanted:
            continue
        if len(took) <= k:
            what = ("the shell's prompt never came" if k == 0 else
                    f"'{TYPED}' typed at the keyboard was not echoed and answered with a prompt"
                    + (f" ({'; '.join(typing)})" if typing else ""))
            res.add("FAIL", n, f"{what}; log {log}\n" + boottest.tail(text))
            continue
        why, sofar = took[k]
        if why:
            res.add("FAIL", n, f"{why}; log {log}")
            continue
        problems, rows = screen_problems(sofar, shots[k])
        if problems:
            res.add("FAIL", n, "; ".join(problems) + f"; screen {shots[k]}, log {log}\n" + shown(rows))
            continue
        if k == 0:
            res.add("PASS", n, "the serial port's text from the banner to the first prompt, row for row on the screen")
        elif status != 0 or not re.search(prompt + r"poweroff$", text, re.M):
            res.add("FAIL", n, f"'poweroff' typed at the keyboard did not end QEMU (status {status}); log {log}\n"
                    + boottest.tail(text))
        else:
            m = re.search(SCREEN_LINE, sofar, re.M)
            gone = []
            render(from_banner(sofar), int(m.group(4)), int(m.group(5)), gone)
            res.add("PASS", n, f"'{TYPED}' typed at the keyboard answered on the screen, which scrolled "
                    f"the kernel's lines up with the service's by {len(gone)} rows; 'poweroff' typed "
                    "ended QEMU")


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
