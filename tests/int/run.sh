#!/bin/sh
# The integer path (--quantize int8, issue 16), in well under a minute:
#  - rq_check: the generated requantising, quantising and dequantising helpers
#    against the reference interpreter's (interp_int.c), bit for bit
#  - generated code against ticketc --interpret (the integer oracle), bit for bit
#    (cmp), on the LeNet r15 ticket (calibrated on 100 training images, 300 test
#    images) under every strategy and Cortex-M auto within a budget (gcc -O2, clang
#    -O0), and on a small MatMul/Reshape/Relu/Gemm model of 3 rows (gcc and clang,
#    -O0 and -O2) and the CNN ticket r10 (Conv, MaxPool: 60 images); always -std=c99 -Wall -Wextra -Werror -pedantic
#  - the r15 loop form on aarch64, armhf and a Cortex-M4 (QEMU), and unrolled -Os on the
#    Cortex-M4 (tc_q8f through its FPU), on test images and made-up ones: the same bytes
#  - a Cortex-M0+ object calls no library function (arm-none-eabi-nm -u empty)
#  - bad input: one message, the exit status, nothing written
#   TICKETC=build/ticketc INT_OBJS="..." INT_LIBS="..." tests/int/run.sh
set -u
ROOT=$(pwd)
TICKETC=${TICKETC:-build/ticketc}
case $TICKETC in /*) ;; *) TICKETC=$ROOT/$TICKETC ;; esac
PY=${PY:-/usr/bin/python3}
IDX2F32=${IDX2F32:-$ROOT/build/tools/idx2f32}
DATA=/usr/share/datasets/fashion-mnist
W=$ROOT/build/int-tests${SANITIZED:+-asan}
CF="-std=c99 -Wall -Wextra -Werror -pedantic"
# under the sanitizers (make asan-tests) ticketc is the sanitized build, and each case's C
# builds once, gcc -O0 under ASan+UBSan; other compilers, levels and the ARM runs are the
# plain pass's (make run-tests): the same C again would test nothing new
SAN_BUILD=
[ -n "${SANITIZED:-}" ] && SAN_BUILD="gcc:-O0:-fsanitize=address,undefined:-fno-sanitize-recover=all"
fails=0
passes=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok   $*"; passes=$((passes + 1)); }
rm -rf "$W" && mkdir -p "$W"
OBJS=
for o in ${INT_OBJS:-}; do case $o in /*) OBJS="$OBJS $o" ;; *) OBJS="$OBJS $ROOT/$o" ;; esac; done
"$PY" tests/int/gen_int_models.py "$W" || exit 1
gunzip -c $DATA/train-images-idx3-ubyte.gz > "$W/train.idx" && "$IDX2F32" "$W/train.idx" 100 > "$W/r15.calib.f32" || exit 1
gunzip -c $DATA/t10k-images-idx3-ubyte.gz > "$W/test.idx" && "$IDX2F32" "$W/test.idx" 300 > "$W/r15.test.f32" || exit 1
R15=$ROOT/examples/lenet-ticket/models/ticket-r15.onnx
cp "$R15" "$W/r15.onnx"
cd "$W" || exit 1

# the helpers, as a generated file carries them, against interp_int.c
"$TICKETC" mlp_batch.onnx --quantize int8 --calibrate mlp_batch.calib.f32 -o helpers_src.c || exit 1
sed -n '/^\/\* TFLite.s MultiplyByQuantizedMultiplier/,/^\/\* int8 activations/p' helpers_src.c | sed '$d' > helpers.c
# (both products: 64-bit, and the 32-bit one of ARMv6-M, forced by -DTC_RQ_32; tc_q8f
# through the FPU and, with -DTC_Q8_INT, in integers)
for def in -DTC_RQ_64 -DTC_RQ_32 -DTC_Q8_INT; do
    if ${CC:-cc} -std=c99 -O1 $def -I"$ROOT/compiler" -I. "$ROOT/tests/int/rq_check.c" $OBJS -o rq_check ${INT_LIBS:-} -lm &&
        ./rq_check > rq_check.out; then
        pass "$(cat rq_check.out) ($def)"
    else
        fail "helpers ($def) differ from interp_int.c:"; cat rq_check.out
    fi
done

# one model and option set: the C compiled several ways must give --interpret's bytes
check() { # NAME MODEL CALIB TEST OPTIONS...
    name=$1 model=$2 calib=$3 test=$4
    shift 4
    if ! "$TICKETC" "$model" --quantize int8 --calibrate "$calib" --main "$@" -o "$name.c"; then
        fail "$name: ticketc $*"; return; fi
    "$TICKETC" "$model" --quantize int8 --calibrate "$calib" "$@" --interpret < "$test" > "$name.want" ||
        { fail "$name: --interpret"; return; }
    for cco in ${SAN_BUILD:-${BUILDS:-gcc:-O0 gcc:-O2 clang:-O0 clang:-O2}}; do
        cc=${cco%%:*} o=$(echo "${cco#*:}" | tr : ' ')
        exe=$name.$(echo "$cc$o" | tr -c 'A-Za-z0-9_\n' _)
        command -v $cc > /dev/null || continue
        {
            if ! $cc $CF $o "$name.c" -o "$exe" 2> "$name.cc.err"; then
                fail "$name: $cc $o"; cat "$name.cc.err"; continue; fi
            ./"$exe" < "$test" > "$name.got"
            if cmp -s "$name.got" "$name.want"; then pass "$name ($cc $o): bit-identical to --interpret"
            else fail "$name ($cc $o): differs from --interpret"; fi
        }
    done
}
for s in unrolled loop dense; do
    BUILDS="gcc:-O2 clang:-O0" check r15_$s r15.onnx r15.calib.f32 r15.test.f32 --strategy $s
    check mlp_batch_$s mlp_batch.onnx mlp_batch.calib.f32 mlp_batch.test.f32 --strategy $s
done
head -c $((784 * 4 * 60)) r15.test.f32 > cnn.test.f32
BUILDS="gcc:-O2" check cnn_r10 "$ROOT/examples/conv-ticket/models/ticket-r10.onnx" r15.calib.f32 cnn.test.f32 --strategy loop
# the integer Conv's unrolled form (fc1 to loop by the budget, for compile time) and dense form, at full size
BUILDS="gcc:-O2 gcc:-O2:-DTC_NO_VEC" check cnn_r10_unrolled "$ROOT/examples/conv-ticket/models/ticket-r10.onnx" \
    r15.calib.f32 cnn.test.f32 --code-budget 100000
grep -q 'int8 unrolled' cnn_r10_unrolled.c && pass "cnn r10 within the budget: unrolled Convs" ||
    fail "cnn r10 budget: no unrolled Conv"
BUILDS="gcc:-O2" check cnn_r10_dense "$ROOT/examples/conv-ticket/models/ticket-r10.onnx" r15.calib.f32 cnn.test.f32 \
    --strategy dense
# the Conv forms' edges (pads, strides, dilation, an empty channel, 7 channels): x86 PMADDWD,
# generic vectors (-DTC_NO_VEC: one position at a time), -march=native
for s in unrolled dense loop; do
    BUILDS="gcc:-O0 gcc:-O2 gcc:-O2:-DTC_NO_VEC gcc:-O2:-march=native clang:-O0 clang:-O2" \
        check conv_shapes_$s conv_shapes.onnx conv_shapes.calib.f32 conv_shapes.test.f32 --strategy $s
done
# on a Cortex-M the first layer of r15 runs input by input, its zero inputs skipped (the
# calibration samples say they are often 0): the same bits
BUILDS="gcc:-O0 gcc:-O2 clang:-O2" check r15_m_unrolled r15.onnx r15.calib.f32 r15.test.f32 --target cortex-m --strategy unrolled
grep -q 'int8 unrolled input by input' r15_m_unrolled.c && pass "r15 unrolled cortex-m: fc1 input by input" ||
    fail "r15 unrolled cortex-m: no layer input by input"
BUILDS="gcc:-Os" check r15_m_budget r15.onnx r15.calib.f32 r15.test.f32 --target cortex-m --code-budget 24576
grep -q 'int8 loop' r15_m_budget.c && pass "r15 auto cortex-m in 24 KiB: loop forms" || fail "r15 budget: no loop form"

# --io int8: the driver quantises and dequantises as the float-I/O model does (same bytes);
# the header declares int8 I/O with scales and zero points, and compiles on its own
BUILDS="gcc:-O2" check r15_io_int8 r15.onnx r15.calib.f32 r15.test.f32 --strategy loop --io int8
"$TICKETC" r15.onnx --quantize int8 --calibrate r15.calib.f32 --io int8 -o io.c &&
    printf '#include "io.h"\nint main(void) { static int8_t x[IO_H_IN0_SIZE], y[IO_H_OUT0_SIZE];\n  io_run(x, y);\n  return (IO_H_OUT0_ZERO_POINT + (int)(IO_H_IN0_SCALE * 0.0f) + y[0]) & 0; }\n' > io_main.c &&
    cc $CF io_main.c io.c -o io_main && ./io_main && pass "--io int8: header and int8 API compile and run" ||
    fail "--io int8 header or API"

# the same bytes on ARM: aarch64 and armhf (qemu-user), a Cortex-M4 (qemu-system-arm,
# newlib + semihosting as tests/arm/run.sh), against --interpret's
RT=$ROOT/runtime/arm
M4="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"
head -c $((784 * 4 * 40)) r15.test.f32 > in40.f32
# and 4 made-up images that take tc_q8f's way out of the FPU: values within 1e-6 of a
# half step (the input scale is 1/255), large ones, NaN, infinities, subnormals
"$PY" -c '
import struct, random
random.seed(7)
v = []
for i in range(4 * 784):
    k = i % 8
    if k < 4: v.append((random.randrange(-300, 600) + 0.5) / 255 + random.uniform(-1e-6, 1e-6))
    elif k == 4: v.append(random.uniform(-1e6, 1e6))
    elif k == 5: v.append([float("nan"), float("inf"), float("-inf"), 1e-40, -0.0][i % 5])
    else: v.append(random.uniform(-0.5, 1.5))
open("in40.f32", "ab").write(struct.pack("<%df" % len(v), *v))
' || fail "made-up inputs"
"$TICKETC" r15.onnx --quantize int8 --calibrate r15.calib.f32 --strategy loop --interpret < in40.f32 > arm.want
for t in a64 a32 m4 m4u m4c; do
    [ -n "$SAN_BUILD" ] && break
    case $t in
    a64) command -v qemu-aarch64 > /dev/null && aarch64-linux-gnu-gcc $CF -O2 -static r15_loop.c -o r15_a64 &&
             qemu-aarch64 ./r15_a64 < in40.f32 > arm.got ;;
    a32) command -v qemu-arm > /dev/null && arm-linux-gnueabihf-gcc $CF -O2 -static r15_loop.c -o r15_a32 &&
             qemu-arm ./r15_a32 < in40.f32 > arm.got ;;
    m4) command -v qemu-system-arm > /dev/null && arm-none-eabi-gcc $CF -O2 $M4 --specs=rdimon.specs -I"$RT" \
            -T "$RT/cm4.ld" r15_loop.c "$RT/cm4_start.c" "$RT/semihost_stdio.c" -o r15_m4.elf &&
            mkdir -p m4 && cp in40.f32 m4/in.f32 && rm -f m4/out.f32 &&
            (cd m4 && timeout 300 qemu-system-arm -M mps2-an386 -nographic -semihosting -kernel ../r15_m4.elf \
                < /dev/null > /dev/null) && mv m4/out.f32 arm.got ;;
    m4u) command -v qemu-system-arm > /dev/null && arm-none-eabi-gcc $CF -Os $M4 --specs=rdimon.specs -I"$RT" \
            -T "$RT/cm4.ld" r15_unrolled.c "$RT/cm4_start.c" "$RT/semihost_stdio.c" -o r15_m4u.elf &&
            mkdir -p m4 && cp in40.f32 m4/in.f32 && rm -f m4/out.f32 &&
            (cd m4 && timeout 300 qemu-system-arm -M mps2-an386 -nographic -semihosting -kernel ../r15_m4u.elf \
                < /dev/null > /dev/null) && mv m4/out.f32 arm.got ;;
    m4c) command -v qemu-system-arm > /dev/null && arm-none-eabi-gcc $CF -Os $M4 --specs=rdimon.specs -I"$RT" \
            -T "$RT/cm4.ld" r15_m_unrolled.c "$RT/cm4_start.c" "$RT/semihost_stdio.c" -o r15_m4c.elf &&
            mkdir -p m4 && cp in40.f32 m4/in.f32 && rm -f m4/out.f32 &&
            (cd m4 && timeout 300 qemu-system-arm -M mps2-an386 -nographic -semihosting -kernel ../r15_m4c.elf \
                < /dev/null > /dev/null) && mv m4/out.f32 arm.got ;;
    esac
    rc=$? form=loop
    [ $t = m4u ] && form="unrolled (-Os)"
    [ $t = m4c ] && form="unrolled input by input (-Os)"
    if [ $rc -ne 0 ]; then fail "r15 $form on $t: build or run"
    elif cmp -s arm.got arm.want; then pass "r15 $form on $t: bit-identical to --interpret"
    else fail "r15 $form on $t: differs from --interpret"; fi
    rm -f arm.got
done

# the float input quantised 4 at a time (tc_q8v, GNU C vectors on x86-64 and AArch64), the
# made-up images above taking its way back to tc_q8f: the host's bytes are --interpret's
# (under the sanitizers too: the vector path has no signed overflow)
grep -q 'tc_q8v(in0' r15_loop.c && pass "r15 loop: input quantised by tc_q8v" || fail "r15 loop: no tc_q8v"
for b in gcc:-O2 clang:-O2 gcc:-O3:-march=native ${SAN_BUILD:+$SAN_BUILD}; do
    cc=${b%%:*} fl=$(echo "${b#*:}" | tr : ' ')
    if $cc $CF $fl r15_loop.c -o r15_q8v && ./r15_q8v < in40.f32 > q8v.got; then
        cmp -s q8v.got arm.want && pass "r15 loop, $cc $fl: tc_q8v's bytes are --interpret's (40 images and 4 made up)" ||
            fail "r15 loop, $cc $fl: differs from --interpret on in40.f32"
    else fail "r15 loop, $cc $fl: build or run"; fi
done

# r15 --target cortex-m on the Cortex-M4 above (m4c): fc1 input by input and fc2, fc3 by rows,
# all streamed (SMLATB for about half of the 9,537 terms)
if [ -z "$SAN_BUILD" ] && [ -e r15_m4c.elf ]; then
    n=$(arm-none-eabi-objdump -d r15_m4c.elf | grep -c smlatb)
    [ "$n" -ge 4000 ] && pass "r15 unrolled cortex-m on m4c: weights streamed ($n SMLATB)" ||
        fail "r15 unrolled cortex-m on m4c: $n SMLATB, not streamed"
fi
# the streamed layers' requantising (tc_rqs8, tc_rqs8n: UMLAL, USAT) against tc_out8q and
# tc_out8p, the helpers of the same generated file, on the Cortex-M4
if [ -z "$SAN_BUILD" ] && command -v qemu-system-arm > /dev/null; then
    { sed -n '1,/^\/\* int8 activations/p' r15_m_unrolled.c | sed '$d'
      sed -n '/^\/\* int8 weight streams/,/^\/\* \(input by input\|the kept weights\)/p' r15_m_unrolled.c | sed '$d' | sed '$d'
      cat "$ROOT/tests/int/rqs_m4.c"; } > rqs_m4.c
    if arm-none-eabi-gcc $CF -Wno-unused-function -O2 $M4 --specs=rdimon.specs -I"$RT" -T "$RT/cm4.ld" rqs_m4.c "$RT/cm4_start.c" \
            -o rqs_m4.elf 2> rqs_m4.err &&
        timeout 300 qemu-system-arm -M mps2-an386 -nographic -semihosting -kernel rqs_m4.elf < /dev/null > rqs_m4.out; then
        pass "$(cat rqs_m4.out) (Cortex-M4)"
    else
        fail "tc_rqs8/tc_rqs8n on the Cortex-M4:"; cat rqs_m4.err rqs_m4.out
    fi
fi
# the weight streams (--target cortex-m, unrolled by rows, TC_I8S): r15 calibrated on images
# without a zero pixel, so that no layer runs input by input and all 9,537 terms stream, and
# the 3-row mlp_batch; on a Cortex-M4 (-Os: LDM, SMLABB, SMLATB; and -DTC_NO_I8S, the literal
# weights), the same bytes as --interpret
"$PY" -c '
import random, struct
random.seed(3)
open("nz.calib.f32", "wb").write(struct.pack("<%df" % (20 * 784), *[random.uniform(0.05, 1.0) for i in range(20 * 784)]))
' || fail "calibration without zeros"
"$TICKETC" r15.onnx --quantize int8 --calibrate nz.calib.f32 --target cortex-m --strategy unrolled --main -o r15_s.c &&
    "$TICKETC" r15.onnx --quantize int8 --calibrate nz.calib.f32 --target cortex-m --strategy unrolled --interpret \
        < in40.f32 > s.want || fail "r15 streamed: ticketc"
[ "$(grep -c 'int8 unrolled, the weights streamed' r15_s.c)" = 3 ] && pass "r15 cortex-m, no zero inputs: 3 layers streamed" ||
    fail "r15 cortex-m without zero inputs: not every layer streamed"
"$TICKETC" mlp_batch.onnx --quantize int8 --calibrate mlp_batch.calib.f32 --target cortex-m --strategy unrolled --main \
    -o mlp_s.c && "$TICKETC" mlp_batch.onnx --quantize int8 --calibrate mlp_batch.calib.f32 --target cortex-m \
    --strategy unrolled --interpret < mlp_batch.test.f32 > mlp_s.want || fail "mlp_batch streamed: ticketc"
for v in r15_s:-Os:in40.f32:s.want r15_s:-Os:-DTC_NO_I8S:in40.f32:s.want mlp_s:-O2:mlp_batch.test.f32:mlp_s.want; do
    [ -n "$SAN_BUILD" ] && break
    command -v qemu-system-arm > /dev/null || break
    IFS=: read -r src o1 o2 inp want <<EOV
$v
EOV
    case $o2 in -D*) ;; *) want=$inp inp=$o2 o2= ;; esac
    exe=$src$o2.elf
    if ! arm-none-eabi-gcc $CF $o1 $o2 $M4 --specs=rdimon.specs -I"$RT" -T "$RT/cm4.ld" $src.c "$RT/cm4_start.c" \
            "$RT/semihost_stdio.c" -o $exe || ! mkdir -p m4 || ! cp $inp m4/in.f32 || ! rm -f m4/out.f32 ||
        ! (cd m4 && timeout 300 qemu-system-arm -M mps2-an386 -nographic -semihosting -kernel ../$exe \
            < /dev/null > /dev/null) || ! mv m4/out.f32 s.got; then
        fail "$src $o1 $o2 on m4: build or run"
    elif ! cmp -s s.got $want; then fail "$src streamed ($o1 $o2) on m4: differs from --interpret"
    else
        n=$(arm-none-eabi-objdump -d $exe | grep -c 'smlatb')
        if [ -z "$o2" ] && [ "$n" -eq 0 ]; then fail "$src streamed ($o1) on m4: no SMLATB"
        else pass "$src streamed ($o1 $o2) on m4: bit-identical to --interpret ($n SMLATB)"; fi
    fi
    rm -f s.got
done

# a Cortex-M0+ has no FPU and no divider: the integer model calls nothing
if command -v arm-none-eabi-gcc > /dev/null; then
    "$TICKETC" r15.onnx --quantize int8 --calibrate r15.calib.f32 --strategy loop -o m0lib.c &&
        arm-none-eabi-gcc $CF -Os -mcpu=cortex-m0plus -mthumb -c m0lib.c -o m0lib.o &&
        [ -z "$(arm-none-eabi-nm -u m0lib.o)" ] && pass "Cortex-M0+: arm-none-eabi-nm -u empty" ||
        { fail "Cortex-M0+ object needs:"; arm-none-eabi-nm -u m0lib.o; }
fi

# bad input: status, one message, nothing written
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
head -c 1000 mlp_batch.calib.f32 > short.f32
"$PY" -c "import numpy as np; a=np.zeros((2,3,16),'<f4'); a[1,2,3]=np.nan; a.tofile('nan.f32')"
"$PY" -c "import numpy as np; np.full((2,3,16),3e38,'<f4').tofile('huge.f32')"
: > empty.f32
bad 2 "needs calibration samples" mlp_batch.onnx --quantize int8
bad 2 "unknown --quantize 'int4'" mlp_batch.onnx --quantize int4 --calibrate mlp_batch.calib.f32
bad 1 "not a whole number of samples" mlp_batch.onnx --quantize int8 --calibrate short.f32
bad 1 "not a whole number of samples" mlp_batch.onnx --quantize int8 --calibrate empty.f32
bad 1 "cannot read" mlp_batch.onnx --quantize int8 --calibrate missing.f32
bad 1 "value 35 is not finite" mlp_batch.onnx --quantize int8 --calibrate nan.f32
bad 1 "is not finite" mlp_batch.onnx --quantize int8 --calibrate huge.f32
bad 1 "node 0 'conv1' (Conv): --quantize int8: the integer Conv has group 1 and batch 1 only (found group 2" \
    conv.onnx --quantize int8 --calibrate conv.calib.f32
bad 1 "node 0 'sig1' (Sigmoid): --quantize int8: the integer path has no Sigmoid yet" sigmoid.onnx --quantize int8 \
    --calibrate sigmoid.calib.f32
bad 2 "--io int8 is for --quantize int8" mlp_batch.onnx --io int8
bad 2 "unknown --io 'int16'" mlp_batch.onnx --quantize int8 --calibrate mlp_batch.calib.f32 --io int16
bad 2 "does not work with --weights-section" mlp_batch.onnx --quantize int8 --calibrate mlp_batch.calib.f32 --weights-section .w
bad 2 "does not work with --arena caller" mlp_batch.onnx --quantize int8 --calibrate mlp_batch.calib.f32 --arena caller
bad 2 "does not work with --arena caller or --arena-section" mlp_batch.onnx --quantize int8 --calibrate mlp_batch.calib.f32 \
    --arena-section .tc_arena
bad 2 "--profile does not time the integer path" mlp_batch.onnx --quantize int8 --calibrate mlp_batch.calib.f32 --profile

# --emit-dsl with --quantize int8 --calibrate: the model and its integer form (quantize int8,
# quant NAME int8(scale=S, zero_point=Z)); DIR/model.tc compiled without the samples gives the
# same C as the command, byte for byte but for the header comment (model file, hash, options)
body() { awk 'f;/^ \*\//{f=1}' "$1"; }
qrt() { # NAME MODEL CALIB OPTIONS... (TCOPTS: options for the .tc's compile only)
    name=$1 model=$2 calib=$3
    shift 3
    R=rt_$name
    rm -rf "$R" && mkdir -p "$R/a" "$R/b"
    if ! "$TICKETC" "$model" --quantize int8 --calibrate "$calib" "$@" --emit-dsl "$R/dsl" -o "$R/a/m.c" 2> "$R/err" ||
        ! "$TICKETC" "$R/dsl/model.tc" "$@" ${TCOPTS:-} -o "$R/b/m.c" 2>> "$R/err"; then
        fail "--emit-dsl round trip $name $*"; cat "$R/err"; return
    fi
    for f in a/m.c b/m.c a/m.h b/m.h; do body "$R/$f" > "$R/$f.body"; done
    if cmp -s "$R/a/m.c.body" "$R/b/m.c.body" && cmp -s "$R/a/m.h.body" "$R/b/m.h.body"; then
        pass "--emit-dsl round trip $name $*${TCOPTS:+ (.tc: $TCOPTS)}: the .tc gives the same C ($(grep -c '^quant ' "$R/dsl/model.tc") quant statements)"
    else
        fail "--emit-dsl round trip $name $*: the C from the .tc differs"; diff "$R/a/m.c.body" "$R/b/m.c.body" | head -10
    fi
}
qrt r15 r15.onnx r15.calib.f32
if [ -z "${SANITIZED:-}" ]; then # (under the sanitizers: r15 and its Cortex-M form only)
    for s in unrolled loop dense; do qrt r15_$s r15.onnx r15.calib.f32 --strategy $s; done
    qrt r15_io r15.onnx r15.calib.f32 --io int8 --main
fi
# Cortex-M's planner also weighs how often each input is 0 on the samples (the by-input form):
# quant ... nonzero=npy(...) carries those frequencies; --calibrate with the .tc measures them again
qrt r15_cm r15.onnx r15.calib.f32 --target cortex-m
"$TICKETC" rt_r15_cm/dsl/model.tc --target cortex-m --summary | grep -q " by-input " &&
    pass "the Cortex-M round trip has a by-input layer (nonzero= read back)" || fail "r15 --target cortex-m: no by-input layer"
if [ -z "${SANITIZED:-}" ]; then
    TCOPTS="--calibrate r15.calib.f32" qrt r15_cm_calib r15.onnx r15.calib.f32 --target cortex-m
    qrt cnn_r10 "$ROOT/examples/conv-ticket/models/ticket-r10.onnx" r15.calib.f32
    qrt cnn_r10_unrolled "$ROOT/examples/conv-ticket/models/ticket-r10.onnx" r15.calib.f32 --strategy unrolled --main
    qrt mlp_batch mlp_batch.onnx mlp_batch.calib.f32 --main
fi
# the .tc written again from the .tc: the same statements; one scale digit changed: other C
if "$TICKETC" rt_r15/dsl/model.tc --emit-dsl rt_r15/again -o rt_r15/again.c 2> rt_r15/err &&
    grep -v '^#' rt_r15/dsl/model.tc > rt_r15/dsl.body && grep -v '^#' rt_r15/again/model.tc > rt_r15/again.body &&
    cmp -s rt_r15/dsl.body rt_r15/again.body; then
    pass "--emit-dsl of the integer .tc writes the same statements"
else
    fail "--emit-dsl of the integer .tc differs"; cat rt_r15/err
fi
mkdir -p rt_r15/bent && cp rt_r15/dsl/*.npy rt_r15/bent/ &&
    awk '/^quant "\/Relu_output_0"/ && !d { match($0, /scale=[0-9.]*/);
         s = substr($0, RSTART, RLENGTH); c = substr(s, length(s), 1); c = c == "9" ? "8" : c + 1;
         $0 = substr($0, 1, RSTART + RLENGTH - 2) c substr($0, RSTART + RLENGTH); d = 1 } { print }' \
        rt_r15/dsl/model.tc > rt_r15/bent/model.tc
if [ "$(diff rt_r15/dsl/model.tc rt_r15/bent/model.tc | grep -c '^[<>]')" -eq 2 ] &&
    "$TICKETC" rt_r15/bent/model.tc -o rt_r15/bent/m.c 2> rt_r15/err && body rt_r15/bent/m.c > rt_r15/bent/m.c.body &&
    ! cmp -s rt_r15/bent/m.c.body rt_r15/b/m.c.body; then
    pass "one digit of one scale changed in the .tc: the C differs (the round trip above would fail)"
else
    fail "a changed scale digit went unnoticed"; diff rt_r15/dsl/model.tc rt_r15/bent/model.tc
fi
bad 2 "gives its integer form itself (quantize int8); leave out --quantize" rt_r15/dsl/model.tc --quantize int8 \
    --calibrate r15.calib.f32
bad 2 "an integer model (quantize int8) does not work with --arena caller" rt_r15/dsl/model.tc --arena caller

# --verify compiles the integer C and checks it against the integer oracle: no difference at all
if "$TICKETC" r15.onnx --quantize int8 --calibrate r15.calib.f32 --verify r15.test.f32 > verify.out 2>&1 &&
    grep -q "max abs diff 0, max rel diff 0, argmax agrees 300/300" verify.out; then
    pass "--verify with --quantize: 300 samples, the C equal to the integer oracle"
else
    fail "--verify with --quantize"; cat verify.out
fi
echo "int tests: $passes passed, $fails failed"
[ $fails -eq 0 ]
