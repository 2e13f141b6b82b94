#!/usr/bin/env python3
"""Pack user programs into a Flotilla boot image (format in lib/bootimg.h).

Usage: mkbootimg.py OUT FILE...
       mkbootimg.py --list IMG

Each FILE is stored under its basename, which must be 1-31 printable ASCII
characters and unique. Files keep their command-line order; each starts on
a 4096-byte boundary, and the archive is padded to a multiple of 4096 so
the last file's last page lies inside it too. OUT is written whole or not
at all. --list checks IMG as lib/bootimg.c does and prints one line per
file: "NAME OFFSET SIZE", offset in hex, size in decimal. Errors go to
stderr with exit status 1 (2 for bad usage).
"""

import os
import struct
import sys

MAGIC = b"FLOTIMG1"
HDR = struct.Struct("<8sII")        # magic, count, total_size
ENTRY = struct.Struct("<32sQQ")     # name, offset, size
NAME_MAX = 31                       # the field is 32 bytes with its NUL
MAX_FILES = 64
ALIGN = 4096
U32_MAX = 0xFFFFFFFF


def usage():
    sys.stderr.write("usage: mkbootimg.py OUT FILE...\n"
                     "       mkbootimg.py --list IMG\n")
    sys.exit(2)


def die(msg):
    sys.stderr.write("mkbootimg: %s\n" % msg)
    sys.exit(1)


def align_up(n):
    return (n + ALIGN - 1) // ALIGN * ALIGN


def name_problem(name):
    """Why `name` cannot be an archive name, or None if it can."""
    if not name:
        return "empty name"
    if len(name) > NAME_MAX:
        return "name '%s' is %d characters long; at most %d fit" % (name, len(name), NAME_MAX)
    if any(not (0x20 <= ord(c) <= 0x7E) or c == "/" for c in name):
        return "name %r has a character that is not printable ASCII" % name
    return None


def pack(out, paths):
    if len(paths) > MAX_FILES:
        die("%d files; an image holds at most %d" % (len(paths), MAX_FILES))
    names, blobs = [], []
    for path in paths:
        name = os.path.basename(path)
        why = name_problem(name)
        if why:
            die("%s: %s" % (path, why))
        if name in names:
            die("%s: duplicate name '%s' (also from %s)" % (path, name, paths[names.index(name)]))
        try:
            with open(path, "rb") as f:
                blobs.append(f.read())
        except OSError as e:
            die("%s: cannot read: %s" % (path, e.strerror))
        names.append(name)

    at = align_up(HDR.size + ENTRY.size * len(paths))
    table, layout = [], []
    for name, blob in zip(names, blobs):
        table.append(ENTRY.pack(name.encode("ascii"), at, len(blob)))
        layout.append(at)
        at = align_up(at + len(blob))
    total = max(at, ALIGN)
    if total > U32_MAX:
        die("image would be %d bytes; total_size is a 32-bit field" % total)

    img = bytearray(total)
    img[:HDR.size] = HDR.pack(MAGIC, len(paths), total)
    img[HDR.size:HDR.size + ENTRY.size * len(table)] = b"".join(table)
    for off, blob in zip(layout, blobs):
        img[off:off + len(blob)] = blob
    tmp = out + ".tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(img)
        os.replace(tmp, out)
    except OSError as e:
        if os.path.exists(tmp):
            os.unlink(tmp)
        die("%s: cannot write: %s" % (out, e.strerror))


def parse(path, img):
    """Returns [(name, offset, size)], checking what bootimg_check checks."""
    def bad(msg):
        die("%s: %s" % (path, msg))

    if len(img) < len(MAGIC) or img[:len(MAGIC)] != MAGIC:
        bad("not a boot image (bad magic)")
    if len(img) < HDR.size:
        bad("truncated header")
    _, count, total = HDR.unpack_from(img)
    if total > len(img):
        bad("total_size %d is past the end of the file (%d bytes)" % (total, len(img)))
    if count > MAX_FILES:
        bad("%d files; an image holds at most %d" % (count, MAX_FILES))
    table_end = HDR.size + ENTRY.size * count
    if table_end > total:
        bad("entry table runs past total_size")
    seen, files = set(), []
    for i in range(count):
        raw, off, size = ENTRY.unpack_from(img, HDR.size + ENTRY.size * i)
        if b"\0" not in raw:
            bad("entry %d: name is not NUL-terminated" % i)
        name = raw[:raw.index(b"\0")].decode("latin-1")
        why = name_problem(name)
        if why:
            bad("entry %d: %s" % (i, why))
        if name in seen:
            bad("entry %d: duplicate name '%s'" % (i, name))
        if off % ALIGN:
            bad("%s: offset %#x is not %d-aligned" % (name, off, ALIGN))
        if off > total or size > total - off:
            bad("%s: runs past total_size" % name)
        if off < table_end:
            bad("%s: overlaps the entry table" % name)
        for other, o, s in files:
            if size and s and off < o + s and o < off + size:
                bad("%s: overlaps %s" % (name, other))
        seen.add(name)
        files.append((name, off, size))
    return files


def list_image(path):
    try:
        with open(path, "rb") as f:
            img = f.read()
    except OSError as e:
        die("%s: cannot read: %s" % (path, e.strerror))
    for name, off, size in parse(path, img):
        print("%s %#x %d" % (name, off, size))


def main(argv):
    if len(argv) == 3 and argv[1] == "--list":
        list_image(argv[2])
    elif len(argv) >= 3 and not argv[1].startswith("-"):
        pack(argv[1], argv[2:])
    else:
        usage()


if __name__ == "__main__":
    main(sys.argv)
