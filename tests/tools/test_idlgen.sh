#!/bin/bash
# Tests for tools/idlgen.py: the interfaces in if/ and a few corner cases
# generate C that compiles without a warning (gcc and clang, for the host
# and freestanding as user space builds it), the same twice, with the API
# docs/interfaces.md promises; bad input gives FILE:LINE:COL: error: WHAT,
# exit status 1 and no output file. Prints one PASS/FAIL line per case;
# exits 1 if any case failed.

set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
GEN="python3 $ROOT/tools/idlgen.py"
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -I$ROOT/include -I$ROOT"
UFLAGS="-std=gnu11 -O2 -Wall -Wextra -Werror -ffreestanding -nostdinc -isystem \
$($CC -print-file-name=include) -I$ROOT/usr/include -I$ROOT/include -I$ROOT -mno-red-zone \
-mno-mmx -mno-sse -mno-sse2 -mno-80387"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0

pass() { echo "PASS tools/idlgen/$1"; }
fail() { echo "FAIL tools/idlgen/$1: $2"; failed=1; }
check() { if [ "$2" = ok ]; then pass "$1"; else fail "$1" "$2"; fi; }

# compiles DIR NAME: the generated if_NAME.c (and so if_NAME.h) compiles
# with every compiler and flag set we build with; "ok" or why not.
compiles() {
	local dir=$1 name=$2 cc flags
	for cc in gcc clang; do
		command -v $cc >/dev/null || continue
		for flags in "$CFLAGS" "$UFLAGS"; do
			flags=${flags//$($CC -print-file-name=include)/$($cc -print-file-name=include)}
			if ! $cc $flags -I"$dir" -fsyntax-only "$dir/if_$name.c" 2>"$TMP/cc.err"; then
				echo "$cc: $(head -3 "$TMP/cc.err" | tr '\n' ' ')"
				return
			fi
		done
	done
	echo ok
}

# --- the interfaces in if/ ---
for f in "$ROOT"/if/*.if; do
	name=$(basename "$f" .if)
	r=ok
	if $GEN -o "$TMP/out" "$f" 2>"$TMP/err"; then
		r=$(compiles "$TMP/out" "$name")
	else
		r="generator failed: $(head -3 "$TMP/err")"
	fi
	check "if_${name}_compiles" "$r"
done

r=ok
$GEN -o "$TMP/again" "$ROOT"/if/*.if && diff -r "$TMP/out" "$TMP/again" >/dev/null ||
	r="two runs differ"
check deterministic "$r"

# --- the API the docs promise, as declared ---
r=ok
for decl in \
	'err_t if_intermon_ping_send(struct idl_binding *binding, uint64_t seq);' \
	'err_t if_intermon_recv(struct idl_binding *binding, struct if_intermon_msg *m);' \
	'err_t if_intermon_poll(struct idl_binding *binding, const struct if_intermon_handlers *h);' \
	'	err_t (*pong)(struct idl_binding *binding, uint64_t seq);' \
	'	IF_INTERMON_JOIN = 0,' '	IF_INTERMON_PONG = 2,' '#define IF_INTERMON_MAX_WORDS	103'; do
	grep -qF -- "$decl" "$TMP/out/if_intermon.h" || r="if_intermon.h lacks: $decl"
done
for decl in \
	'err_t if_test_add_call(struct idl_binding *binding, uint64_t a, uint64_t b, uint64_t *sum);' \
	'err_t if_test_add_reply(struct idl_binding *binding, uint64_t sum);' \
	'err_t if_test_blob_send(struct idl_binding *binding, const void *data, size_t data_len);' \
	'err_t if_test_give_send(struct idl_binding *binding, capaddr_t frame, uint64_t bytes);'; do
	grep -qF -- "$decl" "$TMP/out/if_test.h" || r="if_test.h lacks: $decl"
done
check api_as_documented "$r"

# --- corner cases that must still compile ---
mkdir -p "$TMP/corner"
cat >"$TMP/corner/tiny.if" <<'EOF'
// Only empty messages and an rpc with nothing in it: zero-word buffers.
interface tiny;
message hello();
rpc ping();
EOF
cat >"$TMP/corner/wide.if" <<'EOF'
/* Documented interface. */
interface wide "many kinds of field";

/* Carries a capability and
 * every scalar type. */
message all(uint8 a, uint16 b, uint32 c, uint64 d, int64 e, bool f, err g, give cap h);
message strs(string a[1], string b, bytes c[1], bytes d[65000]);	/* trailing */
rpc big(in bytes x[20000], in cap c, out bytes y[20000], out cap d, out string s[3]);
message last();
EOF
cat >"$TMP/corner/pair.if" <<'EOF'
/* A paired interface: its transport pairs each call with its reply. */
interface pair "no id words" paired;
rpc add(in uint64 a, in uint64 b, out uint64 sum);
rpc none();
message note(uint64 x);
EOF
cat >"$TMP/corner/pack.if" <<'EOF'
/* Narrow scalars that follow one another share a word. */
interface pack "packing";
message fit(uint32 a, uint8 b, uint16 c, bool d, uint32 e, err f);
message nofit(uint8 a, uint32 b, uint32 c);
message apart(uint8 a, uint64 b, uint8 c, string s[3], bool d);
message alone(err a);
EOF
for name in tiny wide pair pack; do
	r=ok
	if $GEN -o "$TMP/corner" "$TMP/corner/$name.if" 2>"$TMP/err"; then
		r=$(compiles "$TMP/corner" "$name")
	else
		r="generator failed: $(head -3 "$TMP/err")"
	fi
	check "corner_${name}_compiles" "$r"
done
r=ok
grep -q 'Carries a capability and' "$TMP/corner/if_wide.h" &&
	grep -q 'every scalar type\.' "$TMP/corner/if_wide.h" &&
	grep -q 'strs(.*): trailing' "$TMP/corner/if_wide.h" &&
	grep -q 'Documented interface' "$TMP/corner/if_wide.h" || r="doc comments not carried over"
grep -q 'uint64_t tx\[1\];' "$TMP/corner/if_tiny.h" || r="tiny's buffers are not one word"
check doc_comments_carried "$r"

# A paired interface's rpcs carry no id word: add's call is its two
# arguments, its reply the sum, and none's call and reply are empty; the
# call waits for the reply by number alone. An unpaired one's carry it.
r=ok
grep -qF 'add_call(uint64 a, uint64 b): 2 words' "$TMP/corner/if_pair.h" &&
	grep -qF 'add_reply(uint64 sum): 1 word' "$TMP/corner/if_pair.h" &&
	grep -qF 'none_call(): 0 words' "$TMP/corner/if_pair.h" &&
	grep -qF ' * Paired: ' "$TMP/corner/if_pair.h" || r="if_pair.h counts an id word"
grep -q 'idl_next_call_id\|reply_id;\|idl_id = idl_dec_word' "$TMP/corner/if_pair.c" &&
	r="if_pair.c encodes or decodes an id"
grep -qF 'if (m->num == num)' "$TMP/corner/if_pair.c" || r="if_pair.c waits for an id"
grep -qF 'ping_call(): 1 word' "$TMP/corner/if_tiny.h" &&
	grep -qF 'idl_next_call_id' "$TMP/corner/if_tiny.c" || r="an unpaired rpc lost its id"
check paired_rpcs_carry_no_id "$r"

# Packing (docs/interfaces.md, "Encoding"): fit's a, b and c take one
# word (a at 0, b at 32, c at 48), d begins the next, with e at 32, and f
# takes a third; nofit's b goes beside a at its 32-bit boundary, so c,
# which no longer fits, takes a word alone; apart's wide field and string
# end each group. The
# masks the decoder checks leave out the bits no field has.
r=ok
grep -qF 'fit(uint32 a, uint8 b, uint16 c, bool d, uint32 e, err f): 3 words' "$TMP/corner/if_pack.h" &&
	grep -qF 'nofit(uint8 a, uint32 b, uint32 c): 2 words' "$TMP/corner/if_pack.h" &&
	grep -qF 'apart(uint8 a, uint64 b, uint8 c, string s[3], bool d): 6 words' "$TMP/corner/if_pack.h" &&
	grep -qF 'alone(err a): 1 word' "$TMP/corner/if_pack.h" || r="word counts of if_pack.h"
grep -qF '(uint64_t)a | (uint64_t)b << 32 | (uint64_t)c << 48' "$TMP/corner/if_pack.c" &&
	grep -qF 'idl_dec_packed(d, 0xffff00ffffffffffull)' "$TMP/corner/if_pack.c" &&
	grep -qF 'idl_dec_packed(d, 0xffffffff00000001ull)' "$TMP/corner/if_pack.c" &&
	grep -qF 'idl_dec_packed(d, 0xffffffff000000ffull)' "$TMP/corner/if_pack.c" || r="the layout of if_pack.c"
grep -qF 'm->alone.a = (err_t)idl_dec_int(d, INT32_MIN, INT32_MAX);' "$TMP/corner/if_pack.c" ||
	r="an err alone is not its own word"
check narrow_scalars_share_words "$r"

# --- bad input ---
# expect_error NAME PATTERN TEXT: a file NAME.if holding TEXT must fail
# with exit 1, a line matching PATTERN (FILE:LINE:COL: error: ...), and
# no output.
expect_error() {
	local name=$1 pattern=$2 dir="$TMP/bad/$1" msg rc
	mkdir -p "$dir"
	printf '%s\n' "$3" >"$dir/$name.if"
	msg=$(cd "$dir" && $GEN -o out "$name.if" 2>&1)
	rc=$?
	if [ "$rc" -ne 1 ]; then
		fail "error_$name" "exit $rc, wanted 1; output: $(echo "$msg" | head -3)"
	elif ! echo "$msg" | grep -qE -- "^$name\.if:$pattern"; then
		fail "error_$name" "no line matching '$name.if:$pattern' in: $(echo "$msg" | head -3)"
	elif [ -e "$dir/out" ]; then
		fail "error_$name" "left output behind"
	else
		pass "error_$name"
	fi
}

expect_error paired_misspelt "1:41: error: expected ';' after the interface's name \(and its description, and 'paired'\)" \
'interface paired_misspelt "description" pared;
message m(uint64 x);'
expect_error unknown_type "2:11: error: unknown type 'uint128' \(known: uint8, " \
'interface unknown_type;
message m(uint128 x);'
expect_error duplicate_message "3:9: error: duplicate name 'm': already used at .*:2:9" \
'interface duplicate_message;
message m(uint64 x);
message m(uint32 y);'
expect_error duplicate_rpc_part "3:5: error: duplicate name 'add_call' \(rpc add's call\): already used at .*:2:9" \
'interface duplicate_rpc_part;
message add_call();
rpc add(in uint64 a, out uint64 b);'
expect_error duplicate_field "2:28: error: duplicate field 'x' in m: already used at .*:2:18" \
'interface duplicate_field;
message m(uint64 x, uint32 x);'
expect_error duplicate_len_field "2:31: error: duplicate field 'd_len' in m \(a bytes field NAME also takes NAME_len\)" \
'interface duplicate_len_field;
message m(uint64 d_len, bytes d[4]);'
expect_error duplicate_rpc_field "2:31: error: duplicate field 'a' in f" \
'interface duplicate_rpc_field;
rpc f(in uint64 a, out uint64 a);'
expect_error missing_bound "2:17: error: bytes 'data' needs a bound: bytes data\[N\]" \
'interface missing_bound;
message m(bytes data);'
expect_error bound_on_scalar "2:19: error: only string and bytes take a bound, not uint64" \
'interface bound_on_scalar;
message m(uint64 x[4]);'
expect_error zero_bound "2:20: error: the bound of 's' must be at least 1" \
'interface zero_bound;
message m(string s[0]);'
expect_error bound_not_a_number "2:19: error: expected a number in '\[...\]', found 'N'" \
'interface bound_not_a_number;
message m(bytes d[N]);'
expect_error missing_semicolon "3:1: error: expected ';' after message m\(...\), found 'message'" \
'interface missing_semicolon;
message m(uint64 x)
message n();'
expect_error missing_comma "2:20: error: expected '\)' after the fields \(or ',' between them\), found 'uint64'" \
'interface missing_comma;
message m(uint64 x uint64 y);'
expect_error no_interface "1:1: error: expected 'interface NAME;' first, found 'message'" \
'message m();'
expect_error wrong_file "1:11: error: interface 'other' must be in a file named other.if" \
'interface other;
message m();'
expect_error empty "2:1: error: interface 'empty' declares no message or rpc" \
'interface empty;'
expect_error open_comment "2:1: error: comment is not closed" \
'interface open_comment;
/* message m();'
expect_error bad_character "2:10: error: unexpected character '@'" \
'interface bad_character;
message m@();'
expect_error two_caps "2:22: error: m carries more than 1 capability" \
'interface two_caps;
message m(cap a, cap b);'
expect_error two_caps_in_reply "2:36: error: f_reply carries more than 1 capability" \
'interface two_caps_in_reply;
rpc f(in cap a, out cap b, out cap c);'
expect_error direction_in_message "2:11: error: 'in' is for rpc fields" \
'interface direction_in_message;
message m(in uint64 x);'
expect_error no_direction_in_rpc "2:7: error: an rpc's field needs 'in' or 'out' before it, found 'uint64'" \
'interface no_direction_in_rpc;
rpc f(uint64 x);'
expect_error give_not_cap "2:11: error: 'give' applies to capabilities only" \
'interface give_not_cap;
message m(give uint64 x);'
expect_error too_large "2:9: error: m can be 75001 words long; at most 65535 fit a message" \
'interface too_large;
message m(bytes a[600000]);'
expect_error reserved_field "2:18: error: field name 'binding' is reserved" \
'interface reserved_field;
message m(uint64 binding);'
expect_error keyword_field "2:18: error: field name 'int' is reserved" \
'interface keyword_field;
message m(uint64 int);'
expect_error prefixed_field "2:18: error: field name 'idl_e' is reserved" \
'interface prefixed_field;
message m(uint64 idl_e);'
expect_error reserved_message "2:9: error: message name 'num' is reserved" \
'interface reserved_message;
message num();'
expect_error upper_case "2:9: error: message name 'Ping' must be lower case" \
'interface upper_case;
message Ping();'
expect_error bad_number "2:19: error: bad number '4x'" \
'interface bad_number;
message m(bytes d[4x]);'

# 257 message numbers: one too many.
{
	echo 'interface too_many;'
	for i in $(seq 0 256); do echo "message m$i();"; done
} >"$TMP/too_many.if"
mkdir -p "$TMP/bad/too_many" && mv "$TMP/too_many.if" "$TMP/bad/too_many/"
msg=$(cd "$TMP/bad/too_many" && $GEN -o out too_many.if 2>&1)
rc=$?
r=ok
[ $rc -eq 1 ] && echo "$msg" | grep -q '^too_many.if:258:9: error: more than 256 message numbers' ||
	r="exit $rc: $msg"
check error_too_many_messages "$r"

# One bad file among good ones: nothing is written at all.
r=ok
$GEN -o "$TMP/mixed" "$ROOT/if/intermon.if" "$TMP/bad/two_caps/two_caps.if" 2>/dev/null && r="succeeded"
[ -e "$TMP/mixed" ] && r="wrote output despite an error"
check all_or_nothing "$r"

exit $failed
