#!/bin/bash
# Tests for tools/mutants.py (make mutants): every mutant in tests/mutants/
# is well formed and still applies to the tree (so that none rots while
# the code it breaks moves on), and the tool itself tells a killed mutant
# from one that survives, on two small mutants of a scratch tree.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
failed=0
pass() { echo "PASS tools/mutants/$1"; }
fail() { echo "FAIL tools/mutants/$1: $2"; failed=1; }

out=$(python3 "$ROOT/tools/mutants.py" --check 2>&1)
echo "$out" | grep -E '^(PASS|FAIL) '
echo "$out" | grep -q '^FAIL ' && failed=1
[ -n "$out" ] || fail every_mutant_applies "no mutants found in tests/mutants/"

# docs/testing.md's table of mutants is the one the tool prints.
want=$(python3 "$ROOT/tools/mutants.py" --table)
got=$(sed -n '/^<!-- mutants: begin -->$/,/^<!-- mutants: end -->$/p' "$ROOT/docs/testing.md" | sed '1d;$d')
if [ "$want" = "$got" ]; then
	pass table_matches_docs
else
	fail table_matches_docs "docs/testing.md's table differs from tools/mutants.py --table (paste it between the mutants markers)"
fi

# A scratch repository with one check (a test that fails when the code
# says 2 + 2 is not 4) and two mutants: one the check catches, one it
# cannot (it changes a comment).
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/tools" "$TMP/tests/mutants"
cp "$ROOT/tools/mutants.py" "$TMP/tools/"
printf '# the sum\nsum = 2 + 2\n' >"$TMP/code.py"
printf 'import code\nprint("PASS sum" if code.sum == 4 else "FAIL sum")\n' >"$TMP/check.py"
(cd "$TMP" && git init -q && git add -A && git -c user.name=t -c user.email=t@t commit -qm t)
mutant() {	# name, old line, new line
	(cd "$TMP" && sed -i "s|$2|$3|" code.py && {
		printf 'Mutant: %s\nGuards: check.py\nRun: python3 check.py\nExpect: ^FAIL sum\n---\n' "$1"
		git diff; } >"tests/mutants/$1.patch" && git checkout -q code.py)
}
mutant caught 'sum = 2 + 2' 'sum = 2 + 3'
mutant harmless '# the sum' '# the total'
got=$(cd "$TMP" && python3 tools/mutants.py caught harmless 2>&1)
echo "$got" | grep -q '^PASS mutants/caught ' && pass tool_reports_a_killed_mutant ||
	fail tool_reports_a_killed_mutant "$(echo "$got" | head -3)"
echo "$got" | grep -q '^FAIL mutants/harmless: survived' && pass tool_reports_a_surviving_mutant ||
	fail tool_reports_a_surviving_mutant "$(echo "$got" | head -3)"
echo "$got" | grep -q '^mutants: 1 killed, 1 survived$' && pass tool_counts_both ||
	fail tool_counts_both "$(echo "$got" | tail -1)"
[ "$(cat "$TMP/code.py")" = "$(printf '# the sum\nsum = 2 + 2')" ] && pass tool_leaves_the_tree_alone ||
	fail tool_leaves_the_tree_alone "code.py changed"
# A mutant that does not build says nothing about its check: it is
# reported as such, not as killed or survived.
printf 'all:\n\tpython3 -c "import code"\n' >"$TMP/Makefile"
(cd "$TMP" && git add Makefile && git -c user.name=t -c user.email=t@t commit -qm m)
(cd "$TMP" && sed -i 's|sum = 2 + 2|sum = 2 +|' code.py && {
	printf 'Mutant: broken\nGuards: check.py\nRun: make -s && python3 check.py\nExpect: ^FAIL sum\n---\n'
	git diff; } >tests/mutants/broken.patch && git checkout -q code.py)
got=$(cd "$TMP" && python3 tools/mutants.py broken 2>&1)
echo "$got" | grep -q '^FAIL mutants/broken: did not build' && pass tool_reports_a_mutant_that_does_not_build ||
	fail tool_reports_a_mutant_that_does_not_build "$(echo "$got" | head -3)"
echo "$got" | grep -q '^mutants: 0 killed, 0 survived, 1 did not build$' && pass tool_counts_one_that_does_not_build ||
	fail tool_counts_one_that_does_not_build "$(echo "$got" | tail -1)"
printf 'Mutant: x\nRun: true\n---\n' >"$TMP/tests/mutants/bad.patch"
got=$(cd "$TMP" && python3 tools/mutants.py --check 2>&1)
echo "$got" | grep -q '^FAIL tools/mutants/bad_applies: ' && pass malformed_mutant_is_reported ||
	fail malformed_mutant_is_reported "$(echo "$got" | head -3)"
exit $failed
