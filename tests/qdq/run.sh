#!/bin/sh
# Quantized ONNX models in (issue 16 item 1), in well under a minute:
#  - QLinearMatMul (uint8 API), QLinearConv (int8, per-channel, int32 bias), a QDQ MLP and a
#    QDQ CNN (onnx.helper): the C (gcc/clang, -O0/-O2, strict flags) equals ticketc --interpret
#    bit for bit, and equals the specification's integers computed by numpy except by 1 where
#    TFLite's double rounding meets a near-tie (check.py says which and how many)
#  - a QDQ graph with Tanh and a rescaling Relu between DequantizeLinear and QuantizeLinear
#    (tables), and a Clip of the integers
#  - two PyTorch QAT models (prepare_qat, torch.onnx.export; qnnpack's and fbgemm's qconfig):
#    the C equals --interpret, and at least 95% of its outputs equal PyTorch's fake-quantised
#    outputs, none more than 1 step off
#  - the uint8 API compiles and runs from its header
#  - bad input: one message naming the node, exit 1, nothing written
#  - run-time parameters (tests/qdq/qops_check.py): the quantisation ops as typed ops when
#    scales, zero points or weights are inputs or computed, MatMulInteger, ConvInteger and
#    DynamicQuantizeLinear: the C equals numpy's formulas exactly and --interpret byte for byte
#   TICKETC=build/ticketc tests/qdq/run.sh
set -u
ROOT=$(pwd)
TICKETC=${TICKETC:-build/ticketc}
case $TICKETC in /*) ;; *) TICKETC=$ROOT/$TICKETC ;; esac
PY=${PY:-/usr/bin/python3}
W=$ROOT/build/qdq-tests${SANITIZED:+-asan}
CF="-std=c99 -Wall -Wextra -Werror -pedantic"
fails=0
passes=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok   $*"; passes=$((passes + 1)); }
rm -rf "$W" && mkdir -p "$W"
"$PY" tests/qdq/gen_qdq_models.py "$W" || exit 1
"$PY" tests/qdq/gen_qdq_bad.py "$W" || exit 1
"$PY" tests/qdq/gen_qdq_islands.py "$W" || exit 1
"$PY" -c "import numpy as np; np.random.default_rng(5).integers(0, 256, (40, 1, 4)).astype(np.float32).__mul__(np.float32(0.1)).astype('<f4').tofile('$W/int_clip.in.f32')"
for b in qnnpack fbgemm; do
    "$PY" tests/qdq/gen_qat.py "$W" $b > "$W/qat.log" 2>&1 || { cat "$W/qat.log"; exit 1; }
done
"$PY" tests/qdq/gen_qat_residual.py "$W" > "$W/qat.log" 2>&1 || { cat "$W/qat.log"; exit 1; }
cd "$W" || exit 1

# NAME OPTIONS...: the C against --interpret (bit for bit), then against the specification
check() {
    name=$1
    shift
    if ! "$TICKETC" "$name.onnx" --main "$@" -o "$name.c"; then fail "$name: ticketc $*"; return; fi
    "$TICKETC" "$name.onnx" "$@" --interpret < "$name.in.f32" > "$name.want.f32" || { fail "$name: --interpret"; return; }
    for cco in ${BUILDS:-gcc:-O0 gcc:-O2 clang:-O2}; do
        cc=${cco%%:*} o=${cco#*:}
        command -v $cc > /dev/null || continue
        if ! $cc $CF $o "$name.c" -o "$name.$cc$o" 2> "$name.cc.err"; then fail "$name: $cc $o"; cat "$name.cc.err"; continue; fi
        ./"$name.$cc$o" < "$name.in.f32" > "$name.got"
        if cmp -s "$name.got" "$name.want.f32"; then pass "$name $* ($cc $o): bit-identical to --interpret"
        else fail "$name $* ($cc $o): differs from --interpret"; fi
    done
}
for m in qlmm qlconv qdq_mlp qdq_cnn qdq_table; do
    for s in unrolled loop dense; do
        BUILDS="gcc:-O2" check $m --strategy $s
    done
    check $m
    if [ -f $m.got ] && "$PY" "$ROOT/tests/qdq/check.py" . $m $m.got > $m.spec; then pass "$(cat $m.spec)"
    else fail "against the specification: $(cat $m.spec 2>/dev/null)"; fi
done

# PyTorch's own export: qnnpack's qconfig (per-tensor weights) and fbgemm's (per-channel
# weights; reduce_range writes a Clip of the integers to 0..127 after every QuantizeLinear), and a
# residual Add (FloatFunctional.add: a float island between the integer Gemms)
for m in qat qat_fbgemm qat_res; do
    check $m
    if M=$m "$PY" - <<'PYEOF'
import os
import numpy as np
m = os.environ["M"]
s, z = open(f"{m}.meta").read().split()
s = float(np.float32(float(s)))
t = np.rint(np.fromfile(f"{m}.torch.f32", "<f4") / s)
g = np.rint(np.fromfile(f"{m}.got", "<f4") / s)
eq, worst = int((t == g).sum()), float(np.abs(t - g).max())
open(f"{m}.cmp", "w").write(f"PyTorch QAT export ({m}): {eq} of {t.size} outputs equal to PyTorch's fake-quantised model, none more than {worst:g} step off\n")
raise SystemExit(0 if eq >= 0.95 * t.size and worst <= 1 else 1)
PYEOF
    then pass "$(cat $m.cmp)"; else fail "$m against PyTorch: $(cat $m.cmp 2>/dev/null)"; fi
done

# float islands: nodes with no integer form (a residual Add of two activations, Mul+Sigmoid of
# two, Softmax, AveragePool, Concat) in float between explicit dequantize and quantize steps;
# the C equals --interpret bit for bit, and the specification (numpy) on at least 95% of the
# outputs, none more than 1 step off (the integer layers' TFLite rounding next to a tie)
for m in isl_add isl_cnn isl_softmax; do
    [ $m = isl_softmax ] || check $m
    if [ $m = isl_softmax ]; then
        # the quantised Softmax bit for bit; the float Softmax output (tc_expf in the C, double exp
        # in the interpreter) within 1e-5 relative
        "$TICKETC" $m.onnx --main -o $m.c && cc $CF -O2 $m.c -o $m.bin && ./$m.bin < $m.in.f32 > $m.got &&
            "$TICKETC" $m.onnx --interpret < $m.in.f32 > $m.want.f32 &&
            "$PY" -c "
import numpy as np
g, w = np.fromfile('$m.got', '<f4').reshape(-1, 16), np.fromfile('$m.want.f32', '<f4').reshape(-1, 16)
raise SystemExit(0 if np.array_equal(g[:, :8], w[:, :8]) and np.allclose(g[:, 8:], w[:, 8:], rtol=1e-5, atol=0) else 1)
" && pass "$m: the quantised Softmax bit-identical to --interpret, the float one within 1e-5" ||
            fail "$m against --interpret"
    fi
    if [ -f $m.got ] && "$PY" "$ROOT/tests/qdq/check_islands.py" . $m $m.got > $m.spec; then pass "$(cat $m.spec)"
    else fail "against the specification: $(cat $m.spec 2>/dev/null)"; fi
done
# a long island (grouped Conv, Split, Sub, Transpose, Softmax, Mul; GlobalAveragePool, Reshape to a
# float output): C against --interpret within 1e-6 relative (float sums in another order)
"$TICKETC" isl_misc.onnx --main -o isl_misc.c && cc $CF -O2 isl_misc.c -o isl_misc.bin &&
    ./isl_misc.bin < isl_misc.in.f32 > isl_misc.got && "$TICKETC" isl_misc.onnx --interpret < isl_misc.in.f32 > isl_misc.want.f32 &&
    "$PY" -c "
import numpy as np
g, w = np.fromfile('isl_misc.got', '<f4'), np.fromfile('isl_misc.want.f32', '<f4')
raise SystemExit(0 if g.size == 80 and np.allclose(g, w, rtol=1e-6, atol=0) and np.ptp(w) > 0 else 1)
" && "$TICKETC" isl_misc.onnx --summary | grep -q "^float islands: 9 nodes" &&
    pass "a long island with a float output (grouped Conv ... GlobalAveragePool): the C within 1e-6 of --interpret" ||
    fail "isl_misc"
"$TICKETC" isl_add.onnx --summary > isl.out && grep -q "^float islands: 2 nodes" isl.out &&
    grep -q "node 6 Add 'residual': dequantises 'x_d' (scale 0.0399999991, zero point 0); dequantises 'h1_d'.*quantises 'a'" isl.out &&
    grep -q "^3 .*MatMul .*fc1" isl.out && grep -q "^10 .*MatMul .*fc2" isl.out &&
    pass "--summary names the float island nodes, the layers around them stay integer" || { fail "--summary of islands"; cat isl.out; }
"$TICKETC" isl_add.onnx -o isl_add_plain.c && grep -q "n6_residual(tc_f.*, tc_f.*, tc_f.*); /\* a float island \*/" isl_add_plain.c &&
    grep -q "= tc_qf(tc_f" isl_add_plain.c && grep -q "= tc_dqf(tc_a" isl_add_plain.c &&
    grep -q "static int32_t tc_srdhm" isl_add_plain.c &&
    pass "islands: explicit tc_dqf/tc_qf steps around the float node function in the C" || fail "island C form"
"$TICKETC" isl_softmax.onnx --summary | grep -q "node 9 Softmax 'softmax_float': dequantises 'l_d' (scale 0.0900000036, zero point 4); 'pf' is a float graph output" &&
    pass "--summary: a float island's graph output" || fail "--summary of a float island output"
# a layer with no QuantizeLinear after it, and one with Sigmoid fused, are islands too (their outputs float)
"$TICKETC" island.onnx --summary | grep -q "node 3 MatMul 'mm': dequantises 'xd'.*quantises 'hs'" &&
    "$TICKETC" unquantized_out.onnx --summary | grep -q "node 3 MatMul 'mm': dequantises 'xd'" &&
    pass "MatMul+Sigmoid and an unquantized layer output: float islands" || fail "layer islands"

"$TICKETC" qat_res.onnx --summary | grep -q "node 16 Add '/Add': dequantises .*; quantises '/Add_output_0'" &&
    pass "PyTorch's residual Add: a float island named by --summary" || fail "PyTorch residual --summary"

# --report and --annotate of a quantized model: the file's scales and zero points, the integer weights
"$TICKETC" isl_add.onnx --report isl.html && grep -q "<h2>Integer layers</h2>" isl.html &&
    grep -q "<td>0.0399999991 / 0</td><td>0.0599999987 / -8</td><td>0.01</td>" isl.html &&
    grep -q "float island: dequantises <code>x_d</code> (0.0399999991 / 0); dequantises <code>h1_d</code> (0.0599999987 / -8); quantises <code>a</code>" isl.html &&
    pass "--report: integer layers with the file's scales and zero points, the float islands" || fail "--report of a quantized model"
"$TICKETC" isl_cnn.onnx --annotate -o ann.c && cc $CF -c ann.c -o ann.o &&
    grep -q "acc += 50 \* x\[2\]; /\* wg\[0\]\[2\] = 50 \* 0.00999999978 = 0.5 (the model's 0.5) \*/" ann.c &&
    pass "--annotate: each int8 weight with its tensor element and the float it stands for" || fail "--annotate int8"
# --quantize --calibrate with --summary/--report: the quantisation error on the calibration samples
"$PY" -c "import numpy as np; np.random.default_rng(3).random((30, 784)).astype('<f4').tofile('calib.f32')"
"$TICKETC" "$ROOT/examples/lenet-ticket/models/ticket-r15.onnx" --quantize int8 --calibrate calib.f32 --summary > qerr.out &&
    grep -q "^quantisation error on the 30 calibration samples" qerr.out &&
    awk '/node [0-9]+ Gemm/ { n++; if ($8 + 0 > 0.2 && $8 + 0 < 0.6) ok++ } END { exit !(n == 3 && ok == 3) }' qerr.out &&
    "$TICKETC" "$ROOT/examples/lenet-ticket/models/ticket-r15.onnx" --quantize int8 --calibrate calib.f32 --report qerr.html &&
    grep -q "<th>error (steps): largest / rms</th>" qerr.html &&
    pass "--quantize --summary/--report: per layer the error in output steps (rms between 0.2 and 0.6)" ||
    { fail "quantisation error"; cat qerr.out; }

# the uint8 API from its header (QLinearMatMul's uint8 input and output)
"$TICKETC" qlmm.onnx -o api.c &&
    grep -q 'void api_run(const uint8_t \*in0, uint8_t \*out0);' api.h &&
    printf '#include "api.h"\nint main(void) { static uint8_t x[API_H_IN0_SIZE], y[API_H_OUT0_SIZE];\n  int i;\n  for (i = 0; i < API_H_IN0_SIZE; i++) x[i] = API_H_IN0_ZERO_POINT;\n  api_run(x, y);\n  return API_H_OUT0_ZERO_POINT == 120 && y[0] == 120 ? 0 : 1; }\n' > api_main.c &&
    cc $CF api_main.c api.c -o api_main && ./api_main && pass "uint8 API: header, types, zero points (x at its zero point gives y at its own)" ||
    fail "uint8 API"

# tables: a Tanh and a Relu that changes scale (numpy above), a Clip of the integers (PyTorch's
# reduce_range export): the table is the clamp, and --summary names those nodes
"$TICKETC" qdq_table.onnx --summary > table.out && grep -q "node 6 Tanh 'tanh': no integer form; computed in float" table.out &&
    grep -q "node 9 Relu 'relu': no integer form" table.out && pass "--summary names the table nodes" ||
    { fail "--summary of tables"; cat table.out; }
check int_clip
# (x on its grid; acc * 0.1 * 0.01 / 0.1 has exact ties, which TFLite's requantising rounds away from zero)
"$PY" -c "
import numpy as np
xq = np.rint(np.fromfile('int_clip.in.f32', '<f4').reshape(-1, 4) / np.float32(0.1)).astype(np.int64)
y = np.rint(np.fromfile('int_clip.got', '<f4').reshape(-1, 3) / np.float32(0.1)).astype(np.int64) + 5
r = (xq @ (np.arange(12) % 7 - 3).reshape(4, 3)) * 0.01
pre = np.clip(np.sign(r) * np.floor(np.abs(r) + 0.5) + 5, 0, 255)
raise SystemExit(0 if (pre > 5).any() and np.array_equal(y, np.minimum(pre, 5)) else 1)
" && pass "Clip of integers: the table clamps to the file's bound" || fail "Clip of integers"

# a Cortex-M0+ has no FPU and no divider: a quantized model with tables and float I/O calls nothing
if command -v arm-none-eabi-gcc > /dev/null; then
    "$TICKETC" qat_fbgemm.onnx --strategy loop -o m0.c &&
        arm-none-eabi-gcc $CF -Os -mcpu=cortex-m0plus -mthumb -c m0.c -o m0.o &&
        [ -z "$(arm-none-eabi-nm -u m0.o)" ] && pass "Cortex-M0+: PyTorch's QAT model, arm-none-eabi-nm -u empty" ||
        { fail "Cortex-M0+ object needs:"; arm-none-eabi-nm -u m0.o; }
fi

# --summary names the source of the parameters
"$TICKETC" qdq_cnn.onnx --summary > summary.out && grep -q "the file's scales and zero points" summary.out &&
    grep -q "Conv.*conv1.*fused" summary.out && pass "--summary of a quantized model" || { fail "--summary"; cat summary.out; }

bad() { # STATUS 'EXPECTED MESSAGE PART' ARGS...
    st=$1 msg=$2
    shift 2
    rm -f out.c out.h
    "$TICKETC" "$@" -o out.c > /dev/null 2> bad.err
    rc=$?
    if [ $rc -ne "$st" ]; then fail "exit $rc (want $st): $*"; cat bad.err
    elif ! head -1 bad.err | grep -qF -- "$msg" || [ "$(wc -l < bad.err)" -ne $((st == 2 ? 2 : 1)) ]; then
        fail "message of: $*"; cat bad.err
    elif [ -e out.c ] || [ -e out.h ]; then fail "wrote output: $*"
    else pass "refused ($st): $(head -1 bad.err)"; fi
}
bad 1 "node 0 'q_in' (QuantizeLinear): scale 'sx'[0] is 0; scales must be positive and finite" scale_zero.onnx
bad 1 "node 0 'q_in' (QuantizeLinear): scale 'sx'[0] is -0.5; scales must be positive" scale_neg.onnx
bad 1 "node 0 'q_in' (QuantizeLinear): scale 'sx'[0] is nan; scales must be positive" scale_nan.onnx
bad 1 "node 0 'q_in' (QuantizeLinear): scale 'sx'[0] is inf; scales must be positive" scale_inf.onnx
bad 1 "node 0 'q_in' (QuantizeLinear): zero point 'zx'[0] is 300, outside uint8's 0 .. 255" zp_range.onnx
bad 1 "node 0 'q_in' (QuantizeLinear): zero point 'zx'[0] is -129, outside int8's -128 .. 127" zp_range8.onnx
bad 1 "node 2 'dq_w' (DequantizeLinear): per-axis scale 'ws' has 4 values, the quantised axis has 3" axis_len.onnx
bad 1 "node 2 'dq_w' (DequantizeLinear): the zero point 'wz' has 2 values, the scale 3" wzp_len.onnx
bad 1 "node 3 'mm' (MatMul): quantized model: a weight is 200 times its scale" uint8_w.onnx
bad 1 "node 5 'q_out2' (QuantizeLinear): tensor 'h' has scale 0.100000001" two_scales.onnx
bad 1 "node 6 'dq_out' (DequantizeLinear): 'hc' is made by node 5 'relu_q' (Relu)" int_relu.onnx
bad 1 "node 2 'add_raw' (Add): quantized model: computed in float (no integer form), it reads the float graph input 'x' itself" isl_rawin.onnx
# MatMulInteger (int32 results) is not in the integer path: a run-time typed op (qops.c), as are the
# quantisation ops whose parameters are graph inputs or computed (tests/qdq/qops_check.py)
"$TICKETC" mmi.onnx -o mmi.c && grep -q "n0_mmi(const uint8_t \*x0, int32_t \*y)" mmi.c &&
    pass "MatMulInteger with constant weights: an int32 run-time op" || fail "MatMulInteger"
if "$PY" "$ROOT/tests/qdq/qops_check.py" "$TICKETC" "$W/qops" > qops.log 2>&1; then pass "$(tail -1 qops.log) ($(grep -c '^ok' qops.log) checks: tests/qdq/qops_check.py)"
else fail "tests/qdq/qops_check.py:"; grep -v '^ok' qops.log; fi
# an int8 input outside a quantized model is an integer tensor at run time (emit_types.c): Relu has no integer form
bad 1 "node 0 'r' (Relu): input must be float" int_in.onnx
bad 2 "the model is quantized already" qdq_mlp.onnx --quantize int8 --calibrate qdq_mlp.in.f32
bad 2 "a quantized model does not work with --weights-section" qdq_mlp.onnx --weights-section .w
mkdir -p masks_w1 && "$PY" -c "import numpy as np; np.save('masks_w1/w1.npy', np.ones((16, 12), np.float32))"
bad 2 "--emit-dsl writes a quantized model's integer weights as the file has them, without --masks" qdq_mlp.onnx \
    --masks masks_w1 --emit-dsl dsl_out

# --emit-dsl of a quantized model: the graph as read (QuantizeLinear, DequantizeLinear, QLinear
# layers; int8/uint8/int32 constants, int8/uint8 inputs) as a .tc that gives the same C, byte for
# byte but for the header comment, and writes the same .tc again
body() { awk 'f;/^ \*\//{f=1}' "$1"; }
rt() { # MODEL OPTIONS...
    m=$1
    shift
    rt_n=$((rt_n + 1))
    R=rt_$(basename "$m" .onnx)
    rm -rf "$R" && mkdir -p "$R/a" "$R/b"
    if ! "$TICKETC" "$m.onnx" "$@" --emit-dsl "$R/dsl" -o "$R/a/m.c" 2> "$R/err" ||
        ! "$TICKETC" "$R/dsl/model.tc" "$@" -o "$R/b/m.c" --emit-dsl "$R/again" 2>> "$R/err"; then
        fail "--emit-dsl round trip $m $*"; cat "$R/err"; return
    fi
    for f in a/m.c b/m.c a/m.h b/m.h; do body "$R/$f" > "$R/$f.body"; done
    grep -v '^#' "$R/dsl/model.tc" > "$R/dsl.body"
    grep -v '^#' "$R/again/model.tc" > "$R/again.body"
    if ! cmp -s "$R/a/m.c.body" "$R/b/m.c.body" || ! cmp -s "$R/a/m.h.body" "$R/b/m.h.body"; then
        fail "--emit-dsl round trip $m $*: the C from the .tc differs"; diff "$R/a/m.c.body" "$R/b/m.c.body" | head -10
    elif ! cmp -s "$R/dsl.body" "$R/again.body"; then
        fail "--emit-dsl round trip $m $*: the .tc written from the .tc differs"; diff "$R/dsl.body" "$R/again.body" | head
    else
        rt_ok=$((rt_ok + 1))
    fi
}
rt_ok=0 rt_n=0
RT="qlmm qlconv qdq_mlp qdq_cnn qdq_table int_clip qat qat_fbgemm qat_res isl_add isl_cnn isl_softmax isl_misc island
    unquantized_out mmi qops/q_axis qops/q_nozp qops/mmi_dq qops/convint qops/qlconv qops/qlmm_rt qops/dynq qops/mmi_fold"
# under the sanitizers (make asan-tests) one model of each kind: the plain pass has them all
[ -n "${SANITIZED:-}" ] && RT="qlmm qdq_mlp qat_fbgemm isl_add qops/q_axis qops/mmi_dq"
for m in $RT; do
    rt $m
done
if [ -z "${SANITIZED:-}" ]; then
    for s in unrolled loop dense; do rt qdq_cnn --strategy $s; rt qat_fbgemm --strategy $s --target cortex-m; done
fi
rt qlmm --main
[ $rt_ok -eq $rt_n ] && pass "--emit-dsl of $rt_ok quantized models and option sets: the .tc gives the same C" ||
    fail "--emit-dsl round trips: $rt_ok of $rt_n passed"
# the .tc reads the integer types back: int8/uint8 input, int8/uint8/int32 constants, QLinearMatMul
grep -q '^input x uint8 \[1, 24\]$' rt_qlmm/dsl/model.tc && grep -q '^const wzp uint8 \[\] = \[128\]$' rt_qlmm/dsl/model.tc &&
    grep -q '^const b1q int32 \[12\] = ' rt_qdq_mlp/dsl/model.tc && grep -q 'onnx.QLinearMatMul(x, xs, xzp, w, ws, wzp, ys, yzp' rt_qlmm/dsl/model.tc &&
    pass "--emit-dsl: integer inputs and constants typed in the .tc" || fail "--emit-dsl's integer types"
# one zero point changed in the .tc: other C
sed 's/^const z2 int8 \[\] = \[-10\]$/const z2 int8 [] = [-11]/' rt_qdq_mlp/dsl/model.tc > rt_qdq_mlp/dsl/bent.tc
mkdir -p rt_qdq_mlp/bent
if ! cmp -s rt_qdq_mlp/dsl/model.tc rt_qdq_mlp/dsl/bent.tc && "$TICKETC" rt_qdq_mlp/dsl/bent.tc -o rt_qdq_mlp/bent/m.c &&
    body rt_qdq_mlp/bent/m.c > rt_qdq_mlp/bent/m.c.body && ! cmp -s rt_qdq_mlp/b/m.c.body rt_qdq_mlp/bent/m.c.body; then
    pass "one zero point changed in the .tc: the C differs"
else
    fail "a changed zero point went unnoticed"
fi

echo "qdq tests: $passes passed, $fails failed"
[ $fails -eq 0 ]
