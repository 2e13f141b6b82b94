#!/usr/bin/env python3
"""abigen: the kernel's capability methods from their one description.

Reads if/kernel.abi (its header comment says the form) and writes
include/kpi/methods.h (enum cap_method and CAP_METHODS(X)),
usr/include/flotilla/abi.h (a stub per method that packs its words) and
kernel/invoke_words.h (the kernel's check of each word against its kind).
Both are committed; `--check` says whether they are what the description
makes (make test's check/abi_generated), and `-o DIR` writes them under
DIR instead of the tree (the tool test). Bad input: FILE:LINE: error:
WHAT on standard error, exit status 1, nothing written.

    python3 tools/abigen.py [--check] [-o DIR] [if/kernel.abi]
"""
import argparse
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUTS = ("include/kpi/methods.h", "usr/include/flotilla/abi.h", "kernel/invoke_words.h")
WORDS = 5                       # SYS_INVOKE's argument words a0..a4
RIGHTS = {"write": "CAP_RIGHT_WRITE", "read": "CAP_RIGHT_READ", "nothing": "0"}
NUMBER_KINDS = {"word": None, "u32": 32, "u16": 16, "u8": 8, "bool": 1, "slot": None,
                "core": None}
KINDS = set(NUMBER_KINDS) | {"caddr", "in", "out"}
PACK_BITS = 16                  # each field of a packed word


class AbiError(Exception):
    pass


class Arg:
    def __init__(self, kind, name, ctype=None):
        self.kind, self.name, self.ctype = kind, name, ctype

    def param(self):
        """The stub's parameter: numbers whole, so the kernel sees them."""
        if self.kind == "caddr":
            return f"capaddr_t {self.name}"
        if self.kind == "in":
            return f"const {self.ctype} *{self.name}"
        if self.kind == "out":
            return f"{self.ctype} *{self.name}"
        return f"uint64_t {self.name}"

    def word(self):
        return f"(uintptr_t){self.name}" if self.kind in ("in", "out") else self.name

    def doc(self):
        if self.kind in ("in", "out"):
            return f"{self.kind} {self.ctype} *{self.name}"
        return f"{self.kind} {self.name}"


class Method:
    def __init__(self, name, number, ctype, right, later, words, returns, doc, line):
        self.name, self.number, self.type, self.right = name, number, ctype, right
        self.later = later
        self.words, self.returns, self.doc, self.line = words, returns, doc, line


def tokenize(text, path):
    """(kind, value, line, doc) tuples; doc is the comment just before."""
    spec = re.compile(r"""
        (?P<comment>/\*.*?\*/) | (?P<space>\s+) | (?P<string>"[^"\n]*") |
        (?P<number>\d+) | (?P<ident>[A-Za-z_][A-Za-z_0-9]*) |
        (?P<arrow>->) | (?P<punct>[(){},;=|]) | (?P<bad>.)""", re.S | re.X)
    toks, line, doc = [], 1, None
    for m in spec.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind == "bad":
            raise AbiError(f"{path}:{line}: error: unexpected {value!r}")
        if kind == "comment":
            doc = value
        elif kind != "space":
            toks.append((kind, value, line, doc))
            doc = None
        line += value.count("\n")
    toks.append(("end", "", line, None))
    return toks


def clean_doc(doc):
    """A comment's text, its lines without the leading ' * '."""
    if not doc:
        return []
    body = doc[2:-2]
    lines = [re.sub(r"^\s*\*? ?", "", l).rstrip() for l in body.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


class Parser:
    def __init__(self, text, path):
        self.toks, self.i, self.path = tokenize(text, path), 0, path

    def peek(self):
        return self.toks[self.i]

    def take(self, kind=None, value=None):
        t = self.toks[self.i]
        if (kind and t[0] != kind) or (value is not None and t[1] != value):
            want = repr(value) if value is not None else kind
            got = repr(t[1]) if t[0] != "end" else "the end of the file"
            raise AbiError(f"{self.path}:{t[2]}: error: expected {want}, found {got}")
        self.i += 1
        return t

    def error(self, line, what):
        raise AbiError(f"{self.path}:{line}: error: {what}")

    def parse(self):
        types, methods = [], []
        while self.peek()[0] != "end":
            types.append(self.parse_type(methods))
        return types, methods

    def parse_type(self, methods):
        t = self.take("ident", "type")
        name = self.take("ident")[1]
        title = self.take("string")[1][1:-1]
        self.take("punct", "(")
        caps = []
        while self.peek()[1] != ")":
            caps.append(self.take("ident")[1])
            if self.peek()[1] == ",":
                self.take("punct", ",")
        self.take("punct", ")")
        if not caps and name != "any":
            self.error(t[2], f"type {name} names no capability type")
        self.take("punct", "{")
        while self.peek()[1] != "}":
            if self.peek()[0] == "end":
                self.error(self.peek()[2], "expected '}', found the end of the file")
            methods.append(self.parse_method(name, methods))
        self.take("punct", "}")
        return (name, title, caps, clean_doc(t[3]))

    def parse_method(self, tname, before):
        t = self.take("ident")
        name, line = t[1], t[2]
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", name):
            self.error(line, f"a method's name is in capitals: {name}")
        if self.peek()[1] == "=":
            self.take("punct", "=")
            number = int(self.take("number")[1])
        elif before:
            number = before[-1].number + 1
        else:
            self.error(line, f"{name}: the first method needs a number")
        self.take("ident", "needs")
        right = self.take("ident")[1]
        if right not in RIGHTS:
            self.error(line, f"{name}: needs {right}: a right is write, read or nothing")
        later = self.peek()[1] == "later"
        if later:
            self.take("ident", "later")
            if right == "nothing":
                self.error(line, f"{name}: needs nothing later: only a right is checked later")
        self.take("punct", "(")
        words = []
        while self.peek()[1] != ")":
            words.append(self.parse_word(name))
            if self.peek()[1] == ",":
                comma = self.take("punct", ",")
                if self.peek()[1] == ")":
                    self.error(comma[2], f"{name}: an argument after the last comma")
            elif self.peek()[1] != ")":
                self.take("punct", ",")
        self.take("punct", ")")
        returns = None
        if self.peek()[0] == "arrow":
            self.take("arrow")
            returns = self.take("string")[1][1:-1]
        self.take("punct", ";")
        if len(words) > WORDS:
            self.error(line, f"{name}: {len(words)} argument words; SYS_INVOKE has {WORDS}")
        return Method(name, number, tname, right, later, words, returns, clean_doc(t[3]), line)

    def parse_arg(self, method):
        t = self.take("ident")
        kind, line = t[1], t[2]
        if kind not in KINDS:
            self.error(line, f"{method}: unknown kind {kind!r} (one of {', '.join(sorted(KINDS))})")
        if kind in ("in", "out"):
            ctype = self.take("ident")[1]
            if ctype == "struct":
                ctype = "struct " + self.take("ident")[1]
            return Arg(kind, self.take("ident")[1], ctype)
        return Arg(kind, self.take("ident")[1])

    def parse_word(self, method):
        first = self.parse_arg(method)
        if self.peek()[1] != "|":
            return [first]
        line = self.take("punct", "|")[2]
        second = self.parse_arg(method)
        for a in (first, second):
            bits = NUMBER_KINDS.get(a.kind)
            if bits is None or bits > PACK_BITS:
                self.error(line, f"{method}: {a.name}: only numbers of at most {PACK_BITS} "
                           "bits are packed")
        return [first, second]


def check(methods, path):
    seen_names, seen_numbers = {}, {}
    for m in methods:
        if m.name in seen_names:
            raise AbiError(f"{path}:{m.line}: error: {m.name} is defined twice "
                           f"(line {seen_names[m.name]})")
        if m.number in seen_numbers:
            raise AbiError(f"{path}:{m.line}: error: {m.name} takes number {m.number}, "
                           f"which {seen_numbers[m.number]} has")
        args = [a.name for w in m.words for a in w]
        if len(set(args)) != len(args) or "cap" in args:
            raise AbiError(f"{path}:{m.line}: error: {m.name}: two arguments share a name "
                           "(or one is called cap, the capability's)")
        seen_names[m.name], seen_numbers[m.number] = m.line, m.name


HEAD = "/* Generated by tools/abigen.py from if/kernel.abi: do not edit (make abi). */\n"


def comment(lines, indent):
    if not lines:
        return ""
    if len(lines) == 1 and len(lines[0]) + len(indent) < 72:
        return f"{indent}/* {lines[0]} */\n"
    return f"{indent}/*\n" + "".join(f"{indent} * {l}".rstrip() + "\n" for l in lines) + \
        f"{indent} */\n"


def signature(m):
    words = [" | ".join(a.doc() for a in w) for w in m.words]
    s = f"({', '.join(words)})"
    return s + (f" -> {m.returns}" if m.returns else "")


def needs(m):
    return f"needs {m.right}" + (" (checked in decode)" if m.later else "")


def wrap(text, indent, width=80):
    """Breaks text at ', ' so that no line passes width (tabs as 8)."""
    lines, cur = [], ""
    for part in text.split(", "):
        cand = part if not cur else cur + ", " + part
        if cur and len(cand.expandtabs()) > width:
            lines.append(cur + ",")
            cur = indent + part
        else:
            cur = cand
    return "\n".join(lines + [cur])


def methods_h(types, methods):
    out = [HEAD, "/*\n * The kernel's capability methods (SYS_INVOKE, kpi/syscalls.h). Each is\n"
           " * defined once, in if/kernel.abi: its number, the types that have it,\n"
           " * the right it needs on the capability invoked and its argument words\n"
           " * a0..a4 in order. Packed words (a | b): a in bits 0..15, b in 16..31.\n */\n",
           "#ifndef KPI_METHODS_H\n#define KPI_METHODS_H\n\nenum cap_method {\n"]
    by_type = {}
    for m in methods:
        by_type.setdefault(m.type, []).append(m)
    for name, title, caps, doc in types:
        out.append(f"\n\t/* {title}{' (' + ', '.join(caps) + ')' if caps else ''} */\n")
        for m in by_type.get(name, []):
            out.append(comment(wrap(f"{signature(m)}, {needs(m)}", "  ", 68).split("\n") + m.doc,
                               "\t"))
            out.append(f"\t{m.name} = {m.number},\n")
    out.append("};\n\n")
    out.append("/*\n * Every method: X(METHOD, type, right, early, words): type its\n"
               " * if/kernel.abi type, right the one it needs on the capability invoked\n"
               " * (0: none), early 1 when the kernel checks it before decoding the\n"
               " * arguments (0: decode checks it, after looking them up), words how\n"
               " * many argument words it reads. In number order.\n */\n")
    out.append("#define CAP_METHODS(X) \\\n")
    for m in sorted(methods, key=lambda m: m.number):
        out.append(f"\tX({m.name}, {m.type}, {RIGHTS[m.right]}, {0 if m.later else 1}, "
                   f"{len(m.words)}) \\\n")
    out.append("\t/* end */\n\n")
    out.append("/* Every type: Y(type, CAP_TYPE), once for each capability type it\n"
               " * names (the page tables' four share one). */\n")
    out.append("#define CAP_METHOD_TYPES(Y) \\\n")
    for name, title, caps, doc in types:
        for c in caps:
            out.append(f"\tY({name}, {c}) \\\n")
    out.append("\t/* end */\n\n")
    out.append(f"#define CAP_METHOD_COUNT\t{len(methods)}\n\n#endif\n")
    return "".join(out)


def abi_h(types, methods):
    out = [HEAD, "/*\n * One stub per kernel method (if/kernel.abi): abi_<method>(cap, its\n"
           " * arguments) packs them into SYS_INVOKE's words in their order and\n"
           " * returns what the kernel answered. Numbers go whole, so that the\n"
           " * kernel sees and refuses what does not fit; only a packed field too\n"
           " * wide for its 16 bits is refused here (ERR_INVALID_ARG). The friendly\n"
           " * API (flotilla/caps.h) is built on these.\n */\n",
           "#ifndef FLOTILLA_ABI_H\n#define FLOTILLA_ABI_H\n\n#include <stdint.h>\n",
           "#include <kpi/caps.h>\n#include <kpi/errors.h>\n#include <flotilla/sys.h>\n\n"]
    structs = sorted({a.ctype for m in methods for w in m.words for a in w
                      if a.ctype and a.ctype.startswith("struct ")})
    out += [f"{s};\n" for s in structs]
    for m in methods:
        params = ", ".join(["capaddr_t cap"] + [a.param() for w in m.words for a in w])
        words = []
        guard = []
        for w in m.words:
            if len(w) == 1:
                words.append(w[0].word())
            else:
                lo, hi = w
                guard.append(f"{lo.name} >> {PACK_BITS} || {hi.name} >> {PACK_BITS}")
                words.append(f"({lo.name} | {hi.name} << {PACK_BITS})")
        words += ["0"] * (WORDS - len(words))
        out.append("\n")
        out.append(comment(wrap(f"{m.name}{signature(m)}, {needs(m)}", "  ", 68).split("\n"),
                           ""))
        head = f"static inline struct sys_ret abi_{m.name.lower()}({params})"
        out.append(wrap(head, "\t\t\t\t\t") + "\n{\n")
        for g in guard:
            out.append(f"\tif ({g})\n\t\treturn (struct sys_ret){{ ERR_INVALID_ARG, 0 }};\n")
        out.append(f"\treturn sys_invoke(cap, {m.name}, {', '.join(words)});\n}}\n")
    out.append("\n#endif\n")
    return "".join(out)


def word_checks(m):
    """The C conditions and errors that refuse m's words past their kinds."""
    checks = []
    for i, w in enumerate(m.words):
        if len(w) == 2:
            checks.append((f"a[{i}] >> {2 * PACK_BITS}", "ERR_INVALID_ARG"))
            mask = (1 << PACK_BITS) - 1
            for field, shift in ((w[0], 0), (w[1], PACK_BITS)):
                bits = NUMBER_KINDS[field.kind]
                value = f"(a[{i}] & {mask:#x})" if shift == 0 else f"(a[{i}] >> {shift})"
                if bits == 1:
                    checks.append((f"{value} > 1", "ERR_INVALID_ARG"))
                elif bits and bits < PACK_BITS:
                    checks.append((f"{value} >> {bits}", "ERR_INVALID_ARG"))
            continue
        a = w[0]
        bits = NUMBER_KINDS.get(a.kind)
        if a.kind == "caddr":
            checks.append((f"a[{i}] > UINT32_MAX", "ERR_CAP_RANGE"))
        elif bits == 1:
            checks.append((f"a[{i}] > 1", "ERR_INVALID_ARG"))
        elif bits:
            checks.append((f"a[{i}] >> {bits}", "ERR_INVALID_ARG"))
    return checks


CTYPES = {"word": "uint64_t", "u32": "uint32_t", "u16": "uint16_t", "u8": "uint8_t",
          "bool": "bool", "caddr": "capaddr_t", "slot": "uint64_t", "core": "uint64_t",
          "in": "uint64_t", "out": "uint64_t"}


def args_struct(m):
    """struct <method>_args and its unpacking, for methods with words."""
    if not m.words:
        return ""
    low = m.name.lower()
    fields, inits = [], []
    for i, w in enumerate(m.words):
        if len(w) == 1:
            a = w[0]
            note = f"\t/* user address of {'a' if a.kind == 'in' else 'the'} {a.ctype} */" \
                if a.kind in ("in", "out") else ""
            fields.append(f"\t{CTYPES[a.kind]} {a.name};{note}")
            cast = "" if CTYPES[a.kind] == "uint64_t" else f"({CTYPES[a.kind]})"
            inits.append(f".{a.name} = {cast}a[{i}]" if a.kind != "bool" else
                         f".{a.name} = a[{i}] != 0")
        else:
            lo, hi = w
            mask = (1 << PACK_BITS) - 1
            for f, expr in ((lo, f"a[{i}] & {mask:#x}"), (hi, f"a[{i}] >> {PACK_BITS}")):
                fields.append(f"\t{CTYPES[f.kind]} {f.name};")
                inits.append(f".{f.name} = ({CTYPES[f.kind]})({expr})" if f.kind != "bool"
                             else f".{f.name} = ({expr}) != 0")
    out = [f"\n/* {m.name}{signature(m)} */\n", f"struct {low}_args {{\n"]
    out += [f + "\n" for f in fields]
    out.append("};\n\n")
    head = f"static inline struct {low}_args {low}_args(const uint64_t a[5])"
    out.append(head + "\n{\n")
    body = f"\treturn (struct {low}_args){{ " + ", ".join(inits) + " };"
    out.append(wrap(body, "\t\t\t\t", 88) + "\n}\n")
    return "".join(out)


def words_h(types, methods):
    out = [HEAD, "/*\n * The kernel's first step of decoding (kernel/invoke.c): each argument\n"
           " * word checked against the kind if/kernel.abi gives it, before the\n"
           " * method's own decode looks anything up. A number past its width, a\n"
           " * bool past 1, a packed word past 32 bits or a field of it past its\n"
           " * own kind is ERR_INVALID_ARG; a capability address past 32 bits\n"
           " * ERR_CAP_RANGE. So the decode functions (kernel/invoke_*.c) read\n"
           " * words that fit their kinds, and no width is checked in two places.\n */\n",
           "#ifndef KERNEL_INVOKE_WORDS_H\n#define KERNEL_INVOKE_WORDS_H\n\n",
           "#include <stdbool.h>\n#include <stdint.h>\n#include <kpi/caps.h>\n"
           "#include <kpi/errors.h>\n\n",
           "static inline err_t invoke_words_check(uint64_t method, const uint64_t a[5])\n{\n",
           "\tswitch (method) {\n"]
    for m in sorted(methods, key=lambda m: m.number):
        checks = word_checks(m)
        if not checks:
            continue
        out.append(f"\tcase {m.name}:\n")
        for cond, err in checks:
            out.append(f"\t\tif ({cond})\n\t\t\treturn {err};\n")
        out.append("\t\tbreak;\n")
    out.append("\t}\n\treturn OK;\n}\n\n")
    out.append("/*\n * Each method's words as named, typed fields (<method>_args(a)), for\n"
               " * its decode: read after invoke_words_check, so that every narrowing\n"
               " * below keeps the whole value. User addresses stay 64-bit numbers.\n */\n")
    for m in sorted(methods, key=lambda m: m.number):
        out.append(args_struct(m))
    out.append("\n#endif\n")
    return "".join(out)


def generate(path):
    with open(path) as f:
        text = f.read()
    types, methods = Parser(text, os.path.relpath(path, ROOT)).parse()
    check(methods, os.path.relpath(path, ROOT))
    return {OUTPUTS[0]: methods_h(types, methods), OUTPUTS[1]: abi_h(types, methods),
            OUTPUTS[2]: words_h(types, methods)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("abi", nargs="?", default=os.path.join(ROOT, "if", "kernel.abi"))
    ap.add_argument("--check", action="store_true", help="only say whether the files are current")
    ap.add_argument("-o", dest="out", default=ROOT, help="write under this directory")
    args = ap.parse_args()
    try:
        files = generate(args.abi)
    except (AbiError, OSError) as e:
        print(e, file=sys.stderr)
        return 1
    if args.check:
        stale = []
        for rel, text in files.items():
            try:
                with open(os.path.join(args.out, rel)) as f:
                    if f.read() == text:
                        continue
            except OSError:
                pass
            stale.append(rel)
        if stale:
            print(f"abigen: {', '.join(stale)} differ from what if/kernel.abi makes: "
                  "run make abi and commit them")
            return 1
        print(f"abigen: {', '.join(files)} are what if/kernel.abi makes")
        return 0
    for rel, text in files.items():
        dest = os.path.join(args.out, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest + ".tmp", "w") as f:
            f.write(text)
        os.replace(dest + ".tmp", dest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
