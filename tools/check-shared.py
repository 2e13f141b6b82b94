#!/usr/bin/env python3
"""Check the multikernel invariant: no writable kernel data is shared.

Usage: check-shared.py [--max-shared N] ELF_OR_OBJECT...

Every core runs the same kernel image, so any writable global (a plain
`int x;`, a function-local `static`, a variable in a custom writable
section) is silently shared by all cores. This tool lists the data symbols
(readelf types OBJECT and NOTYPE) defined in allocated writable sections,
or left in COMMON, and allows only those in the three shared sections
(.shared_handoff, .shared_console, .shared_panic; objects spell them
.shared.handoff etc.).

Symbols are not enough: data that assembly defines under a local label
(`.L` names never reach the symbol table) or under a zero-size "__*"
label (which looks like a linker marker) has no symbol of its own. So
every allocated writable section outside the three must also be empty:
bytes that no reported symbol covers are a violation of their own, named
by their section, size and whatever labels stand in it. Exit status: 0
pass, 1 violations or too many shared symbols (more than --max-shared,
default 16), 2 unreadable input. $READELF (default "readelf") names the
readelf to run.
"""

import os
import re
import subprocess
import sys

SHARED_SECTIONS = {
    ".shared_handoff": "handoff", ".shared.handoff": "handoff",
    ".shared_console": "console", ".shared.console": "console",
    ".shared_panic": "panic", ".shared.panic": "panic",
}
CATEGORIES = ("handoff", "console", "panic")
DATA_TYPES = ("OBJECT", "NOTYPE")
ADVICE = "is writable kernel data shared by every core: make it per-core (a field of struct core) or, if it truly must be shared, mark it SHARED_HANDOFF/SHARED_CONSOLE/SHARED_PANIC with a comment saying why"

# "  [ 3] .data  PROGBITS  0000000000000000 000040 000004 00  WA  0   0  4"
SECTION_RE = re.compile(r"^\s*\[\s*(\d+)\]\s+(.*)$")
# "    12: 0000000000000000     4 OBJECT  GLOBAL DEFAULT    3 planted_counter"
SYMBOL_RE = re.compile(
    r"^\s*\d+:\s+([0-9a-fA-F]+)\s+(0x[0-9a-fA-F]+|\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(.*)$")


class Unreadable(Exception):
    pass


def readelf(option, path):
    tool = os.environ.get("READELF", "readelf")
    try:
        res = subprocess.run([tool, option, path], capture_output=True,
                             text=True, errors="replace")
    except OSError as e:
        raise Unreadable("cannot run %s: %s" % (tool, e))
    if res.returncode != 0 or "Error:" in res.stderr:
        msg = res.stderr.strip().splitlines()
        raise Unreadable("%s: %s" % (path, msg[0] if msg else "%s %s failed" % (tool, option)))
    return res.stdout.splitlines()


def parse_sections(lines):
    """{index: (name, flags, address, size)} from `readelf -SW`.

    After "[Nr]" come Name Type Address Off Size ES [Flg] Lk Inf Al: nine
    fields without flags, ten with. Section 0 has no name and is skipped.
    """
    sections = {}
    for line in lines:
        m = SECTION_RE.match(line)
        if not m:
            continue
        fields = m.group(2).split()
        if len(fields) in (9, 10):
            flags = fields[6] if len(fields) == 10 else ""
            sections[int(m.group(1))] = (fields[0], flags, int(fields[2], 16), int(fields[4], 16))
    return sections


def parse_symbols(lines):
    """(name, size, type, bind, ndx) from the .symtab part of `readelf -sW`.

    Uses .dynsym only if there is no .symtab. Visibility may carry a
    bracketed note ("DEFAULT [<other>: 88]"), which is skipped.
    """
    tables, current = {}, None
    for line in lines:
        if line.startswith("Symbol table"):
            m = re.search(r"'([^']*)'", line)
            current = tables.setdefault(m.group(1) if m else "?", [])
            continue
        m = SYMBOL_RE.match(line)
        if not m or current is None:
            continue
        value, size, typ, bind, _, rest = m.groups()
        rest = rest.strip()
        if rest.startswith("["):
            rest = rest[rest.find("]") + 1:].strip()
        parts = rest.split(None, 1)
        if not parts:
            continue
        name = parts[1].strip() if len(parts) > 1 else ""
        current.append((name, int(size, 0), typ, bind, parts[0], int(value, 16)))
    return tables.get(".symtab", tables.get(".dynsym", []))


def is_marker(name, size, typ):
    return typ == "NOTYPE" and size == 0 and name.startswith("__")


def writable(flags):
    return "W" in flags and "A" in flags


def classify(path):
    """Returns ([(name, category)], [violation text]) for one file."""
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        raise Unreadable("cannot read %s" % path)
    sections = parse_sections(readelf("-SW", path))
    allowed, bad = [], []
    covered = {}    # section index -> bytes the reported symbols cover
    labels = {}     # section index -> every name that stands in it
    for name, size, typ, bind, ndx, value in parse_symbols(readelf("-sW", path)):
        if typ not in DATA_TYPES or not name:
            continue
        if ndx == "COM":
            bad.append("%s (%s %s, %d bytes in COMMON)" % (name, bind, typ, size))
            continue
        if not ndx.isdigit() or int(ndx) not in sections:
            continue  # UND, ABS
        where, flags, _, _ = sections[int(ndx)]
        if not writable(flags):
            continue
        if where in SHARED_SECTIONS:
            if not is_marker(name, size, typ):
                allowed.append((name, SHARED_SECTIONS[where]))
            continue
        labels.setdefault(int(ndx), []).append(name)
        if is_marker(name, size, typ):
            continue
        bad.append("%s (%s %s, %d bytes in %s)" % (name, bind, typ, size, where))
        covered.setdefault(int(ndx), []).append((value, value + size))
    for ndx, (where, flags, addr, size) in sorted(sections.items()):
        if not writable(flags) or where in SHARED_SECTIONS or size == 0:
            continue
        unnamed = size - covered_bytes(covered.get(ndx, []), addr, addr + size)
        if unnamed > 0:
            names = labels.get(ndx, [])
            bad.append("%d bytes in %s that no data symbol names (%s)" % (
                unnamed, where, "labels there: " + ", ".join(sorted(set(names))) if names
                else "assembler local labels or anonymous data"))
    return allowed, bad


def covered_bytes(spans, lo, hi):
    """Bytes of [lo, hi) inside the union of the spans."""
    total, end = 0, lo
    for a, b in sorted(spans):
        a, b = max(a, end), min(b, hi)
        if a < b:
            total += b - a
            end = b
    return total


def parse_args(argv):
    max_shared, files = 16, []
    args = iter(argv[1:])
    for a in args:
        if a == "--max-shared" or a.startswith("--max-shared="):
            val = a.split("=", 1)[1] if "=" in a else next(args, None)
            if val is None or not val.isdigit():
                sys.exit("usage: check-shared.py [--max-shared N] ELF_OR_OBJECT...")
            max_shared = int(val)
        else:
            files.append(a)
    if not files:
        sys.exit("usage: check-shared.py [--max-shared N] ELF_OR_OBJECT...")
    return max_shared, files


def summary(allowed):
    parts = []
    for cat in CATEGORIES:
        names = sorted(n for n, c in allowed if c == cat)
        parts.append("%s: %s" % (cat, ", ".join(names) if names else "none"))
    return "; ".join(parts)


def main(argv):
    max_shared, files = parse_args(argv)
    allowed, bad = set(), []
    for path in files:
        try:
            a, b = classify(path)
        except Unreadable as e:
            print("check-shared: %s" % e, file=sys.stderr)
            return 2
        allowed.update(a)  # the same symbol seen in an .o and the ELF counts once
        where = " of %s" % path if len(files) > 1 else ""
        bad += [v[:-1] + where + ")" if v.endswith(")") else v + where for v in b]

    for v in bad:
        print("check-shared: %s %s" % (v, ADVICE))
    too_many = len(allowed) > max_shared
    if too_many:
        print("check-shared: %d shared symbols, more than --max-shared %d: the allow-list must stay short (%s)"
              % (len(allowed), max_shared, summary(allowed)))
    if bad or too_many:
        why = []
        if bad:
            why.append("%d violations" % len(bad))
        if too_many:
            why.append("%d shared symbols, more than %d" % (len(allowed), max_shared))
        print("FAIL check-shared: %s" % "; ".join(why))
        return 1
    print("PASS check-shared: %d shared symbols, all on the allow-list (%s)"
          % (len(allowed), summary(allowed)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
