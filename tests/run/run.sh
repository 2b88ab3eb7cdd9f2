#!/bin/sh
# Run tests: compile test models with ticketc, build the C strictly (gcc and
# clang, no libm), run it and compare with numpy's expectations; run the
# reference interpreter on the same inputs; PyTorch's logits on the examples;
# --code-budget; --annotate's comments. (Golden C and error messages: tests/golden.)
#   TICKETC=build/ticketc PY=/usr/bin/python3 [SANITIZED=1] tests/run/run.sh [NAME]
# With NAME, only the generated model NAME (a directory name from
# tests/run/gen_models.py, e.g. as printed after "ok"), and nothing else.
set -u
TICKETC=${TICKETC:-build/ticketc}
PY=${PY:-/usr/bin/python3}
FCMP=${FCMP:-build/tools/fcmp}
ROOT=$(pwd)
TICKETC=$ROOT/$TICKETC
FCMP=$ROOT/$FCMP
W=$ROOT/build/run-tests${SANITIZED:+-asan}
STRICT="-std=c99 -Wall -Wextra -Werror -pedantic -O2"
# under the sanitizers the generated code builds at -O1 with gcc only (the plain
# run builds it with gcc and clang at -O2): a third less compile time there
SAN="-std=c99 -Wall -Wextra -Werror -pedantic -O1 -fsanitize=address,undefined -fno-sanitize-recover=all"
ONLY=${1:-}
fails=0
passes=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

rm -rf "$W" && mkdir -p "$W/models"
"$PY" tests/run/gen_models.py "$W/models" || { echo "FAIL: gen_models.py"; exit 1; }
if [ -n "$ONLY" ] && [ "$ONLY" != gemm_xc ] && [ ! -d "$W/models/$ONLY" ]; then
    echo "FAIL: no run-test model '$ONLY' (one of: $(cd "$W/models" && echo *) gemm_xc)"; exit 1
fi

for d in "$W"/models/*/; do
    name=$(basename "$d")
    [ -n "$ONLY" ] && [ "$name" != "$ONLY" ] && continue
    args=$(cat "$d/args")
    ok=1
    # the reference interpreter against numpy
    if ! "$TICKETC" "$d/model.onnx" --interpret $args < "$d/in.f32" > "$d/interp.f32" 2> "$d/interp.err"; then
        fail "$name: --interpret"; cat "$d/interp.err"; ok=0
    elif ! "$FCMP" --rel 1e-5 --abs 1e-5 "$d/interp.f32" "$d/expect.f32" > /dev/null; then
        fail "$name: interpreter differs from numpy"; "$FCMP" --rel 1e-5 --abs 1e-5 "$d/interp.f32" "$d/expect.f32"; ok=0
    fi
    # stream: unrolled for a Cortex-M (weights read from tables, one accumulator per neuron).
    # Each strategy writes $strat/m.c (the same function names everywhere); a file equal
    # to an earlier strategy's but for its "options:" comment is not built again.
    built=""
    for strat in auto unrolled loop dense stream; do
        mkdir -p "$d/$strat"
        c="$d/$strat/m.c"
        sargs="--strategy $strat"
        [ $strat = stream ] && sargs="--strategy unrolled --target cortex-m"
        if ! "$TICKETC" "$d/model.onnx" -o "$c" --main $sargs $args 2> "$d/$strat.err"; then
            fail "$name/$strat: ticketc"; cat "$d/$strat.err"; ok=0; continue
        fi
        key=$(grep -v '^ \*   options: ' "$c" | cksum | cut -d' ' -f1)
        case " $built " in *" $key "*) continue ;; esac
        built="$built $key"
        ccs="gcc"
        [ $strat = auto ] && [ -z "${SANITIZED:-}" ] && ccs="gcc clang"
        for cc in $ccs; do
            exe="$d/$strat/$cc"
            flags="$STRICT"
            [ -n "${SANITIZED:-}" ] && flags="$SAN"
            if ! $cc $flags "$c" -o "$exe" 2> "$exe.err"; then
                fail "$name/$strat: $cc rejects the generated C"; head -20 "$exe.err"; ok=0; continue
            fi
            if ! "$exe" < "$d/in.f32" > "$exe.f32"; then
                fail "$name/$strat: $cc binary failed"; ok=0; continue
            fi
            if ! "$FCMP" --rel 1e-5 --abs 1e-5 "$exe.f32" "$d/expect.f32" > "$exe.cmp" 2>&1; then
                fail "$name/$strat/$cc: output differs from numpy"; cat "$exe.cmp"; ok=0
            fi
        done
    done
    # emit_conv_sparse.c's and emit_conv_wino.c's forms under auto: their plain C loops (-DTC_NO_VEC) give the vector loops' bits
    if [ -z "${SANITIZED:-}" ] && [ -f "$d/auto/gcc.f32" ] && grep -qE "output channels over flat positions|Winograd F\(4x4" "$d/auto/m.c"; then
        if gcc $STRICT -DTC_NO_VEC "$d/auto/m.c" -o "$d/auto/novec" 2> "$d/auto/novec.err" && "$d/auto/novec" < "$d/in.f32" > "$d/auto/novec.f32"; then
            cmp -s "$d/auto/novec.f32" "$d/auto/gcc.f32" || { fail "$name: sparse or Winograd Conv's plain loop differs in bits from the vector loops"; ok=0; }
        else
            fail "$name: -DTC_NO_VEC build"; head -20 "$d/auto/novec.err"; ok=0
        fi
    fi
    # Cortex-M4: the same file must compile cleanly with arm-none-eabi-gcc
    if command -v arm-none-eabi-gcc > /dev/null && [ -z "${SANITIZED:-}" ] && [ -f "$d/auto/m.c" ]; then
        if ! arm-none-eabi-gcc $STRICT -Os -mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard \
            -c "$d/auto/m.c" -o "$d/auto-m4.o" 2> "$d/auto-m4.err"; then
            fail "$name: arm-none-eabi-gcc rejects the generated C"; head -20 "$d/auto-m4.err"; ok=0
        fi
    fi
    # determinism: the same input and options give the same bytes
    mkdir -p "$d/again"
    "$TICKETC" "$d/model.onnx" -o "$d/again/m.c" --main --strategy auto $args 2>/dev/null
    cmp -s "$d/auto/m.c" "$d/again/m.c" || { fail "$name: output is not deterministic"; ok=0; }
    [ $ok = 1 ] && passes=$((passes + 1)) && echo "ok   $name"
done

# The dense Gemm's table compressed for AVX-512 (emit_linear.c, XTable; tests/run/gen_xc.py):
# auto must write it; gcc and clang at -O2 (run-time dispatch: the AVX-512 variant where the
# CPU has it) and, on a CPU with AVX-512, -O3 -march=native, each within 1e-5 of --interpret
# and in the same bits as its own -DTC_NO_VEC build (the dense table, an output at a time);
# at -O2 also as the builds capped at AVX2 and SSE (-DTC_ISA_MAX=1, 0: the dense table).
# (Not under the sanitizers: a 10 MB file.)
if [ -z "${SANITIZED:-}" ] && { [ -z "$ONLY" ] || [ "$ONLY" = gemm_xc ]; }; then
    d=$W/gemm_xc
    ok=1
    flagsets="-O2"
    grep -qw avx512f /proc/cpuinfo 2> /dev/null && flagsets="-O2 -O3_-march=native"
    if ! "$PY" tests/run/gen_xc.py "$d" || ! "$TICKETC" "$d/model.onnx" --interpret < "$d/in.f32" > "$d/interp.f32" 2> "$d/err" ||
        ! "$FCMP" --rel 1e-5 --abs 1e-5 "$d/interp.f32" "$d/expect.f32" > "$d/interp.cmp" 2>&1 ||
        ! "$TICKETC" "$d/model.onnx" -o "$d/m.c" --main 2>> "$d/err"; then
        fail "gemm_xc: model, --interpret or ticketc"; cat "$d/err" "$d/interp.cmp" 2> /dev/null; ok=0
    elif ! grep -q "dense (compressed with AVX-512)" "$d/m.c"; then
        fail "gemm_xc: auto did not write the compressed table"; ok=0
    else
        for cc in gcc clang; do
            for fl in $flagsets; do
                fl=$(echo "$fl" | tr _ ' ')
                id=$cc$(echo "$fl" | tr -c 'A-Za-z0-9\n' _)
                if ! $cc $STRICT $fl "$d/m.c" -o "$d/$id" 2> "$d/$id.err" ||
                    ! $cc $STRICT $fl -DTC_NO_VEC "$d/m.c" -o "$d/$id-novec" 2>> "$d/$id.err"; then
                    fail "gemm_xc: $cc $fl rejects the generated C"; head -20 "$d/$id.err"; ok=0; continue
                fi
                "$d/$id" < "$d/in.f32" > "$d/$id.f32" && "$d/$id-novec" < "$d/in.f32" > "$d/$id-novec.f32" ||
                    { fail "gemm_xc: $cc $fl binary failed"; ok=0; continue; }
                "$FCMP" --rel 1e-5 --abs 1e-5 "$d/$id.f32" "$d/interp.f32" > "$d/$id.cmp" 2>&1 ||
                    { fail "gemm_xc: $cc $fl differs from --interpret"; cat "$d/$id.cmp"; ok=0; }
                cmp -s "$d/$id.f32" "$d/$id-novec.f32" ||
                    { fail "gemm_xc: $cc $fl differs in bits from its -DTC_NO_VEC build"; ok=0; }
            done
        done
        # the AVX2 and SSE variants (the dense table) give the AVX-512 variant's bits
        for isa in 1 0; do
            if ! gcc $STRICT -O2 -DTC_ISA_MAX=$isa "$d/m.c" -o "$d/isa$isa" 2> "$d/isa$isa.err" ||
                ! "$d/isa$isa" < "$d/in.f32" > "$d/isa$isa.f32" || ! cmp -s "$d/isa$isa.f32" "$d/gcc_O2.f32"; then
                fail "gemm_xc: gcc -O2 -DTC_ISA_MAX=$isa differs in bits from the dispatched build"; ok=0
            fi
        done
    fi
    [ $ok = 1 ] && passes=$((passes + 1)) && echo "ok   gemm_xc: compressed dense Gemm ($(echo $flagsets | tr _ ' '); gcc, clang)"
fi

# with NAME, that one model only
if [ -n "$ONLY" ]; then
    echo "run tests ($ONLY): $passes passed, $fails failed${SANITIZED:+ (ticketc and generated code under ASan+UBSan)}"
    [ $fails -eq 0 ]
    exit
fi

# PyTorch's own logits: the example models (LeNet-300-100 and the convolutional
# net) on real Fashion-MNIST test images, within 1e-4 and with the same argmax.
gunzip -c /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz > "$W/t10k-images"
"$ROOT/build/tools/idx2f32" "$W/t10k-images" 100 > "$W/images100.f32"
for ref in examples/lenet-ticket/models/*.logits100.f32 examples/conv-ticket/models/*.logits100.f32; do
    EX=$(dirname "$ref")
    ex=$(basename "$(dirname "$EX")" | sed 's/-ticket$//')
    m=$(basename "$ref" .logits100.f32)
    # under the sanitizers, the smallest tickets only: big unrolled files compile slowly there
    [ -n "${SANITIZED:-}" ] && [ "$ex/$m" != lenet/ticket-r15 ] && [ "$ex/$m" != conv/ticket-r10 ] && continue
    c="$W/${ex}_$m.c"
    flags="$STRICT"
    [ -n "${SANITIZED:-}" ] && flags="$SAN"
    if "$TICKETC" "$EX/$m.onnx" -o "$c" --main 2> "$c.err" && gcc $flags "$c" -o "$W/${ex}_$m" 2>> "$c.err" &&
        "$W/${ex}_$m" < "$W/images100.f32" > "$W/${ex}_$m.f32" &&
        "$FCMP" --rel 1e-4 --abs 1e-4 --argmax 10 "$W/${ex}_$m.f32" "$ref" > "$W/${ex}_$m.cmp" 2>&1; then
        passes=$((passes + 1)); echo "ok   pytorch logits: $ex $m ($(cat "$W/${ex}_$m.cmp"))"
    else
        fail "pytorch logits: $ex $m"; cat "$c.err" "$W/${ex}_$m.cmp" 2>/dev/null
    fi
done

# --code-budget: auto trades the biggest unrolled layers for the compact loop until the
# estimate fits, and the result still reproduces PyTorch's logits; built with the
# target's fused multiply-add where there is one (TC_FMA as __builtin_fmaf)
EXM=$ROOT/examples/lenet-ticket/models
FMA=""
[ "$(uname -m)" = x86_64 ] && FMA=-mfma
if [ -e "$EXM/ticket-r15.onnx" ] && [ -e "$W/images100.f32" ]; then
    c="$W/budget.c"
    if "$TICKETC" "$EXM/ticket-r15.onnx" --code-budget 100000 --summary -o "$c" --main > "$W/budget.sum" 2> "$c.err" &&
        awk '$2 == "Gemm" { s = s $NF " " } END { exit s != "loop unrolled dense " }' "$W/budget.sum" &&
        grep -q TC_FMA "$c" && gcc $STRICT -O1 $FMA "$c" -o "$W/budget" 2>> "$c.err" &&
        "$W/budget" < "$W/images100.f32" > "$W/budget.f32" &&
        "$FCMP" --rel 1e-4 --abs 1e-4 --argmax 10 "$W/budget.f32" "$EXM/ticket-r15.logits100.f32" > "$W/budget.cmp" 2>&1; then
        passes=$((passes + 1)); echo "ok   --code-budget 100000: fc1 as loop, fc2 unrolled, fc3 dense; PyTorch's logits (gcc $FMA)"
    else
        fail "--code-budget 100000 on ticket-r15"; cat "$c.err" "$W/budget.sum" "$W/budget.cmp" 2> /dev/null
    fi
fi

# --annotate: every commented term holds exactly the weight its comment names
rm -f "$W/annotate.list"
for d in "$W"/models/*/ "$ROOT/examples/lenet-ticket/models/ticket-r15.onnx" "$ROOT/examples/conv-ticket/models/ticket-r10.onnx"; do
    case $d in
    *.onnx) model=$d; name=$(basename "$(dirname "$(dirname "$d")")")-$(basename "$d" .onnx); args=""; min=1 ;;
    *) model=$d/model.onnx; name=$(basename "$d"); args=$(cat "$d/args"); min=0 ;;
    esac
    for target in host cortex-m; do
        c="$W/annotate-$name-$target.c"
        if ! "$TICKETC" "$model" --annotate --strategy unrolled --target $target $args -o "$c" 2> "$c.err"; then
            fail "$name --annotate --target $target: ticketc"; cat "$c.err"
        else
            printf '%s\t%s\t%s\t%s\n' "--annotate $name --target $target" "$model" "$c" $min >> "$W/annotate.list"
        fi
    done
done
# the checks, in one interpreter
"$PY" "$ROOT/tests/run/check_annotate_batch.py" "$W/annotate.list" > "$W/annotate.out" 2>&1
grep -v '^annotate: ' "$W/annotate.out"
p=$(sed -n 's/^annotate: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$W/annotate.out")
f=$(sed -n 's/^annotate: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$W/annotate.out")
if [ -z "$p" ]; then
    fail "check_annotate_batch.py did not finish"
else
    passes=$((passes + p)); fails=$((fails + f))
fi

echo "run tests: $passes passed, $fails failed${SANITIZED:+ (ticketc and generated code under ASan+UBSan)}"
[ $fails -eq 0 ]
