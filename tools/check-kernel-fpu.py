#!/usr/bin/env python3
"""Check that the kernel never uses x87, MMX, SSE or AVX registers.

Usage: check-kernel-fpu.py ELF_OR_OBJECT...

The kernel keeps each user dispatcher's x87/SSE/AVX registers by saving
them when another dispatcher needs them (kernel/arch/x86_64/fpu.c); that
is enough only if the kernel itself never touches them. It is built with
-mno-sse -mno-sse2 -mno-80387 -mno-mmx, and this tool checks what gcc and
clang made of that: it disassembles every function (objdump -d) and
rejects any instruction that names an x87, MMX, SSE, AVX or opmask register
(%st, %mm, %xmm, %ymm, %zmm, %k), any x87 instruction, and the few that
touch that state without naming a register (ldmxcsr, emms, vzeroupper,
xsave, ...), except the save and restore instructions in the functions
that exist for them (ALLOWED). Exit status: 0 pass, 1 violations, 2
unreadable input. $OBJDUMP (default "objdump") names the objdump to run.
"""

import os
import re
import subprocess
import sys

# The functions that save and restore user state, and what they may use.
ALLOWED = {
    "arch_fpu_save": {"xsave64", "fxsave64"},
    "arch_fpu_restore": {"xrstor64", "fxrstor64"},
}
REGISTER = re.compile(r"%(st\b|st\(|mm\d|xmm\d|ymm\d|zmm\d|k[0-7]\b)")
# x87 mnemonics all begin with f (and fwait's alias is wait); the rest
# touch the state without naming a register.
X87 = re.compile(r"^(f[a-z0-9]+|wait)$")
STATE = re.compile(r"^(ldmxcsr|stmxcsr|vldmxcsr|vstmxcsr|emms|femms|vzeroupper|vzeroall|"
                   r"f?xsave\w*|f?xrstor\w*)$")
FUNC = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
INSN = re.compile(r"^\s*[0-9a-f]+:\s+(.*)$")
PREFIXES = {"lock", "rep", "repz", "repnz", "repe", "repne", "data16", "addr32", "rex", "rex.W",
            "notrack", "bnd", "cs", "ds", "es", "fs", "ss", "gs"}


def check(path):
    """(number of instructions, [violations]) of one file."""
    objdump = os.environ.get("OBJDUMP", "objdump")
    r = subprocess.run([objdump, "-d", "--no-show-raw-insn", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise OSError(r.stderr.strip() or f"{objdump} failed on {path}")
    func, count, bad = "?", 0, []
    for line in r.stdout.splitlines():
        m = FUNC.match(line)
        if m:
            func = m.group(1)
            continue
        m = INSN.match(line)
        if not m:
            continue
        text = m.group(1).split("#")[0].strip()
        words = text.split()
        while words and words[0] in PREFIXES:
            words = words[1:]
        if not words or words[0].startswith("(bad)"):
            continue
        count += 1
        mnemonic = words[0]
        if mnemonic in ALLOWED.get(func, ()):
            continue
        if REGISTER.search(text) or X87.match(mnemonic) or STATE.match(mnemonic):
            bad.append(f"{path}: {func}: {text}")
    return count, bad


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    total, bad = 0, []
    for path in argv[1:]:
        try:
            n, b = check(path)
        except OSError as e:
            print(f"check-kernel-fpu: cannot read {path}: {e}")
            return 2
        total += n
        bad += b
    for b in bad:
        print(f"check-kernel-fpu: {b}: uses x87/MMX/SSE/AVX state; the kernel must not "
              "(user dispatchers' registers would be corrupted)")
    if bad:
        print(f"FAIL check-kernel-fpu: {len(bad)} violations")
        return 1
    print(f"PASS check-kernel-fpu: {total} instructions, none touches x87/MMX/SSE/AVX state "
          f"outside {', '.join(sorted(ALLOWED))}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
