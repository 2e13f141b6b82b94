#!/usr/bin/env python3
"""idlgen: C stubs from an interface definition (if/NAME.if).

    tools/idlgen.py [-o OUTDIR] if/NAME.if ...

writes OUTDIR/if_NAME.h and OUTDIR/if_NAME.c for each file (OUTDIR
defaults to the current directory). The language, the wire format and the
generated API are in docs/interfaces.md; the runtime the stubs call is
lib/idl.h. Errors are reported as FILE:LINE:COL: error: WHAT, and the
exit status is then 1 with no file written. Python 3 standard library only.
"""
import argparse
import os
import re
import sys

# ---------------------------------------------------------------------------
# The language

# name: (C type, how a word decodes to it, how it encodes to a word)
SCALARS = {
    "uint8": ("uint8_t", "(uint8_t)idl_dec_uint(d, UINT8_MAX)", "(uint64_t){}"),
    "uint16": ("uint16_t", "(uint16_t)idl_dec_uint(d, UINT16_MAX)", "(uint64_t){}"),
    "uint32": ("uint32_t", "(uint32_t)idl_dec_uint(d, UINT32_MAX)", "(uint64_t){}"),
    "uint64": ("uint64_t", "idl_dec_word(d)", "{}"),
    "int64": ("int64_t", "(int64_t)idl_dec_word(d)", "(uint64_t){}"),
    "bool": ("bool", "idl_dec_uint(d, 1) != 0", "(uint64_t){}"),
    "err": ("err_t", "(err_t)idl_dec_int(d, INT32_MIN, INT32_MAX)", "(uint64_t)(int64_t){}"),
}
TYPES = list(SCALARS) + ["string", "bytes", "cap"]
# The narrow scalars, with the bits each takes in a word it shares with
# others (layout, below), and how it goes into and comes out of those bits.
NARROW = {
    "uint8": (8, 0xFF, "(uint64_t){}", "(uint8_t)(idl_w >> {})"),
    "uint16": (16, 0xFFFF, "(uint64_t){}", "(uint16_t)(idl_w >> {})"),
    "uint32": (32, 0xFFFFFFFF, "(uint64_t){}", "(uint32_t)(idl_w >> {})"),
    "bool": (8, 0x1, "(uint64_t)({} != 0)", "(idl_w >> {} & 1) != 0"),
    "err": (32, 0xFFFFFFFF, "(uint64_t)(uint32_t){}", "(err_t)(int32_t)(uint32_t)(idl_w >> {})"),
}

STRING_DEFAULT_BOUND = 256      # bytes, without the NUL
MSG_WORDS_MAX = 0xFFFF          # lib/idl.h: IDL_MSG_WORDS_MAX
MSGS_MAX = 256                  # lib/idl.h: IDL_MSGS_MAX
CAPS_MAX = 1                    # per message: rides with one fragment (lib/idl.h)

C_KEYWORDS = set("""auto break case char const continue default do double else enum extern
float for goto if inline int long register restrict return short signed sizeof static struct
switch typedef union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex
_Generic _Imaginary _Noreturn _Static_assert _Thread_local asm typeof bool true false""".split())
# Names the generated code itself uses where the .if's names go.
RESERVED_FIELDS = {"binding"}
RESERVED_MSGS = {"num", "cap_err", "nmsgs", "max_words", "buf_words"}
NAME_RE = re.compile(r"[a-z][a-z0-9_]*\Z")


class IdlError(Exception):
    def __init__(self, path, line, col, msg):
        super().__init__(f"{path}:{line}:{col}: error: {msg}")


class Tok:
    def __init__(self, kind, val, line, col):
        self.kind, self.val, self.line, self.col = kind, val, line, col

    def __repr__(self):
        names = {"eof": "the end of the file", "string": f'"{self.val}"'}
        return names.get(self.kind, f"'{self.val}'")


def lex(path, text):
    """Tokens and comments; a comment is ('comment', text, line, col, end line)."""
    toks, comments = [], []
    i, line, col = 0, 1, 1

    def adv(n):
        nonlocal i, line, col
        for ch in text[i:i + n]:
            if ch == "\n":
                line, col = line + 1, 1
            else:
                col += 1
        i += n

    while i < len(text):
        c = text[i]
        if c in " \t\r\n":
            adv(1)
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise IdlError(path, line, col, "comment is not closed ('*/' missing)")
            l0, c0 = line, col
            body = text[i + 2:end]
            adv(end + 2 - i)
            comments.append((body, l0, c0, line))
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            comments.append((text[i + 2:end], line, col, line))
            adv(end - i)
        elif c.isalpha() or c == "_":
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(text, i)
            toks.append(Tok("ident", m.group(), line, col))
            adv(len(m.group()))
        elif c.isdigit():
            m = re.compile(r"0[xX][0-9A-Fa-f]+|[0-9]+").match(text, i)
            tail = re.compile(r"[A-Za-z0-9_]*").match(text, m.end()).group()
            if tail:
                raise IdlError(path, line, col, f"bad number '{m.group() + tail}'")
            toks.append(Tok("number", int(m.group(), 0), line, col))
            adv(len(m.group()))
        elif c == '"':
            end = i + 1
            while end < len(text) and text[end] not in '"\n':
                end += 1
            if end >= len(text) or text[end] != '"':
                raise IdlError(path, line, col, "string is not closed on its line")
            s = text[i + 1:end]
            if "\\" in s or "*/" in s:
                raise IdlError(path, line, col, "a description may not contain '\\' or '*/'")
            toks.append(Tok("string", s, line, col))
            adv(end + 1 - i)
        elif c in "(),;[]":
            toks.append(Tok("punct", c, line, col))
            adv(1)
        else:
            raise IdlError(path, line, col, f"unexpected character {c!r}")
    toks.append(Tok("eof", "", line, col))
    return toks, comments


class Field:
    def __init__(self, tok, type_, name, bound, give, direction):
        self.tok, self.type, self.name, self.bound = tok, type_, name, bound
        self.give, self.dir = give, direction

    def words(self):
        """(min, max) words on the wire."""
        if self.type in SCALARS:
            return 1, 1
        if self.type == "string":
            return 2, 1 + (self.bound + 1 + 7) // 8
        if self.type == "bytes":
            return 1, 1 + (self.bound + 7) // 8
        return 0, 0                                     # cap: beside the words

    def spec(self):
        """The declaration as written, for comments."""
        s = ("give " if self.give else "") + f"{self.type} {self.name}"
        if self.type == "bytes" or (self.type == "string" and self.bound != STRING_DEFAULT_BOUND):
            s += f"[{self.bound}]"
        return s


def layout(fields):
    """The words a message's fields take, in order: each a list of (field,
    bit offset). Narrow scalars that follow one another share a word, each
    at the lowest offset past the one before that is a multiple of its
    width, as long as it fits; any other field begins a word. A word that
    holds one field holds it as that field's own word (an err
    sign-extended). Capabilities take no word."""
    words, used = [], None
    for f in fields:
        if f.type == "cap":
            continue
        width = NARROW[f.type][0] if f.type in NARROW else None
        if width and used is not None:
            off = -(-used // width) * width
            if off + width <= 64:
                words[-1].append((f, off))
                used = off + width
                continue
        words.append([(f, 0)])
        used = width
    return words


class Decl:
    def __init__(self, kind, tok, name, fields, doc):
        self.kind, self.tok, self.name, self.fields, self.doc = kind, tok, name, fields, doc


class Parser:
    def __init__(self, path, text):
        self.path = path
        self.toks, comments = lex(path, text)
        self.comments = comments
        self.i = 0

    def err(self, tok, msg):
        return IdlError(self.path, tok.line, tok.col, msg)

    def peek(self, k=0):
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def next(self):
        t = self.peek()
        self.i += 1
        return t

    def expect(self, val, what):
        t = self.next()
        if t.val != val or t.kind not in ("punct", "ident"):
            raise self.err(t, f"expected '{val}' {what}, found {t!r}")
        return t

    def ident(self, what):
        t = self.next()
        if t.kind != "ident":
            raise self.err(t, f"expected {what}, found {t!r}")
        return t

    def doc_for(self, tok, prev_end):
        """The comments that document the declaration starting at `tok`: those
        after the previous declaration's end (line, col) and before `tok`,
        except one that starts on the previous declaration's last line (that
        one trails the previous declaration)."""
        out = []
        for body, l0, c0, l1 in self.comments:
            if l0 > prev_end[0] and (l1, c0) < (tok.line, tok.col):
                out.append(body)
        return clean_comment("\n".join(out))

    def trailing(self, end):
        """A comment after a declaration's ';', on the same line."""
        out = []
        for body, l0, c0, l1 in self.comments:
            if l0 == end[0] and c0 > end[1]:
                out.append(body)
        return clean_comment("\n".join(out))

    def parse(self):
        t = self.peek()
        if t.val != "interface":
            raise self.err(t, f"expected 'interface NAME;' first, found {t!r}")
        iface_doc = self.doc_for(t, (0, 0))
        self.next()
        name = self.ident("the interface's name")
        desc = ""
        if self.peek().kind == "string":
            desc = self.next().val
        self.paired = False
        if self.peek().kind == "ident" and self.peek().val == "paired":
            self.next()
            self.paired = True
        end = self.expect(";", "after the interface's name (and its description, and "
                               "'paired')")
        decls, prev_end = [], (end.line, end.col)
        while self.peek().kind != "eof":
            t = self.peek()
            if t.val not in ("message", "rpc") or t.kind != "ident":
                raise self.err(t, f"expected 'message' or 'rpc', found {t!r}")
            doc = self.doc_for(t, prev_end)
            self.next()
            dname = self.ident(f"a name after '{t.val}'")
            self.expect("(", f"after {t.val} {dname.val}")
            fields = []
            if self.peek().val != ")":
                fields.append(self.field(t.val))
                while self.peek().val == ",":
                    self.next()
                    fields.append(self.field(t.val))
            self.expect(")", "after the fields (or ',' between them)")
            end = self.expect(";", f"after {t.val} {dname.val}(...)")
            prev_end = (end.line, end.col)
            doc = "\n".join(x for x in (doc, self.trailing(prev_end)) if x)
            decls.append(Decl(t.val, dname, dname.val, fields, doc))
        return name, desc, iface_doc, decls

    def field(self, kind):
        first = self.peek()
        direction = None
        if first.kind == "ident" and first.val in ("in", "out") and self.peek(1).kind == "ident" \
                and (self.peek(1).val in TYPES or self.peek(1).val == "give"):
            direction = self.next().val
        give = False
        if self.peek().val == "give" and self.peek(1).kind == "ident":
            give_tok = self.next()
            give = True
            if self.peek().val != "cap":
                raise self.err(give_tok, f"'give' applies to capabilities only ('give cap NAME'), "
                                         f"not to {self.peek()!r}")
        ttok = self.ident("a type")
        if ttok.val not in TYPES:
            raise self.err(ttok, f"unknown type '{ttok.val}' (known: {', '.join(TYPES)})")
        ntok = self.ident(f"a field name after '{ttok.val}'")
        bound = None
        if self.peek().val == "[":
            btok = self.next()
            num = self.next()
            if num.kind != "number":
                raise self.err(num, f"expected a number in '[...]', found {num!r}")
            self.expect("]", "after the bound")
            if ttok.val not in ("string", "bytes"):
                raise self.err(btok, f"only string and bytes take a bound, not {ttok.val}")
            if num.val < 1:
                raise self.err(num, f"the bound of '{ntok.val}' must be at least 1")
            bound = num.val
        if ttok.val == "bytes" and bound is None:
            raise self.err(ntok, f"bytes '{ntok.val}' needs a bound: bytes {ntok.val}[N]")
        if ttok.val == "string" and bound is None:
            bound = STRING_DEFAULT_BOUND
        if kind == "rpc" and direction is None:
            raise self.err(first, f"an rpc's field needs 'in' or 'out' before it, found {first!r}")
        if kind == "message" and direction is not None:
            raise self.err(first, f"'{direction}' is for rpc fields; a message's fields "
                                  f"only go one way")
        return Field(ntok, ttok.val, ntok.val, bound, give, direction)


def clean_comment(s):
    """A comment's text, ready to be put back into a C comment."""
    lines = []
    for ln in s.replace("*/", "* /").splitlines():
        ln = ln.strip()
        if ln.startswith("*"):
            ln = ln[1:].strip()
        lines.append(ln)
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Checks and the message table

class Msg:
    """One message number: a message, or an rpc's call or reply."""

    def __init__(self, num, name, kind, fields, doc, rpc=None, paired=False):
        self.num, self.name, self.kind, self.fields, self.doc, self.rpc = \
            num, name, kind, fields, doc, rpc
        self.words = [f for f in fields if f.type != "cap"]
        self.cap = next((f for f in fields if f.type == "cap"), None)
        # An rpc's call and reply carry the call's id first, unless the
        # interface is paired (its transport pairs a call with its reply).
        self.has_id = kind != "message" and not paired
        extra = 1 if self.has_id else 0
        self.layout = layout(fields)
        self.min_words = extra + sum(1 if len(w) > 1 else w[0][0].words()[0]
                                     for w in self.layout)
        self.max_words = extra + sum(1 if len(w) > 1 else w[0][0].words()[1]
                                     for w in self.layout)

    def sig(self):
        return f"{self.name}({', '.join(f.spec() for f in self.fields)})"


def check_name(p, tok, what, reserved):
    n = tok.val
    if not NAME_RE.match(n):
        raise p.err(tok, f"{what} '{n}' must be lower case: letters, digits and '_', "
                         f"starting with a letter")
    if n in C_KEYWORDS or n in reserved or n.startswith("idl_") or n.startswith("if_") \
            or n.endswith("_t"):
        also = f", and {', '.join(sorted(reserved))}" if reserved else ""
        raise p.err(tok, f"{what} '{n}' is reserved (C keywords, names ending in '_t' or "
                         f"starting with 'idl_' or 'if_'{also})")


def analyse(p, path):
    name_tok, desc, doc, decls = p.parse()
    stem = os.path.splitext(os.path.basename(path))[0]
    check_name(p, name_tok, "the interface's name", set())
    if name_tok.val != stem:
        raise p.err(name_tok, f"interface '{name_tok.val}' must be in a file named "
                              f"{name_tok.val}.if (this is {os.path.basename(path)})")
    if not decls:
        raise p.err(p.peek(), f"interface '{name_tok.val}' declares no message or rpc")
    msgs, seen = [], {}

    def claim(name, tok, why):
        if name in seen:
            t, w = seen[name]
            raise p.err(tok, f"duplicate name '{name}'{why}: already used at "
                             f"{path}:{t.line}:{t.col}{w}")
        seen[name] = (tok, why)

    for d in decls:
        check_name(p, d.tok, f"{d.kind} name", RESERVED_MSGS)
        fnames = {}
        for f in d.fields:
            check_name(p, f.tok, "field name", RESERVED_FIELDS)
            # A bytes field NAME is NAME and NAME_len in C.
            for n in [f.name] + ([f.name + "_len"] if f.type == "bytes" else []):
                if n in fnames:
                    t = fnames[n]
                    why = " (a bytes field NAME also takes NAME_len)" if n.endswith("_len") else ""
                    raise p.err(f.tok, f"duplicate field '{n}' in {d.name}{why}: already used "
                                       f"at {path}:{t.line}:{t.col}")
                fnames[n] = f.tok
        if d.kind == "message":
            claim(d.name, d.tok, "")
            parts = [(d.name, "message", d.fields)]
        else:
            claim(d.name + "_call", d.tok, f" (rpc {d.name}'s call)")
            claim(d.name + "_reply", d.tok, f" (rpc {d.name}'s reply)")
            parts = [(d.name + "_call", "call", [f for f in d.fields if f.dir == "in"]),
                     (d.name + "_reply", "reply", [f for f in d.fields if f.dir == "out"])]
        for mname, kind, fields in parts:
            caps = [f for f in fields if f.type == "cap"]
            if len(caps) > CAPS_MAX:
                raise p.err(caps[CAPS_MAX].tok,
                            f"{mname} carries more than {CAPS_MAX} capability "
                            f"(one per message: LMP moves one per message, and it rides "
                            f"with one fragment)")
            m = Msg(len(msgs), mname, kind, fields, d.doc, d.name if kind != "message" else None,
                    p.paired)
            if m.max_words > MSG_WORDS_MAX:
                raise p.err(d.tok, f"{mname} can be {m.max_words} words long; at most "
                                   f"{MSG_WORDS_MAX} fit a message")
            msgs.append(m)
        if len(msgs) > MSGS_MAX:
            raise p.err(d.tok, f"more than {MSGS_MAX} message numbers (each rpc takes two)")
    return name_tok.val, desc, doc, decls, msgs


# ---------------------------------------------------------------------------
# C

def c_comment(text, indent="", width=76):
    """A block comment from free text, wrapped; '' when there is none."""
    if not text:
        return ""
    out = []
    for para in text.split("\n"):
        words, line = para.split(), ""
        if not words:
            out.append("")
            continue
        for w in words:
            if line and len(indent) + 3 + len(line) + 1 + len(w) > width:
                out.append(line)
                line = w
            else:
                line = (line + " " + w).strip()
        out.append(line)
    if len(out) == 1 and len(indent) + 6 + len(out[0]) <= width:
        return f"{indent}/* {out[0]} */\n"
    body = "".join(f"{indent} * {ln}".rstrip() + "\n" for ln in out)
    return f"{indent}/*\n{body}{indent} */\n"


def send_params(fields):
    ps = []
    for f in fields:
        if f.type in SCALARS:
            ps.append(f"{SCALARS[f.type][0]} {f.name}")
        elif f.type == "string":
            ps.append(f"const char *{f.name}")
        elif f.type == "bytes":
            ps += [f"const void *{f.name}", f"size_t {f.name}_len"]
        else:
            ps.append(f"capaddr_t {f.name}")
    return ps


def out_params(fields):
    ps = []
    for f in fields:
        if f.type in SCALARS:
            ps.append(f"{SCALARS[f.type][0]} *{f.name}")
        elif f.type == "string":
            ps.append(f"const char **{f.name}")
        elif f.type == "bytes":
            ps += [f"const uint8_t **{f.name}", f"size_t *{f.name}_len"]
        else:
            ps.append(f"capaddr_t *{f.name}")
    return ps


def members(fields):
    """The decoded form: (C declaration, names) per field."""
    out = []
    for f in fields:
        if f.type in SCALARS:
            out.append(f"{SCALARS[f.type][0]} {f.name};")
        elif f.type == "string":
            out.append(f"const char *{f.name};\t/* NUL-terminated, in the receive buffer */")
        elif f.type == "bytes":
            out.append(f"const uint8_t *{f.name};\t/* in the receive buffer */")
            out.append(f"size_t {f.name}_len;")
        else:
            out.append(f"capaddr_t {f.name};\t/* IDL_CAP_NONE if it did not come: cap_err */")
    return out


def handler_params(fields):
    """A handler's parameters: the decoded fields."""
    ps = []
    for f in fields:
        if f.type in SCALARS:
            ps.append(f"{SCALARS[f.type][0]} {f.name}")
        elif f.type == "string":
            ps.append(f"const char *{f.name}")
        elif f.type == "bytes":
            ps += [f"const uint8_t *{f.name}", f"size_t {f.name}_len"]
        else:
            ps.append(f"capaddr_t {f.name}")
    return ps


def handler_args(m):
    """The arguments a dispatcher passes to message m's handler."""
    args = []
    for f in m.fields:
        args.append(f"m->{m.name}.{f.name}")
        if f.type == "bytes":
            args.append(f"m->{m.name}.{f.name}_len")
    return args


def proto(head, params, indent=""):
    """`head` (up to and with its '(') and the parameters, wrapped before 100
    columns with continuation lines aligned after the '(', kernel style."""
    col = len(indent.expandtabs(8)) + len(head)
    cont = "\t" * (col // 8) + " " * (col % 8)
    lines, line = [], indent + head
    for i, p in enumerate(params):
        piece = p + ("," if i < len(params) - 1 else ")")
        if line.strip() != head.strip() and len(line.expandtabs(8)) + 1 + len(piece) > 99:
            lines.append(line)
            line = cont + piece
        else:
            line += ("" if line.endswith("(") else " ") + piece
    if not params:
        line += "void)"
    return "\n".join(lines + [line])


def encode_lines(m):
    """The encoder's lines for message m's words, as m.layout lays them out."""
    out = []
    for word in m.layout:
        f = word[0][0]
        if len(word) > 1:
            parts = [NARROW[g.type][2].format(g.name) + (f" << {off}" if off else "")
                     for g, off in word]
            out.append(proto("\tidl_enc_word(", ["&idl_e"] + [" | ".join(parts)]) + ";")
        elif f.type in SCALARS:
            out.append(f"\tidl_enc_word(&idl_e, {SCALARS[f.type][2].format(f.name)});")
        elif f.type == "string":
            out.append(f"\tidl_enc_string(&idl_e, {f.name}, {f.bound});")
        elif f.type == "bytes":
            out.append(f"\tidl_enc_bytes(&idl_e, {f.name}, {f.name}_len, {f.bound});")
    return out


def cap_arg(m):
    if not m.cap:
        return "IDL_CAP_NONE, false"
    return f"{m.cap.name}, {'true' if m.cap.give else 'false'}"


def wire_words(m):
    if m.min_words == m.max_words:
        return f"{m.min_words} word{'s' if m.min_words != 1 else ''}"
    return f"{m.min_words} to {m.max_words} words"


def gen_header(name, desc, doc, decls, msgs, src):
    N, up = name, name.upper()
    maxw = max(m.max_words for m in msgs)
    o = [f"/*\n * Generated by tools/idlgen.py from {src}: do not edit; edit the .if file.\n",
         f" * interface {name}" + (f": {desc}" if desc else "") + "\n"]
    if doc:
        o.append(" *\n" + "".join(f" * {ln}".rstrip() + "\n" for ln in doc.splitlines()))
    if any(m.kind != "message" and not m.has_id for m in msgs):
        o.append(" *\n * Paired: its transport pairs each call with its reply, so an rpc's call\n"
                 " * and reply carry no id word.\n")
    o.append(" *\n * Message numbers and lengths on the wire (lib/idl.h has the fragment\n"
             " * header; docs/interfaces.md the encoding):\n *\n")
    for m in msgs:
        o.append(f" *\t{m.num:3}  {m.sig()}: {wire_words(m)}"
                 + (", a capability" if m.cap else "") + "\n")
    o.append(" */\n")
    o.append(f"#ifndef IF_{up}_IF_H\n#define IF_{up}_IF_H\n\n#include \"lib/idl.h\"\n\n")

    o.append("/* Message numbers, in declaration order; an rpc is a call and a reply. */\n")
    o.append(f"enum if_{N}_num {{\n")
    for m in msgs:
        o.append(f"\tIF_{up}_{m.name.upper()} = {m.num},\n")
    o.append(f"\tIF_{up}_NMSGS = {len(msgs)}\n}};\n\n")
    o.append("/* The longest message, in words: what a binding's buffers hold. */\n")
    o.append(f"#define IF_{up}_MAX_WORDS\t{maxw}\n\n")
    o.append(f"extern const struct idl_iface if_{N}_iface;\n\n")

    o.append(c_comment(
        f"A binding with buffers of the right size. Bind it with if_{N}_init over a "
        "transport (&idl_urpc_transport and a struct idl_urpc, &idl_lmp_transport and a "
        "struct idl_lmp, ...) and a wait hook (lib/idl.h), then pass &ib.b to the "
        "functions below."))
    o.append(f"struct if_{N}_binding {{\n\tstruct idl_binding b;\n"
             f"\tuint64_t tx[{max(maxw, 1)}];\n\tuint64_t rx[{max(maxw, 1)}];\n}};\n\n")
    o.append(proto(f"err_t if_{N}_init(", [f"struct if_{N}_binding *ib",
                                           "const struct idl_transport *tr", "void *tp",
                                           "idl_wait_fn wait"]) + ";\n\n")

    o.append(c_comment(
        "A received message: `num` says which member of the union holds it. Strings "
        "and byte arrays point into the binding's receive buffer and stay valid until "
        "the next receive on the binding; a capability is now the receiver's, to keep "
        "or delete."))
    o.append(f"struct if_{N}_msg {{\n\tenum if_{N}_num num;\n"
             "\terr_t cap_err;\t\t/* why an announced capability did not come */\n"
             "\tuint64_t idl_id;\t/* calls and replies: the call's id */\n")
    with_fields = [m for m in msgs if m.fields]
    if with_fields:
        o.append("\tunion {\n")
        for m in with_fields:
            o.append("\t\tstruct {\n" + "".join(f"\t\t\t{x}\n" for x in members(m.fields))
                     + f"\t\t}} {m.name};\n")
        o.append("\t};\n")
    o.append("};\n\n")

    o.append(c_comment(
        "Sending. Each function marshals its message and sends all of it (idl_send in "
        "lib/idl.h): OK; or an error, with nothing sent, when the first fragment could "
        "not go (ERR_WOULD_BLOCK, the wait hook's error, ERR_UNSUPPORTED for a "
        "capability the transport cannot move; on a cap_last transport a capability "
        "refused goes with the last fragment, idl_send says what then) or an argument "
        "is bad (ERR_INVALID_ARG: a string or byte array over its bound, or NULL)."))
    for d in decls:
        o.append("\n")
        if d.kind == "message":
            m = next(x for x in msgs if x.name == d.name)
            o.append(c_comment(f"{m.sig()}" + (f": {d.doc}" if d.doc else "")))
            o.append(proto(f"err_t if_{N}_{m.name}_send(",
                           ["struct idl_binding *binding"] + send_params(m.fields)) + ";\n")
            continue
        call = next(x for x in msgs if x.name == d.name + "_call")
        reply = next(x for x in msgs if x.name == d.name + "_reply")
        spec = ", ".join(f"{f.dir} {f.spec()}" for f in d.fields)
        o.append(c_comment(
            f"rpc {d.name}({spec})" + (f": {d.doc}" if d.doc else "") + "\n"
            f"if_{N}_{d.name}_call sends the call and waits for its reply (the wait "
            f"hook runs between looks); out pointers may be NULL. The server answers "
            f"the call it received last with if_{N}_{d.name}_reply."))
        o.append(proto(f"err_t if_{N}_{d.name}_call(",
                       ["struct idl_binding *binding"] + send_params(call.fields)
                       + out_params(reply.fields)) + ";\n")
        o.append(proto(f"err_t if_{N}_{d.name}_reply(",
                       ["struct idl_binding *binding"] + send_params(reply.fields)) + ";\n")

    o.append("\n" + c_comment(
        "Receiving, never blocking: OK and *m once a whole message came; "
        "ERR_WOULD_BLOCK (also while a call on this binding waits for its reply); "
        "ERR_BAD_MESSAGE when something was refused (binding->bad counts it; call "
        "again); or the transport's error."))
    o.append(f"err_t if_{N}_recv(struct idl_binding *binding, struct if_{N}_msg *m);\n\n")

    o.append(c_comment(
        "Handlers, one per message, taking its fields (NULL: not handled). A call's "
        "handler answers with the matching _reply function."))
    o.append(f"struct if_{N}_handlers {{\n")
    for m in msgs:
        o.append(proto(f"err_t (*{m.name})(", ["struct idl_binding *binding"]
                       + handler_params(m.fields), "\t") + ";\n")
    o.append("};\n\n")
    o.append(c_comment(
        "Calls the handler for *m and returns what it returns; ERR_UNSUPPORTED when "
        "there is none (a capability that came with the message is then dropped)."))
    o.append(proto(f"err_t if_{N}_dispatch(",
                   ["struct idl_binding *binding", f"const struct if_{N}_msg *m",
                    f"const struct if_{N}_handlers *h"]) + ";\n\n")
    o.append(c_comment(
        "Receives and dispatches every whole message there is now; refused ones are "
        "counted in binding->bad, handler errors in binding->refused. OK, or the "
        "transport's error."))
    o.append(proto(f"err_t if_{N}_poll(", ["struct idl_binding *binding",
                                            f"const struct if_{N}_handlers *h"]) + ";\n\n")
    o.append(c_comment(
        "Handlers for messages that come while a call waits for its reply (without "
        "them such messages are dropped: binding->dropped). They must not call on the "
        "same binding."))
    o.append(proto(f"static inline void if_{N}_set_handlers(",
                   ["struct idl_binding *binding", f"const struct if_{N}_handlers *h"])
             + "\n{\n\tbinding->handlers = h;\n}\n")
    o.append("\n#endif\n")
    return "".join(o)


def gen_sender(N, up, m, o):
    o.append("\n" + proto(f"err_t if_{N}_{m.name}_send(",
                          ["struct idl_binding *binding"] + send_params(m.fields)) + "\n{\n")
    o.append("\tstruct idl_enc idl_e;\n\n\tidl_enc_begin(&idl_e, binding);\n")
    o += [x + "\n" for x in encode_lines(m)]
    o.append(f"\treturn idl_enc_send(&idl_e, IF_{up}_{m.name.upper()}, {cap_arg(m)});\n}}\n")


def gen_rpc(N, up, d, call, reply, o):
    o.append("\n" + proto(f"err_t if_{N}_{d.name}_call(",
                          ["struct idl_binding *binding"] + send_params(call.fields)
                          + out_params(reply.fields)) + "\n{\n")
    o.append(f"\tstruct idl_enc idl_e;\n\tstruct if_{N}_msg idl_m;\n\terr_t idl_err;\n\n")
    o.append("\tidl_enc_begin(&idl_e, binding);\n")
    if call.has_id:
        o.append("\tidl_enc_word(&idl_e, idl_next_call_id(binding));\t/* the reply echoes it */\n")
    o += [x + "\n" for x in encode_lines(call)]
    o.append(f"\tidl_err = idl_enc_send(&idl_e, IF_{up}_{call.name.upper()}, {cap_arg(call)});\n"
             "\tif (idl_err)\n\t\treturn idl_err;\n"
             f"\tidl_err = await_reply(binding, IF_{up}_{reply.name.upper()}, &idl_m);\n"
             "\tif (idl_err)\n\t\treturn idl_err;\n")
    for f in reply.fields:
        got = f"idl_m.{reply.name}.{f.name}"
        o.append(f"\tif ({f.name})\n\t\t*{f.name} = {got};\n")
        if f.type == "cap":
            o.append(f"\telse\n\t\tidl_drop_cap(binding, {got});\t/* not wanted */\n")
        if f.type == "bytes":
            o.append(f"\tif ({f.name}_len)\n\t\t*{f.name}_len = {got}_len;\n")
    o.append("\treturn OK;\n}\n")
    o.append("\n" + proto(f"err_t if_{N}_{d.name}_reply(",
                          ["struct idl_binding *binding"] + send_params(reply.fields)) + "\n{\n")
    o.append("\tstruct idl_enc idl_e;\n\n\tidl_enc_begin(&idl_e, binding);\n")
    if reply.has_id:
        o.append("\tidl_enc_word(&idl_e, binding->reply_id);\t/* the call's id, echoed */\n")
    o += [x + "\n" for x in encode_lines(reply)]
    o.append(f"\treturn idl_enc_send(&idl_e, IF_{up}_{reply.name.upper()}, "
             f"{cap_arg(reply)});\n}}\n")


def gen_decoder(N, m, o):
    o.append(f"\n/* {m.sig()}: {wire_words(m)}" + (" and a capability" if m.cap else "") + " */\n")
    o.append(f"static void decode_{m.name}(struct idl_dec *d, const struct idl_rmsg *r, "
             f"struct if_{N}_msg *m)\n{{\n")
    if any(len(w) > 1 for w in m.layout):
        o.append("\tuint64_t idl_w;\t\t/* a word that narrow fields share */\n\n")
    if m.has_id:
        o.append("\tm->idl_id = idl_dec_word(d);\n")
    if not m.has_id and not m.words:
        o.append("\t(void)d;\n")
    if not m.has_id and not m.fields:
        o.append("\t(void)m;\n")
    if not m.cap:
        o.append("\t(void)r;\n")
    for word in m.layout:
        f = word[0][0]
        dst = f"m->{m.name}.{f.name}"
        if len(word) > 1:
            mask = 0
            for g, off in word:
                mask |= NARROW[g.type][1] << off
            o.append(f"\tidl_w = idl_dec_packed(d, {mask:#x}ull);\n")
            for g, off in word:
                o.append(f"\tm->{m.name}.{g.name} = {NARROW[g.type][3].format(off)};\n")
        elif f.type in SCALARS:
            o.append(f"\t{dst} = {SCALARS[f.type][1]};\n")
        elif f.type == "string":
            o.append(f"\t{dst} = idl_dec_string(d, {f.bound});\n")
        elif f.type == "bytes":
            o.append(f"\t{dst} = idl_dec_bytes(d, {f.bound}, &{dst}_len);\n")
    if m.cap:
        o.append(f"\tm->{m.name}.{m.cap.name} = r->cap;\n")
    o.append("}\n")


def gen_source(name, decls, msgs, src):
    N, up = name, name.upper()
    caps = [m for m in msgs if m.cap]
    has_rpc = any(m.kind == "call" for m in msgs)
    o = [f"/*\n * Generated by tools/idlgen.py from {src}: do not edit; edit the .if file.\n"
         f" * The API is in if_{N}.h, the runtime in lib/idl.c.\n */\n"
         f"#include \"if_{N}.h\"\n\n"]
    o.append("/* What the runtime checks a message's first fragment against. */\n")
    o.append(f"static const struct idl_msg_desc msgs[IF_{up}_NMSGS] = {{\n")
    kinds = {"message": "IDL_MESSAGE", "call": "IDL_CALL", "reply": "IDL_REPLY"}
    for m in msgs:
        o.append(f"\t[IF_{up}_{m.name.upper()}] = {{ \"{m.name}\", {m.min_words}, {m.max_words}, "
                 f"{1 if m.cap else 0}, {kinds[m.kind]} }},\n")
    o.append("};\n\n")
    o.append(f"const struct idl_iface if_{N}_iface = {{\n\t.name = \"{N}\",\n"
             f"\t.nmsgs = IF_{up}_NMSGS,\n\t.msgs = msgs,\n"
             f"\t.max_words = IF_{up}_MAX_WORDS,\n}};\n\n")
    o.append(proto(f"err_t if_{N}_init(", [f"struct if_{N}_binding *ib",
                                           "const struct idl_transport *tr", "void *tp",
                                           "idl_wait_fn wait"]) + "\n{\n")
    o.append(f"\treturn idl_binding_init(&ib->b, &if_{N}_iface, tr, tp, ib->tx, ib->rx,\n"
             f"\t\t\t\tsizeof(ib->tx) / sizeof(ib->tx[0]), wait);\n}}\n")
    if has_rpc:
        o.append("\n" + c_comment(
            "Waits for reply `num` to the call just sent (below, with the receiving "
            "side)."))
        o.append(f"static err_t await_reply(struct idl_binding *binding, unsigned num, "
                 f"struct if_{N}_msg *m);\n")

    o.append("\n/* ---- Sending ---- */\n")
    for d in decls:
        if d.kind == "message":
            gen_sender(N, up, next(x for x in msgs if x.name == d.name), o)
        else:
            gen_rpc(N, up, d, next(x for x in msgs if x.name == d.name + "_call"),
                    next(x for x in msgs if x.name == d.name + "_reply"), o)

    o.append("\n/* ---- Receiving ---- */\n")
    for m in msgs:
        gen_decoder(N, m, o)
    o.append("\n" + c_comment(
        "Decodes a whole message from the runtime; a refused one is counted and its "
        "capability dropped. A call's id is kept for its reply."))
    o.append(f"static err_t decode(struct idl_binding *binding, const struct idl_rmsg *r, "
             f"struct if_{N}_msg *m)\n{{\n\tstruct idl_dec d;\n\n\tidl_dec_begin(&d, r);\n"
             f"\tm->num = (enum if_{N}_num)r->num;\n\tm->cap_err = r->cap_err;\n"
             "\tm->idl_id = 0;\n\tswitch (r->num) {\n")
    for m in msgs:
        o.append(f"\tcase IF_{up}_{m.name.upper()}:\n\t\tdecode_{m.name}(&d, r, m);\n\t\tbreak;\n")
    o.append("\tdefault:\n\t\td.bad = true;\t/* idl_recv checked the number: cannot happen */\n"
             "\t\tbreak;\n\t}\n\tif (idl_dec_end(&d)) {\n\t\tidl_reject(binding, r);\n"
             "\t\treturn ERR_BAD_MESSAGE;\n\t}\n"
             "\tif (binding->iface->msgs[r->num].kind == IDL_CALL)\n"
             "\t\tbinding->reply_id = m->idl_id;\n\treturn OK;\n}\n\n")

    o.append(proto(f"err_t if_{N}_recv(", ["struct idl_binding *binding",
                                            f"struct if_{N}_msg *m"]) + "\n{\n")
    o.append("\tstruct idl_rmsg r;\n\terr_t err;\n\n"
             "\tif (binding->in_call)\n\t\treturn ERR_WOULD_BLOCK;\t/* the call's, not ours */\n"
             "\tif ((err = idl_recv(binding, &r)))\n\t\treturn err;\n"
             "\treturn decode(binding, &r, m);\n}\n")

    if caps:
        o.append("\n/* Gives back the capability of a message nobody takes. */\n")
        o.append(f"static void drop_cap(struct idl_binding *binding, const struct if_{N}_msg *m)\n"
                 "{\n\tswitch (m->num) {\n")
        for m in caps:
            o.append(f"\tcase IF_{up}_{m.name.upper()}:\n"
                     f"\t\tidl_drop_cap(binding, m->{m.name}.{m.cap.name});\n\t\tbreak;\n")
        o.append("\tdefault:\n\t\tbreak;\n\t}\n}\n")

    o.append("\n" + proto(f"err_t if_{N}_dispatch(",
                          ["struct idl_binding *binding", f"const struct if_{N}_msg *m",
                           f"const struct if_{N}_handlers *h"]) + "\n{\n")
    o.append("\tswitch (h ? m->num : IF_%s_NMSGS) {\n" % up)
    for m in msgs:
        o.append(f"\tcase IF_{up}_{m.name.upper()}:\n\t\tif (h->{m.name})\n")
        o.append(proto(f"h->{m.name}(", ["binding"] + handler_args(m), "\t\t\treturn ")
                 + ";\n\t\tbreak;\n")
    o.append("\tdefault:\n\t\tbreak;\n\t}\n")
    if caps:
        o.append("\tdrop_cap(binding, m);\n")
    o.append("\treturn ERR_UNSUPPORTED;\n}\n\n")

    o.append(proto(f"err_t if_{N}_poll(", ["struct idl_binding *binding",
                                            f"const struct if_{N}_handlers *h"]) + "\n{\n")
    o.append(f"\tstruct if_{N}_msg m;\n\terr_t err;\n\n"
             f"\twhile ((err = if_{N}_recv(binding, &m)) != ERR_WOULD_BLOCK) {{\n"
             "\t\tif (err == ERR_BAD_MESSAGE)\n\t\t\tcontinue;\t/* counted; go on serving */\n"
             "\t\tif (err)\n\t\t\treturn err;\n"
             f"\t\tif (if_{N}_dispatch(binding, &m, h))\n\t\t\tbinding->refused++;\n"
             "\t}\n\treturn OK;\n}\n")

    paired = any(not m.has_id for m in msgs if m.kind != "message")
    if has_rpc:
        o.append("\n" + c_comment(
            "Waits for reply `num` to the call just sent, the wait hook running between "
            "looks. Messages that come meanwhile go to the binding's handlers "
            f"(if_{N}_set_handlers) or are dropped; refused messages, and stale replies "
            "of a call that gave up, are skipped: the reply may still come."))
        o.append(f"static err_t await_reply(struct idl_binding *binding, unsigned num, "
                 f"struct if_{N}_msg *m)\n{{\n")
        o.append(f"\tconst struct if_{N}_handlers *h = binding->handlers;\n"
                 "\tbool outer = binding->in_call;\n\tstruct idl_rmsg r;\n\terr_t err;\n\n"
                 "\tbinding->in_call = true;\n\tfor (;;) {\n"
                 "\t\terr = idl_recv_wait(binding, &r);\n"
                 "\t\tif (err == ERR_BAD_MESSAGE)\n\t\t\tcontinue;\n"
                 "\t\tif (err)\n\t\t\tbreak;\n"
                 "\t\tif (decode(binding, &r, m))\n\t\t\tcontinue;\n"
                 + ("\t\tif (m->num == num)\t/* paired: the transport's reply */\n\t\t\tbreak;\n"
                    if paired else
                    "\t\tif (m->num == num && m->idl_id == binding->call_id)\n\t\t\tbreak;\n") +
                 "\t\tif (binding->iface->msgs[m->num].kind != IDL_REPLY && h) {\n"
                 f"\t\t\tif (if_{N}_dispatch(binding, m, h))\n\t\t\t\tbinding->refused++;\n"
                 "\t\t\tcontinue;\n\t\t}\n"
                 "\t\tidl_drop_cap(binding, r.cap);\n\t\tbinding->dropped++;\n\t}\n"
                 "\tbinding->in_call = outer;\n\treturn err;\n}\n")
    return "".join(o)


def generate(path, outdir):
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise IdlError(path, 1, 1, f"cannot read: {e}")
    p = Parser(path, text)
    name, desc, doc, decls, msgs = analyse(p, path)
    src = os.path.relpath(path) if not os.path.isabs(path) else path
    src = src if not src.startswith("..") else os.path.basename(path)
    return {f"if_{name}.h": gen_header(name, desc, doc, decls, msgs, src),
            f"if_{name}.c": gen_source(name, decls, msgs, src)}


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--outdir", default=".", help="where if_NAME.h and if_NAME.c go")
    ap.add_argument("files", nargs="+", metavar="NAME.if")
    a = ap.parse_args(argv)
    outputs = {}
    try:
        for path in a.files:
            outputs.update(generate(path, a.outdir))
    except IdlError as e:
        print(e, file=sys.stderr)
        return 1
    os.makedirs(a.outdir, exist_ok=True)
    for fname, text in outputs.items():
        dst = os.path.join(a.outdir, fname)
        with open(dst + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(dst + ".tmp", dst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
