#!/bin/sh
# ARM tests (make arm-test): ticketc's output cross-compiled for three ARM
# targets, run under QEMU, and compared bit for bit with the same C built
# and run on the host:
#   a64  aarch64-linux-gnu-gcc -O2 -static       qemu-aarch64
#   a32  arm-linux-gnueabihf-gcc -O2 -static     qemu-arm
#   m4   arm-none-eabi-gcc -O2, Cortex-M4F,      qemu-system-arm -M mps2-an386
#        newlib + semihosting (runtime/arm/)
# all with -std=c99 -Wall -Wextra -Werror -pedantic. Models: those of
# tests/run (built by gen_models.py) with every strategy, and the example
# Fashion-MNIST tickets on 100 real test images.
#
# Why bitwise: every target does IEEE-754 binary32 arithmetic with
# round-to-nearest and the generated code fixes the order of every sum;
# with ticketc --no-fma the code has no fused multiply-add, and in ISO C
# mode (-std=c99) GCC does not contract a * b + c into one either, so no
# target may round differently. By default ticketc's TC_FMA uses the
# target's fused multiply-add (aarch64 fmadd, Cortex-M4F vfma; not armhf's
# VFPv3 or x86-64 without -mfma): those builds are checked against the host
# within 1e-4 and with the same argmax.
#
# Also checked: the model code alone (no --main) calls no library function
# (arm-none-eabi-nm -u on its -Os object is empty), --weights-section
# puts the weight tables in the named section, and an int8 ticket runs on a
# Cortex-M0 (qemu-system-arm -M microbit) with --interpret's exact bytes.
#
#   TICKETC=build/ticketc PY=/usr/bin/python3 tests/arm/run.sh
set -u
ROOT=$(pwd)
TICKETC=$ROOT/${TICKETC:-build/ticketc}
PY=${PY:-/usr/bin/python3}
FCMP=$ROOT/${FCMP:-build/tools/fcmp}
IDX2F32=$ROOT/build/tools/idx2f32
RT=$ROOT/runtime/arm
W=$ROOT/build/arm-test
STRICT="-std=c99 -Wall -Wextra -Werror -pedantic"
M4="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"
TARGETS="a64 a32 m4"
fails=0
passes=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# build T C EXE: compiles the --main C file for target T
build() {
    case $1 in
    host) gcc $STRICT -O2 "$2" -o "$3" ;;
    a64) aarch64-linux-gnu-gcc $STRICT -O2 -static "$2" -o "$3" ;;
    a32) arm-linux-gnueabihf-gcc $STRICT -O2 -static "$2" -o "$3" ;;
    m4) arm-none-eabi-gcc $STRICT -O2 $M4 --specs=rdimon.specs -I"$RT" -T "$RT/cm4.ld" \
            "$2" "$RT/cm4_start.c" "$RT/semihost_stdio.c" -o "$3" ;;
    esac
}

# run T EXE DIR IN OUT: runs it on raw float32 samples IN (in DIR), writes OUT
run() {
    case $1 in
    host) "$2" < "$3/$4" > "$3/$5" ;;
    a64) qemu-aarch64 "$2" < "$3/$4" > "$3/$5" ;;
    a32) qemu-arm "$2" < "$3/$4" > "$3/$5" ;;
    # semihost_stdio.c opens in.f32 and out.f32 in QEMU's working directory
    m4) (cd "$3" && rm -f out.f32 && { [ "$4" = in.f32 ] || ln -sf "$4" in.f32; } &&
         timeout 300 qemu-system-arm -M mps2-an386 -nographic -semihosting -kernel "$2" < /dev/null &&
         mv out.f32 "$5") ;;
    esac
}

# check NAME DIR C IN [TARGETS]: host result, then every target bitwise against it
check() {
    name=$1 dir=$2 cf=$3 in=$4 # (sh has no locals: the callers' loops use other names)
    base=$(basename "$cf" .c)
    ok=1
    if ! build host "$dir/$cf" "$dir/$base-host" 2> "$dir/$base-host.err" ||
        ! run host "$dir/$base-host" "$dir" "$in" "$base-host.f32"; then
        fail "$name: host build or run"; head -20 "$dir/$base-host.err"; return
    fi
    for t in ${5:-$TARGETS}; do
        exe="$dir/$base-$t"
        [ $t = m4 ] && exe="$exe.elf"
        if ! build $t "$dir/$cf" "$exe" 2> "$exe.err"; then
            fail "$name: $t compiler rejects the generated C"; head -20 "$exe.err"; ok=0; continue
        fi
        if ! run $t "$exe" "$dir" "$in" "$base-$t.f32" 2> "$exe.run.err"; then
            fail "$name: $t run failed"; head -20 "$exe.run.err"; ok=0; continue
        fi
        if ! cmp -s "$dir/$base-host.f32" "$dir/$base-$t.f32"; then
            fail "$name: $t output differs from the host's"
            "$FCMP" --rel 0 --abs 0 "$dir/$base-$t.f32" "$dir/$base-host.f32"; ok=0
        fi
    done
    [ $ok = 1 ] && passes=$((passes + 1)) && echo "ok   $name: host, ${5:-$TARGETS} bitwise equal ($(($(wc -c < "$dir/$base-host.f32") / 4)) floats)"
}

# nolib NAME C: the model code (without --main) references no symbol it does not define
nolib() {
    o=${2%.c}-m4os.o
    if ! arm-none-eabi-gcc $STRICT -Os $M4 -c "$2" -o "$o" 2> "$o.err"; then
        fail "$1: arm-none-eabi-gcc -Os rejects the model code"; head -20 "$o.err"; return
    fi
    u=$(arm-none-eabi-nm -u "$o" | awk '{ print $2 }' | tr '\n' ' ')
    if [ -n "$u" ]; then
        fail "$1: the Cortex-M4 object calls library functions: $u"
    else
        passes=$((passes + 1)); echo "ok   $1: no undefined symbols (arm-none-eabi-nm -u, -Os)"
    fi
}

rm -rf "$W" && mkdir -p "$W/models"
start=$(date +%s)
"$PY" tests/run/gen_models.py "$W/models" > /dev/null || { echo "FAIL: gen_models.py"; exit 1; }

# ---- the run-test models, every strategy; identical files are built once ----
for d in "$W"/models/*/; do
    model=$(basename "$d")
    args=$(cat "$d/args")
    prev=""
    # stream: unrolled for --target cortex-m, the weights read from tables with vldmia
    for strat in auto unrolled dense stream; do
        sargs="--strategy $strat"
        [ $strat = stream ] && sargs="--strategy unrolled --target cortex-m"
        if ! "$TICKETC" "$d/model.onnx" -o "$d/$strat.c" --no-fma --prefix model --main $sargs $args 2> "$d/$strat.err" ||
            ! "$TICKETC" "$d/model.onnx" -o "$d/lib-$strat.c" --no-fma $sargs $args 2>> "$d/$strat.err"; then
            fail "$model/$strat: ticketc"; cat "$d/$strat.err"; continue
        fi
        # the same code but for the header comment (which records the options): built once
        same=""
        sed '1,/^ \*\//d' "$d/$strat.c" > "$d/$strat.body"
        for p in $prev; do cmp -s "$d/$p.body" "$d/$strat.body" && same=$p; done
        prev="$prev $strat"
        [ -n "$same" ] && continue
        check "$model/$strat" "$d" "$strat.c" in.f32
        nolib "$model/$strat" "$d/lib-$strat.c"
    done
done

# ---- the example Fashion-MNIST tickets on 100 test images ----
EX=$ROOT/examples/lenet-ticket/models
L=$W/lenet
mkdir -p "$L"
gunzip -c /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz > "$L/t10k-images"
"$IDX2F32" "$L/t10k-images" 100 > "$L/images100.f32"
rm -f "$L/t10k-images"
# r15 (3.6%): auto is unrolled; r07 (21%): auto is dense (r07 unrolled, 56,094 terms,
# takes a minute per compiler: make bench builds it)
for case in ticket-r15:auto ticket-r15:dense ticket-r07:auto; do
    m=${case%%:*}
    rest=${case#*:}
    strat=${rest%%:*}
    targets=""
    [ "$rest" != "$strat" ] && targets=${rest#*:}
    c=$(echo "${m}_$strat" | tr - _).c
    if ! "$TICKETC" "$EX/$m.onnx" -o "$L/$c" --no-fma --main --strategy $strat 2> "$L/$c.err" ||
        ! "$TICKETC" "$EX/$m.onnx" -o "$L/lib-$c" --no-fma --strategy $strat 2>> "$L/$c.err"; then
        fail "$m/$strat: ticketc"; cat "$L/$c.err"; continue
    fi
    check "lenet $m/$strat" "$L" "$c" images100.f32 "$targets"
    nolib "lenet $m/$strat" "$L/lib-$c"
done

# the convolutional ticket (round 10): convs unrolled, fully connected layers dense
CX=$ROOT/examples/conv-ticket/models
c=conv_ticket_r10.c
if "$TICKETC" "$CX/ticket-r10.onnx" -o "$L/$c" --no-fma --main 2> "$L/$c.err" &&
    "$TICKETC" "$CX/ticket-r10.onnx" -o "$L/lib-$c" --no-fma 2>> "$L/$c.err"; then
    check "conv ticket-r10/auto" "$L" "$c" images100.f32
    nolib "conv ticket-r10/auto" "$L/lib-$c"
else
    fail "conv ticket-r10: ticketc"; cat "$L/$c.err"
fi

# --target cortex-m streams the weights of unrolled layers (TC_LD<n>: vldmia on ARM with a
# VFP) and keeps one accumulator per neuron: the same values and sums as the literals with
# --partial-sums 1, so the same bits as those on the host
c=ticket_r15_stream.c
if "$TICKETC" "$EX/ticket-r15.onnx" -o "$L/$c" --no-fma --main --strategy unrolled --target cortex-m 2> "$L/$c.err" &&
    grep -q 'TC_LD8(w);' "$L/$c" &&
    "$TICKETC" "$EX/ticket-r15.onnx" -o "$L/r15_literals.c" --no-fma --main --strategy unrolled --partial-sums 1 2>> "$L/$c.err" &&
    build host "$L/r15_literals.c" "$L/r15_literals" 2>> "$L/$c.err" &&
    run host "$L/r15_literals" "$L" images100.f32 r15_literals.f32 2>> "$L/$c.err"; then
    check "lenet ticket-r15 --target cortex-m (weights streamed)" "$L" "$c" images100.f32
    if cmp -s "$L/ticket_r15_stream-host.f32" "$L/r15_literals.f32"; then
        passes=$((passes + 1)); echo "ok   lenet ticket-r15: streamed weights give the literals' output bit for bit"
    else
        fail "lenet ticket-r15: streamed weights and literals differ on the host"
    fi
else
    fail "ticket-r15 --target cortex-m: ticketc, or no weight stream"; cat "$L/$c.err"
fi

# --target cortex-m: auto unrolls r07's fc1 and fc2 (21%), where the host's auto takes dense
c=ticket_r07_cortexm.c
if "$TICKETC" "$EX/ticket-r07.onnx" --target cortex-m --summary > "$L/r07m.sum" 2> "$L/$c.err" &&
    awk '$2 == "Gemm" { s = s $NF " " } END { exit s != "unrolled unrolled dense " }' "$L/r07m.sum" &&
    "$TICKETC" "$EX/ticket-r07.onnx" --target cortex-m -o "$L/$c" --no-fma --main 2>> "$L/$c.err"; then
    check "lenet ticket-r07 --target cortex-m (fc1, fc2 unrolled, fc3 dense)" "$L" "$c" images100.f32 m4
else
    fail "ticket-r07 --target cortex-m: ticketc, or not the strategies expected"; cat "$L/$c.err" "$L/r07m.sum"
fi

# The default output: TC_FMA is the target's fused multiply-add where it has one.
if "$TICKETC" "$EX/ticket-r15.onnx" -o "$L/fma.c" --main 2> "$L/fma.err" && grep -q TC_FMA "$L/fma.c"; then
    for t in a64 m4; do
        exe="$L/fma-$t"
        [ $t = m4 ] && exe="$exe.elf"
        if build $t "$L/fma.c" "$exe" 2> "$exe.err" && run $t "$exe" "$L" images100.f32 "fma-$t.f32" 2>> "$exe.err" &&
            "$FCMP" --rel 1e-4 --abs 1e-4 --argmax 10 "$L/fma-$t.f32" "$L/ticket_r15_auto-host.f32" > "$exe.cmp" 2>&1; then
            if cmp -s "$L/fma-$t.f32" "$L/ticket_r15_auto-host.f32"; then
                fail "lenet ticket-r15 with TC_FMA on $t: bitwise equal to the unfused host, so no fused multiply-add was used"
            else
                passes=$((passes + 1)); echo "ok   lenet ticket-r15 with TC_FMA on $t: fused, same argmax, $(cat "$exe.cmp")"
            fi
        else
            fail "lenet ticket-r15 with TC_FMA on $t"; head -5 "$exe.err" "$exe.cmp" 2> /dev/null
        fi
    done
else
    fail "ticketc without --no-fma"; cat "$L/fma.err"
fi

# ---- --weights-section: the tables land in the named section ----
if "$TICKETC" "$EX/ticket-r15.onnx" -o "$L/ws.c" --no-fma --main --strategy dense --weights-section .tc_weights 2> "$L/ws.err" &&
    arm-none-eabi-gcc $STRICT -O2 $M4 -c "$L/ws.c" -o "$L/ws.o" 2>> "$L/ws.err"; then
    # the three layers' tables: on the host a layer of 32 outputs or more has its weight
    # rows and biases padded to a multiple of 16 outputs plus 128 floats of tail (fc1 304,
    # fc2 112), fc3 (10 outputs) keeps the plain table: (784 + 1) * 304 + 2 * 128 +
    # (300 + 1) * 112 + 2 * 128 + (100 + 1) * 10 floats
    want=$(((785 * 304 + 256 + 301 * 112 + 256 + 101 * 10) * 4))
    # section sizes, in hex in objdump's third column
    got=$(($(arm-none-eabi-objdump -h "$L/ws.o" | awk '$2 == ".tc_weights" { h = $3 } END { print "0x" (h ? h : 0) }')))
    ro=$(($(arm-none-eabi-objdump -h "$L/ws.o" | awk '$2 == ".rodata" { h = $3 } END { print "0x" (h ? h : 0) }')))
    if [ "${got:-0}" != "$want" ] || [ "${ro:-0}" -ge 1024 ]; then
        fail "--weights-section: .tc_weights has ${got:-no} bytes (expected $want), .rodata ${ro:-0}"
    elif ! build m4 "$L/ws.c" "$L/ws.elf" 2>> "$L/ws.err" || ! run m4 "$L/ws.elf" "$L" images100.f32 ws-m4.f32 ||
        ! cmp -s "$L/ws-m4.f32" "$L/ticket_r15_dense-host.f32"; then
        fail "--weights-section: the Cortex-M4 program with .tc_weights does not reproduce the host's output"
        cat "$L/ws.err"
    else
        passes=$((passes + 1)); echo "ok   --weights-section .tc_weights: $got bytes there, runs bitwise equal on the Cortex-M4"
    fi
else
    fail "--weights-section: ticketc or arm-none-eabi-gcc"; cat "$L/ws.err"
fi
for bad in '' 'a b' '.x")))' 'sec;tion'; do
    "$TICKETC" "$EX/ticket-r15.onnx" -o "$L/bad.c" --weights-section "$bad" > /dev/null 2> "$L/bad.err"
    rc=$?
    if [ $rc -ne 2 ] || ! grep -q "weights-section expects a section name" "$L/bad.err" || [ -e "$L/bad.c" ]; then
        fail "--weights-section '$bad': exit $rc, expected 2 with a usage message"; cat "$L/bad.err"
    else
        passes=$((passes + 1))
    fi
done
echo "ok   --weights-section rejects unsafe names"

# ---- int8 on a Cortex-M0 (QEMU's micro:bit: no FPU, no divider, 256 KiB flash, 16 KiB RAM) ----
# The integer model calls nothing (nm -u of its -mcpu=cortex-m0plus object is empty), and the
# whole program (newlib + semihosting driver) fits the board and gives --interpret's bytes.
# Calibrated on the 100 images it then runs on: the values do not matter to bit-exactness.
# Both forms: loop, and unrolled (under --target cortex-m, fc1 input by input; about 138 KB
# of flash, 10 s to compile).
M0="-mcpu=cortex-m0plus -mthumb"
M0LD="-Wl,--defsym=tc_flash_length=262144,--defsym=tc_ram_length=16384"
for form in loop unrolled; do
    c=int8-m0-$form.c
    fargs="--strategy $form --target cortex-m"
    # shellcheck disable=SC2086
    if ! "$TICKETC" "$EX/ticket-r15.onnx" --quantize int8 --calibrate "$L/images100.f32" $fargs -o "$L/$c" 2> "$L/$c.err" ||
        ! arm-none-eabi-gcc $STRICT -Os $M0 -c "$L/$c" -o "$L/${c%.c}.o" 2>> "$L/$c.err"; then
        fail "int8 r15 ($fargs) for the Cortex-M0: ticketc or arm-none-eabi-gcc"; cat "$L/$c.err"; continue
    fi
    u=$(arm-none-eabi-nm -u "$L/${c%.c}.o" | awk '{ print $2 }' | tr '\n' ' ')
    # shellcheck disable=SC2086
    if [ -n "$u" ]; then
        fail "int8 r15 ($fargs): the Cortex-M0 object calls library functions: $u"
    elif ! "$TICKETC" "$EX/ticket-r15.onnx" --quantize int8 --calibrate "$L/images100.f32" $fargs --main \
            -o "$L/m0main.c" 2>> "$L/$c.err" ||
        ! arm-none-eabi-gcc $STRICT -Os $M0 --specs=rdimon.specs -I"$RT" -T "$RT/cm4.ld" $M0LD \
            "$L/m0main.c" "$RT/cm4_start.c" "$RT/semihost_stdio.c" -o "$L/m0.elf" 2>> "$L/$c.err" ||
        ! "$TICKETC" "$EX/ticket-r15.onnx" --quantize int8 --calibrate "$L/images100.f32" $fargs --interpret \
            < "$L/images100.f32" > "$L/m0-want.f32" 2>> "$L/$c.err"; then
        fail "int8 r15 ($fargs): the Cortex-M0 program does not build"; cat "$L/$c.err"
    elif ! (cd "$L" && rm -f out.f32 && ln -sf images100.f32 in.f32 &&
            timeout 300 qemu-system-arm -M microbit -nographic -semihosting -kernel m0.elf < /dev/null &&
            mv out.f32 m0-got.f32) 2>> "$L/$c.err" || ! cmp -s "$L/m0-got.f32" "$L/m0-want.f32"; then
        fail "int8 r15 ($fargs) on the Cortex-M0 (QEMU microbit): no output, or not --interpret's"; cat "$L/$c.err"
    else
        passes=$((passes + 1))
        echo "ok   int8 r15 ($fargs) on a Cortex-M0 (QEMU microbit): nm -u empty, bitwise equal to --interpret, $(arm-none-eabi-size "$L/${c%.c}.o" | awk 'NR == 2 { print $1 + $2 }') bytes of flash"
    fi
done

echo "arm tests: $passes passed, $fails failed ($(($(date +%s) - start)) s)"
[ $fails -eq 0 ]
