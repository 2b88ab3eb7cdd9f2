#!/bin/sh
# Report and hostile-input tests:
#  - --report pages for the shipped ticket and for a model whose every name is
#    hostile: nothing active on the page, masks equal to the model's, the page
#    renders in headless Chromium with no console message, and the screenshot
#    shows it (check_report.py);
#  - the hostile model compiles to C that gcc and clang accept under strict
#    flags, that computes the model, and that contains no line from the model
#    (no injected preprocessor line, no comment closed early);
#  - a failed run leaves neither the C nor the report behind.
#   TICKETC=build/ticketc PY=/usr/bin/python3 FCMP=build/tools/fcmp tests/report/run.sh
set -u
ROOT=$(pwd)
TICKETC=${TICKETC:-build/ticketc}
PY=${PY:-/usr/bin/python3}
FCMP=${FCMP:-build/tools/fcmp}
case $TICKETC in /*) ;; *) TICKETC=$ROOT/$TICKETC ;; esac
case $FCMP in /*) ;; *) FCMP=$ROOT/$FCMP ;; esac
W=$ROOT/build/report-tests${SANITIZED:+-asan}
STRICT="-std=c99 -Wall -Wextra -Werror -pedantic -O1"
fails=0
passes=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok   $*"; passes=$((passes + 1)); }

rm -rf "$W" && mkdir -p "$W"
"$PY" tests/report/gen_hostile.py "$W" || { echo "FAIL: gen_hostile.py"; exit 1; }
cd "$W" || exit 1
cp "$ROOT/examples/lenet-ticket/models/ticket-r15.onnx" ticket.onnx
cp "$ROOT/examples/conv-ticket/models/ticket-r10.onnx" convticket.onnx

# ---- the hostile model's C ----
if ! "$TICKETC" hostile.onnx -o hostile.c --main --annotate 2> hostile.err; then
    fail "ticketc on the hostile model"; cat hostile.err
else
    for cc in gcc clang; do
        if $cc $STRICT hostile.c -o hostile-$cc 2> hostile-$cc.err && ./hostile-$cc < in.f32 > out-$cc.f32 &&
            "$FCMP" --rel 1e-5 --abs 1e-5 out-$cc.f32 expect.f32 > hostile-$cc.cmp 2>&1; then
            pass "hostile names: $cc builds the C strictly and it computes the model"
        else
            fail "hostile names: $cc"; head -5 hostile-$cc.err hostile-$cc.cmp 2> /dev/null
        fi
    done
    # the preprocessor sees only ticketc's own lines, and no comment ends early:
    # strip comments the way the compiler does and look for the model's strings
    if grep -n '^[[:space:]]*#' hostile.c | grep -v -E '^[0-9]+:[[:space:]]*#(include <(stdio|string|stdlib)\.h>|if defined\(__GNUC__\)|else|endif|define TC_BARRIER\(\)|define TC_BASE\(p\)|define TC_VEC |define TC_VW |define TC_FMA\(|define TC_NOLIB|if defined\(__clang__\)|elif defined\(__GNUC__\)|if )' > pp.txt; then
        fail "hostile names: unexpected preprocessor lines"; cat pp.txt
    elif gcc -std=c99 -E -P hostile.c 2> /dev/null | grep -n -E 'int injected|<script|alert\(|#error|#pragma|onerror=|<b ' > leak.txt; then
        fail "hostile names: model text outside comments"; head -5 leak.txt
    elif gcc -std=c99 -E -dM hostile.c 2> /dev/null | grep -E '^#define (main|X) ' > macros.txt; then
        fail "hostile names: the model defined a macro"; cat macros.txt
    elif grep -n '??' hostile.c > tri.txt; then
        fail "hostile names: a trigraph reached the output"; head -3 tri.txt
    else
        pass "hostile names: no model text outside comments, no injected preprocessor line, no trigraph"
    fi
fi

# ---- reports ----
for m in ticket convticket hostile; do
    if ! "$TICKETC" $m.onnx --report $m.html 2> $m.report.err; then
        fail "--report $m"; cat $m.report.err; continue
    fi
    if [ -n "${SANITIZED:-}" ]; then
        "$PY" "$ROOT/tests/report/check_report.py" $m.html $m.onnx > $m.check 2>&1 &&
            pass "--report $m: $(cat $m.check)" || { fail "--report $m"; cat $m.check; }
        continue
    fi
    ud=$(mktemp -d)
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --user-data-dir="$ud" --enable-logging=stderr --v=0 --window-size=1280,1600 --screenshot="$W/$m.png" \
        "file://$W/$m.html" > $m.chromium.log 2>&1
    rc=$?
    rm -rf "$ud"
    if [ $rc -ne 0 ] || [ ! -s $m.png ]; then
        fail "--report $m: headless Chromium did not render it (exit $rc)"; tail -5 $m.chromium.log
    elif grep -i 'CONSOLE' $m.chromium.log > $m.console; then
        fail "--report $m: console messages"; cat $m.console
    elif ! "$PY" "$ROOT/tests/report/check_report.py" $m.html $m.onnx $m.png > $m.check 2>&1; then
        fail "--report $m"; cat $m.check
    else
        pass "--report $m: renders in Chromium without console messages; $(cat $m.check)"
    fi
done

# ---- a failed run leaves nothing behind ----
printf 'not a model' > broken.onnx
"$TICKETC" broken.onnx -o broken.c --report broken.html > /dev/null 2>&1
rc=$?
if [ $rc -ne 1 ]; then
    fail "broken model: exit $rc, expected 1"
elif ls broken.c broken.h broken.html broken.*tmp* > /dev/null 2>&1; then
    fail "broken model: output left behind"; ls broken.*
else
    pass "broken model: exit 1, no C, header or report left behind"
fi

echo "report tests: $passes passed, $fails failed"
[ $fails -eq 0 ]
