#!/usr/bin/env python3
"""Writes the seeds of fuzz_multiboot2 (tests/fuzz/seeds/fuzz_multiboot2/):
what OVMF and SeaBIOS hand GRUB, and one malformed case each: a misaligned
information, no end tag, a tag size below 8 or past total_size, tags too
short for their type, unknown tags, bad entry sizes, a huge total_size.
Run from the repository root; the seeds are committed."""
import struct, os
D = "tests/fuzz/seeds/fuzz_multiboot2"

def tag(t, body):
    b = struct.pack("<II", t, 8 + len(body)) + body
    return b + b"\0" * (-len(b) % 8)

def info(tags, start=8, end=True, total=None):
    body = b"".join(tags) + (tag(0, b"") if end else b"")
    t = 8 + len(body) if total is None else total
    return bytes([start]) + b"\0" * (start - 1) + struct.pack("<II", t, 0) + body

def rsdp(rev, rsdt, xsdt):
    b = bytearray(b"RSD PTR " + b"\0" + b"FLOTIL" + bytes([rev]) + struct.pack("<I", rsdt))
    b[8] = (-sum(b)) & 0xFF
    if rev >= 2:
        b += struct.pack("<IQ", 36, xsdt) + b"\0\0\0\0"
        b[32] = (-sum(b)) & 0xFF
    return bytes(b)

def efi_map(descs, dsize=48):
    body = struct.pack("<II", dsize, 1)
    for typ, base, pages in descs:
        d = struct.pack("<IIQQQQ", typ, 0, base, 0, pages, 0xF)
        body += d + b"\0" * (dsize - len(d))
    return tag(17, body)

def mmap(entries, esize=24):
    body = struct.pack("<II", esize, 0)
    for base, ln, typ in entries:
        e = struct.pack("<QQII", base, ln, typ, 0)
        body += e + b"\0" * (esize - len(e))
    return tag(6, body)

ovmf = [(3, 0, 1), (7, 0x1000, 0x9F), (0, 0xA0000, 0x60), (2, 0x100000, 0x100),
        (9, 0x400000, 0x10), (10, 0x410000, 0x10), (5, 0x420000, 0x10), (14, 0x600000, 0x100),
        (15, 0x700000, 0x10), (0x14, 0x800000, 0x10), (7, 0x100000000, 0x40000)]
fb = tag(8, struct.pack("<QIIIBBH", 0xC0000000, 3200, 800, 600, 32, 1, 0))
seeds = {
    "ovmf": info([tag(1, b"utest\0"), tag(2, b"GRUB 2.06\0"), tag(4, struct.pack("<II", 639, 511 * 1024)),
                  mmap([(0, 0x9F000, 1), (0x100000, 0x1FF00000, 1), (0x20000000, 0x1000, 20)]),
                  fb, tag(12, struct.pack("<Q", 0x1F5EB018)), tag(14, rsdp(2, 0x400, 0)[:20]),
                  tag(15, rsdp(2, 0x400, 0x500)), efi_map(ovmf)]),
    "seabios": info([tag(1, b"\0"), tag(2, b"GRUB\0"), tag(4, struct.pack("<II", 639, 130048)),
                     tag(5, struct.pack("<III", 0xE0, 0xFFFFFFFF, 0xFFFFFFFF)),
                     mmap([(0, 0x9FC00, 1), (0x9FC00, 0x400, 2), (0x100000, 0x7EE0000, 1),
                           (0x7FE0000, 0x20000, 2), (0xFFFC0000, 0x40000, 2), (0x20000000, 0x1000, 7)]),
                     tag(14, rsdp(0, 0x400, 0))]),
    "boot_services_running": info([efi_map(ovmf, 40), tag(18, b"")]),
    "misaligned": info([tag(1, b"odd\0"), tag(4, struct.pack("<II", 640, 1024))], start=3),
    "no_end_tag": info([tag(4, struct.pack("<II", 640, 1024))], end=False),
    "tag_size_below_8": info([tag(4, struct.pack("<II", 640, 1024)),
                              struct.pack("<II", 1, 4) + b"\0" * 8]),
    "tag_past_total": info([tag(4, struct.pack("<II", 640, 1024)), tag(1, b"cut here\0")], total=36),
    "truncated_tags": info([tag(4, b"\x80\x02\0\0"), tag(6, b"\x18\0\0\0"), tag(17, b"\x30\0\0\0"),
                            tag(8, b"\0" * 10), tag(4, struct.pack("<II", 640, 1024))]),
    "unknown_tags": info([tag(99, b"hello"), tag(21, b"\0\0\0\0"), tag(0x7FFFFFFF, b""),
                          tag(4, struct.pack("<II", 640, 1024))]),
    "bad_entry_sizes": info([efi_map(ovmf, 48)[:8] + struct.pack("<II", 32, 1) + b"\0" * 64,
                             mmap([(0x100000, 0x100000, 1)], esize=16), tag(4, struct.pack("<II", 640, 1024))]),
    "huge_total_size": struct.pack("<BxxxxxxxII", 8, 0xFFFFFFF0, 0) + tag(0, b""),
}
os.makedirs(D, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(D, name), "wb") as f:
        f.write(data)
print(len(seeds), "seeds")
