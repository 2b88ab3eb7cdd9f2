#!/bin/sh
# --calibrate on a float model (issue 19 item 3): the measured fraction of each
# layer input's values that are 0 is what --summary shows and what the planner
# uses for the unrolled by-row / by-input choice (strategy.c), in place of the
# stated defaults (0.5 for a model input, 0.25 after a ReLU).
#   TICKETC=build/ticketc PY=/usr/bin/python3 tests/zeros/run.sh
set -u
ROOT=$(pwd)
TICKETC=$ROOT/${TICKETC:-build/ticketc}
PY=${PY:-/usr/bin/python3}
W=$ROOT/build/zeros-tests${SANITIZED:+-asan}
M=$ROOT/examples/lenet-ticket/models/ticket-r15.onnx
passes=0 fails=0
pass() { passes=$((passes + 1)); echo "ok   $*"; }
fail() { fails=$((fails + 1)); echo "FAIL: $*"; }
rm -rf "$W" && mkdir -p "$W" && cd "$W" || exit 1

# no 0 anywhere in the input; 90% of it 0 (every tenth value 1); 37 of 784 values 0
"$PY" -c "
import numpy as np
np.full((10, 784), 0.5, '<f4').tofile('none.f32')
a = np.zeros((10, 784), '<f4'); a[:, ::10] = 1; a.tofile('most.f32')
b = np.full((3, 784), 0.25, '<f4'); b[:, :37] = 0; b.tofile('some.f32')"

# the fraction --summary shows for fc1 (its input is the model input, flattened)
for c in none:0.0 most:89.9 some:4.7; do
    f=${c%%:*} want=${c#*:}
    got=$("$TICKETC" "$M" --calibrate $f.f32 --summary | awk '/input:/ { print $2; exit }')
    [ "$got" = "$want%" ] && pass "--summary: fc1 input $got 0 on $f.f32" || fail "--summary on $f.f32: fc1 input '$got', want $want%"
done
# (most.f32: 705 of 784 values 0 is 89.9%; the line names the sample count)
"$TICKETC" "$M" --calibrate most.f32 --summary | grep -q 'input: 89.9% of its values 0 on the 10 calibration samples' &&
    pass "--summary names the samples" || fail "--summary's zero line"
# without --calibrate no such line
"$TICKETC" "$M" --summary | grep -q 'calibration samples' && fail "--summary shows zeros without --calibrate" ||
    pass "no zero line without --calibrate"

# the planner: fc1 is unrolled by input under the default (0.5) and where inputs are mostly
# 0, by row where no input is 0
by() { "$TICKETC" "$M" "$@" -o p.c && grep -c 'unrolled by input' p.c; }
[ "$(by)" = 1 ] && pass "default: fc1 by input" || fail "default: fc1 not by input"
[ "$(by --calibrate most.f32)" = 1 ] && pass "90% zeros: fc1 by input" || fail "90% zeros: fc1 not by input"
[ "$(by --calibrate none.f32)" = 0 ] && pass "no zeros: fc1 by row" || fail "no zeros: fc1 still by input"

# both plans compute the same outputs (within float rounding: the sums run in another order)
"$TICKETC" "$M" --main -o a.c && "$TICKETC" "$M" --calibrate none.f32 --main -o b.c &&
    cc -std=c99 -O2 a.c -o a && cc -std=c99 -O2 b.c -o b && ./a < some.f32 > a.out && ./b < some.f32 > b.out &&
    "$ROOT/${FCMP:-build/tools/fcmp}" --rel 1e-5 --abs 1e-5 a.out b.out > /dev/null &&
    pass "by row and by input agree" || fail "the two plans disagree"

# a file that is not whole samples: one message, exit 1, nothing written
head -c 1000 none.f32 > short.f32
"$TICKETC" "$M" --calibrate short.f32 -o bad.c 2> bad.err
rc=$?
[ $rc = 1 ] && [ ! -e bad.c ] && [ "$(wc -l < bad.err)" = 1 ] && grep -q 'not a whole number of samples' bad.err &&
    pass "refused: $(cat bad.err)" || { fail "short calibration file: exit $rc"; cat bad.err; }

# the planner's dense-with-zero-skip rule (strategy.c, dense_skip_pays): a linear layer over
# 10% kept whose input is often 0 goes dense on the host (the CNN ticket r10's fc1, 10.7%, after
# a ReLU and a max-pool), not for a Cortex-M; the LeNet ticket's layers (3.5%) stay unrolled
C=$ROOT/examples/conv-ticket/models/ticket-r10.onnx
s=$("$TICKETC" "$C" --summary | awk '$3 == "/fc1/Gemm" { print $NF }')
[ "$s" = dense ] && pass "CNN r10 fc1 (10.7% kept, input often 0): dense" || fail "CNN r10 fc1: '$s', want dense"
s=$("$TICKETC" "$M" --summary | awk '$3 ~ /Gemm/ { printf "%s ", $NF }')
[ "$s" = "input unrolled dense " ] && pass "LeNet r15: fc1 input by input, fc2 unrolled, fc3 dense" ||
    fail "LeNet r15's layers: '$s'"
s=$("$TICKETC" "$C" --summary --strategy auto --target cortex-m | awk '$3 == "/fc1/Gemm" { print $NF }')
[ "$s" != dense ] && pass "CNN r10 fc1 for a Cortex-M: $s (no run-time skip there)" || fail "CNN r10 fc1 --target cortex-m: dense"

echo "zero-fraction tests: $passes passed, $fails failed"
[ $fails -eq 0 ]
