#!/usr/bin/env python3
"""Write an initramfs: an uncompressed cpio archive in the "newc" format
that the Linux kernel unpacks into its root file system at boot
(Documentation/driver-api/early-userspace/buffer-format.rst).

    mkinitramfs.py OUT ENTRY...

Each ENTRY is one of
    dir:PATH                  a directory (mode 0755)
    file:PATH=SOURCE[:MODE]   a copy of SOURCE (MODE in octal, default 0644)
    link:PATH=TARGET          a symbolic link
    char:PATH=MAJOR:MINOR     a character device (mode 0600), e.g. /dev/console
Paths are inside the archive, without a leading slash or with one. Every
entry is owned by root with mtime 0, so the same inputs give the same
bytes. Needs no root and no cpio program.
"""
import os
import stat
import sys

HEADER = "070701" + "%08X" * 13


def entry(out, ino, name, mode, data=b"", rdev=(0, 0)):
    name = name.lstrip("/").encode() + b"\0"
    out.append((HEADER % (ino, mode, 0, 0, 1 if not stat.S_ISDIR(mode) else 2, 0, len(data),
                          0, 0, rdev[0], rdev[1], len(name), 0)).encode())
    out.append(name + b"\0" * (-(110 + len(name)) % 4))
    out.append(data + b"\0" * (-len(data) % 4))


def build(entries):
    """The archive's bytes for a list of ENTRY strings; ValueError on a bad one."""
    out, ino = [], 1
    for e in entries:
        kind, _, rest = e.partition(":")
        path, _, arg = rest.partition("=")
        if not path:
            raise ValueError(f"no path in {e!r}")
        if kind == "dir":
            entry(out, ino, path, stat.S_IFDIR | 0o755)
        elif kind == "file":
            src, _, mode = arg.partition(":")
            with open(src, "rb") as f:
                entry(out, ino, path, stat.S_IFREG | int(mode or "644", 8), f.read())
        elif kind == "link":
            entry(out, ino, path, stat.S_IFLNK | 0o777, arg.encode())
        elif kind == "char":
            major, _, minor = arg.partition(":")
            entry(out, ino, path, stat.S_IFCHR | 0o600, rdev=(int(major), int(minor)))
        else:
            raise ValueError(f"unknown entry {e!r}: want dir:, file:, link: or char:")
        ino += 1
    entry(out, 0, "TRAILER!!!", 0)
    data = b"".join(out)
    return data + b"\0" * (-len(data) % 512)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    try:
        data = build(sys.argv[2:])
    except (OSError, ValueError) as e:
        sys.exit(f"mkinitramfs: {e}")
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, sys.argv[1])


if __name__ == "__main__":
    main()
