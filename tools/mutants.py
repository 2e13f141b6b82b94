#!/usr/bin/env python3
"""Mutation checks: break the code a check guards, and see the check fail.

Every check in Flotilla was shown to fail once by breaking what it guards
(docs/testing.md, "Checks and how they fail"). Each such break is kept as
a mutant, tests/mutants/NAME.patch: a few header lines, then a diff.

    Mutant: what the patch breaks, in a sentence
    Guards: the check that must catch it
    Run: the shell command that runs that check (in the mutated copy)
    Expect: a regular expression its output must match (the check's FAIL)
    ---
    diff --git a/... b/...

`mutants.py` copies the working tree's tracked files into
build/mutants/NAME/, applies the patch there and runs the command: the
mutant is *killed* (PASS mutants/NAME) when the output matches Expect, and
*survives* (FAIL mutants/NAME: ...) otherwise, which means the check
cannot fail any more. The tree itself is never touched.

    tools/mutants.py                 every mutant (make mutants)
    tools/mutants.py NAME...         some of them
    tools/mutants.py --check         only that every patch still applies
                                     (cheap; run by make test)
    tools/mutants.py --list          names and what each breaks
    tools/mutants.py --table         the same as the table in docs/testing.md
                                     (make test checks that the two agree)
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MUTANTS = os.path.join(ROOT, "tests", "mutants")
FIELDS = ("Mutant", "Guards", "Run", "Expect")


class Bad(Exception):
    pass


def load(path):
    """The header fields and the diff of one mutant file."""
    with open(path) as f:
        text = f.read()
    head, sep, diff = text.partition("\n---\n")
    if not sep or "diff --git" not in diff:
        raise Bad("no '---' line followed by a diff")
    fields = {}
    for line in head.splitlines():
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon or key not in FIELDS:
            raise Bad(f"unknown header line {line!r} (want {', '.join(FIELDS)})")
        fields[key] = (fields.get(key, "") + " " + value.strip()).strip()
    missing = [k for k in FIELDS if not fields.get(k)]
    if missing:
        raise Bad("no " + ", ".join(missing))
    try:
        re.compile(fields["Expect"], re.M)
    except re.error as e:
        raise Bad(f"Expect is no regular expression: {e}")
    return fields, diff


def names():
    if not os.path.isdir(MUTANTS):
        return []
    return sorted(f[:-len(".patch")] for f in os.listdir(MUTANTS) if f.endswith(".patch"))


def copy_tree(dest):
    """The working tree's tracked files (as they are now) into dest."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.split(b"\0")
    for f in files:
        if not f:
            continue
        src = os.path.join(ROOT, f.decode())
        if not os.path.isfile(src):
            continue                    # deleted in the working tree
        dst = os.path.join(dest, f.decode())
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)


def patched_files(diff):
    return re.findall(r"^\+\+\+ b/(\S+)", diff, re.M)


def apply(diff, cwd, check_only):
    """Applies (or checks) the diff in cwd as a plain patch: the copy lies
    inside this repository (build/mutants/), and git apply run in a
    subdirectory of a repository would skip paths outside it silently."""
    cmd = ["git", "apply", "--whitespace=nowarn"] + (["--check"] if check_only else []) + ["-"]
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=os.path.dirname(os.path.abspath(cwd)))
    if cwd == ROOT:
        env.pop("GIT_CEILING_DIRECTORIES")
    r = subprocess.run(cmd, cwd=cwd, input=diff, text=True, capture_output=True, env=env)
    if r.returncode != 0:
        return False, r.stderr.strip() or "git apply failed"
    if not check_only:
        same = [f for f in patched_files(diff)
                if open(os.path.join(cwd, f), "rb").read() == open(os.path.join(ROOT, f), "rb").read()]
        if same:
            return False, "the patch changed nothing in " + ", ".join(same)
    return True, ""


def table(selected):
    """Every mutant as a row of docs/testing.md's table: what it breaks,
    and the check that catches it."""
    rows = ["| mutant | what it breaks | the check that must fail |", "|---|---|---|"]
    for n in selected:
        f, _ = load(os.path.join(MUTANTS, n + ".patch"))
        cell = lambda t: t.replace("|", "\\|")
        rows.append(f"| `{n}` | {cell(f['Mutant'])} | {cell(f['Guards'])} |")
    return "\n".join(rows) + "\n"


def check_all(selected):
    failed = 0
    for name in selected:
        try:
            _, diff = load(os.path.join(MUTANTS, name + ".patch"))
            ok, why = apply(diff, ROOT, True)
            if not ok:
                raise Bad("does not apply to the tree: " + why.splitlines()[0])
            print(f"PASS tools/mutants/{name}_applies", flush=True)
        except Bad as e:
            print(f"FAIL tools/mutants/{name}_applies: {e}", flush=True)
            failed += 1
    return failed


def run_one(name, timeout):
    fields, diff = load(os.path.join(MUTANTS, name + ".patch"))
    work = os.path.join(ROOT, "build", "mutants", name)
    shutil.rmtree(work, ignore_errors=True)
    copy_tree(work)
    ok, why = apply(diff, work, False)
    if not ok:
        raise Bad("does not apply: " + why.splitlines()[0])
    start = time.monotonic()
    try:
        r = subprocess.run(["bash", "-c", fields["Run"]], cwd=work, capture_output=True,
                           text=True, errors="replace", timeout=timeout)
        out = r.stdout + r.stderr
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace") if isinstance(e.stdout, bytes) \
            else (e.stdout or "")
        out += f"\n[mutants: timed out after {timeout} s]\n"
    with open(os.path.join(work, "mutant.log"), "w") as f:
        f.write(f"$ {fields['Run']}\n{out}")
    m = re.search(fields["Expect"], out, re.M)
    took = time.monotonic() - start
    if m:
        return "PASS", f"{fields['Guards']} caught it in {took:.0f} s: {m.group(0).strip()[:100]}"
    if re.search(r"^make(\[\d+\])?: \*\*\* ", out, re.M):
        return "FAIL", (f"did not build, so it says nothing about {fields['Guards']}; "
                        f"log {os.path.relpath(work, ROOT)}/mutant.log")
    return "FAIL", (f"survived: {fields['Guards']} did not fail ({fields['Mutant']}); "
                    f"log {os.path.relpath(work, ROOT)}/mutant.log")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--check", action="store_true", help="only check that every patch applies")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--table", action="store_true", help="a Markdown table of every mutant")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per mutant")
    a = ap.parse_args()
    known = names()
    unknown = [n for n in a.names if n not in known]
    if unknown:
        print(f"mutants: no tests/mutants/{unknown[0]}.patch", file=sys.stderr)
        return 2
    selected = a.names or known
    if a.table:
        print(table(selected), end="")
        return 0
    if a.list:
        for n in selected:
            try:
                print(f"{n}: {load(os.path.join(MUTANTS, n + '.patch'))[0]['Mutant']}")
            except Bad as e:
                print(f"{n}: unreadable: {e}")
        return 0
    if a.check:
        return 1 if check_all(selected) else 0
    killed = survived = unbuilt = 0
    for n in selected:
        try:
            verdict, why = run_one(n, a.timeout)
        except Bad as e:
            verdict, why = "FAIL", str(e)
        print(f"{verdict} mutants/{n}: {why}" if verdict == "FAIL" else f"PASS mutants/{n} ({why})",
              flush=True)
        killed += verdict == "PASS"
        unbuilt += verdict == "FAIL" and why.startswith("did not build")
        survived += verdict == "FAIL" and not why.startswith("did not build")
    print(f"mutants: {killed} killed, {survived} survived"
          + (f", {unbuilt} did not build" if unbuilt else ""))
    return 1 if survived or unbuilt else 0


if __name__ == "__main__":
    sys.exit(main())
