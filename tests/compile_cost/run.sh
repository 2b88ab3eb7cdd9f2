#!/bin/sh
# Compile cost (issue 19, item 4): auto fits the forms under the compile
# limits (tests/compile_cost/auto_fit.tc: its big layer would be unrolled
# by density, and is not), the same model forced unrolled is refused (the
# refusal's exact message is golden case 89), and --allow-slow-compile lets
# it through. Only ticketc runs here: nothing is compiled.
#   TICKETC=build/ticketc tests/compile_cost/run.sh
set -u
ROOT=$(pwd)
TICKETC=$ROOT/${TICKETC:-build/ticketc}
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

echo "compile cost tests: $((3 - fails)) of 3 groups passed"
[ $fails -eq 0 ]
