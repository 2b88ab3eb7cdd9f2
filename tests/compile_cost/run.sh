#!/bin/sh
# Compile cost (issue 19, item 4): auto fits the forms under the compile
# limits (tests/compile_cost/auto_fit.tc: its big layer would be unrolled
# by density, and is not), the same model forced unrolled is refused (the
# refusal's exact message is golden case 89), and --allow-slow-compile lets
# it through. tests/compile_cost/conv_tables.tc: auto takes its big padded Conv
# out of unrolled into the register-blocked sparse form over a zero-padded copy
# (emit_conv_sparse.c; --strategy loop writes its tap tables, emit_conv_table.c),
# and the small 1x1 one (64 taps per output) takes that form too; that file is
# compiled strictly and run against --interpret, and its plain C loop
# (-DTC_NO_VEC) against the vector loop, bit for bit.
#   TICKETC=build/ticketc [FCMP=build/tools/fcmp] tests/compile_cost/run.sh
set -u
ROOT=$(pwd)
TICKETC=$ROOT/${TICKETC:-build/ticketc}
FCMP=$ROOT/${FCMP:-build/tools/fcmp}
W=$ROOT/build/compile-cost-test
rm -rf "$W" && mkdir -p "$W"
M=tests/compile_cost/auto_fit.tc
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

"$TICKETC" $M --summary > "$W/auto.summary" || fail "auto: ticketc failed"
grep -q '^0 .*fc_big .* 260000/2600000 .* loop$' "$W/auto.summary" || { fail "auto: fc_big is not in the loop form"; cat "$W/auto.summary"; }
grep -q '^[0-9]* .*fc_small .* unrolled$' "$W/auto.summary" || fail "auto: fc_small is not unrolled"
est=$(sed -n 's/^compile estimate: about \([0-9.]*\) s of cc -O2 CPU, \([0-9]*\) MB.*/\1 \2/p' "$W/auto.summary")
echo "$est" | awk '{ exit !($1 > 0 && $1 <= 60 && $2 > 0 && $2 <= 2048) }' || fail "auto: estimate '$est' not within the limits"

"$TICKETC" $M -o "$W/forced.c" --strategy unrolled 2> "$W/forced.err"
rc=$?
if [ $rc -ne 1 ] || [ -e "$W/forced.c" ] || ! grep -q "would take about [0-9]* s and [0-9]* MB to compile.*'fc_big'.*--allow-slow-compile" "$W/forced.err"; then
    fail "forced unrolled: exit $rc, expected 1 with the estimate and no output"; cat "$W/forced.err"
fi
"$TICKETC" $M --summary --strategy unrolled --allow-slow-compile -o "$W/allowed.c" > "$W/allowed.summary" ||
    fail "--allow-slow-compile: refused"
[ -s "$W/allowed.c" ] || fail "--allow-slow-compile: no C written"
grep -q 'compile estimate: about \(6[1-9]\|[7-9][0-9]\|[0-9][0-9][0-9]\)\.' "$W/allowed.summary" ||
    fail "--allow-slow-compile: the estimate should be over 60 s"

M=tests/compile_cost/conv_tables.tc
"$TICKETC" $M --summary -o "$W/tables.c" --main > "$W/tables.summary" || fail "tables: ticketc failed"
grep -q '^0 .*conv_big .* 7373/18432 .* loop$' "$W/tables.summary" &&
    grep -q "^/\* node 0: Conv 'conv_big' -- 7,373 of 18,432 weights kept, sparse blocks of 4 channels, over a zero-padded copy \*/" "$W/tables.c" ||
    { fail "tables: conv_big is not in the sparse form over a zero-padded copy"; cat "$W/tables.summary"; }
grep -q '^[0-9]* .*conv_small .* loop$' "$W/tables.summary" &&
    grep -q "^/\* node 2: Conv 'conv_small', blocks of 4 output channels over flat positions \*/" "$W/tables.c" ||
    fail "tables: conv_small is not in the sparse form (blocks of 4 channels)"
"$TICKETC" $M --strategy loop -o "$W/loop.c" && grep -q '^static const int n0_conv_big_to\[7373\]' "$W/loop.c" ||
    fail "tables: --strategy loop wrote no tap table"
/usr/bin/python3 -c "import numpy as np; np.random.default_rng(3).uniform(-1, 1, 2 * 32 * 16 * 16).astype('<f4').tofile('$W/in.f32')"
"$TICKETC" $M --interpret < "$W/in.f32" > "$W/interp.f32" || fail "tables: --interpret failed"
for v in vec novec; do
    d=""; [ $v = novec ] && d=-DTC_NO_VEC
    if gcc -std=c99 -Wall -Wextra -Werror -pedantic -O2 $d "$W/tables.c" -o "$W/tables-$v" 2> "$W/tables-$v.err" &&
        "$W/tables-$v" < "$W/in.f32" > "$W/tables-$v.f32"; then :; else fail "tables ($v): does not build or run"; cat "$W/tables-$v.err"; fi
done
"$FCMP" --rel 1e-5 --abs 1e-5 "$W/tables-vec.f32" "$W/interp.f32" > "$W/tables.cmp" || { fail "tables: C differs from --interpret"; cat "$W/tables.cmp"; }
cmp -s "$W/tables-vec.f32" "$W/tables-novec.f32" || fail "tables: vector and plain loops differ in bits"

echo "compile cost tests: $((4 - fails)) of 4 groups passed"
[ $fails -eq 0 ]
