#!/bin/sh
# --profile: the timed build compiles strictly (gcc and clang, -std=c99
# -pedantic -Werror), gives the same outputs bit for bit as the untimed
# build, and its --main driver prints one line per node: the op and name of
# tests/profile/NAME.expect, in order, with times that add up to ~100%.
# Refused with --target cortex-m (no cycle-counter path yet).
#   TICKETC=build/ticketc tests/profile/run.sh
set -u
ROOT=$(pwd)
TICKETC=$ROOT/${TICKETC:-build/ticketc}
W=$ROOT/build/profile-test
rm -rf "$W" && mkdir -p "$W"
fails=0
passes=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# NAME MODEL: the model's profile must list NAME.expect's "op name" lines
check_model() {
    name=$1 model=$2
    "$TICKETC" "$model" -o "$W/$name.c" --main --profile --prefix p || { fail "$name: ticketc failed"; return; }
    "$TICKETC" "$model" -o "$W/$name-plain.c" --main --prefix p || { fail "$name: ticketc failed"; return; }
    for cc in gcc clang; do
        command -v $cc > /dev/null || continue
        $cc -std=c99 -Wall -Wextra -Werror -pedantic -O2 "$W/$name.c" -o "$W/$name.$cc" 2> "$W/$name.$cc.err" ||
            { fail "$name: the profile build does not compile strictly with $cc"; head -5 "$W/$name.$cc.err"; return; }
    done
    gcc -std=c99 -O2 "$W/$name-plain.c" -o "$W/$name.plain"
    n=$(sed -n 's/^#define P_H_IN0_SIZE //p' "$W/$name.h")
    # three samples of deterministic bytes scaled to [0, 1)
    /usr/bin/python3 -c "import struct,sys; sys.stdout.buffer.write(struct.pack('<%df' % (3 * $n), *[((i * 7919) % 256) / 256.0 for i in range(3 * $n)]))" > "$W/$name.in"
    "$W/$name.plain" < "$W/$name.in" > "$W/$name.plain.out" || { fail "$name: the plain build failed"; return; }
    for cc in gcc clang; do
        [ -x "$W/$name.$cc" ] || continue
        "$W/$name.$cc" -r 4 < "$W/$name.in" > "$W/$name.$cc.out" 2> "$W/$name.$cc.prof" || { fail "$name: $cc build failed"; return; }
        cmp -s "$W/$name.plain.out" "$W/$name.$cc.out" || { fail "$name ($cc): outputs differ from the build without --profile"; return; }
        # "profile: 12 runs, ..." then a heading, then "k  op  us  pct%  name" per node
        head -1 "$W/$name.$cc.prof" | grep -q '^profile: 12 runs, [0-9.]* us per run$' ||
            { fail "$name ($cc): no profile heading with 12 runs"; cat "$W/$name.$cc.prof"; return; }
        tail -n +3 "$W/$name.$cc.prof" | sed -E 's/^ *[0-9]+  ([^ ]+) +[0-9.]+ +[0-9.]+%  (.*)$/\1 \2/' > "$W/$name.$cc.got"
        diff -u "tests/profile/$name.expect" "$W/$name.$cc.got" || { fail "$name ($cc): nodes differ from $name.expect"; return; }
        tail -n +3 "$W/$name.$cc.prof" | awk -v i=0 '
            $1 != i++ || $3 < 0 { bad = 1 } { sub("%", "", $4); s += $4 }
            END { exit (bad || s < 99 || s > 101) }' ||
            { fail "$name ($cc): node numbers, times or shares are off"; cat "$W/$name.$cc.prof"; return; }
    done
    passes=$((passes + 1))
}

check_model conv-ticket examples/conv-ticket/models/ticket-r10.onnx
check_model hostile tests/golden/13_hostile_names.onnx

# no clock on a Cortex-M yet: a usage error, nothing written
"$TICKETC" examples/conv-ticket/models/ticket-r10.onnx -o "$W/m4.c" --profile --target cortex-m 2> "$W/m4.err"
rc=$?
if [ $rc -ne 2 ] || ! grep -q 'not available with --target cortex-m' "$W/m4.err" || [ -e "$W/m4.c" ]; then
    fail "--profile --target cortex-m: exit $rc, expected 2 with a message and no output"; cat "$W/m4.err"
else
    passes=$((passes + 1))
fi

echo "profile tests: $passes passed, $fails failed"
[ $fails -eq 0 ]
