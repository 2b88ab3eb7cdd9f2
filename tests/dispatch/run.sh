#!/bin/sh
# Run-time dispatch (runtime/tc_preamble.c's dispatch blocks, emit_dispatch.c):
# a Conv net (a dense, two sparse and an unrolled Conv, a dense Gemm), two strided sparse
# Convs over phase planes (emit_conv_sparse.c) and a dense MLP,
# random weights, built with plain -O2 by gcc and clang, dispatched to the
# widest vector unit of this CPU, capped at AVX2 (-DTC_ISA_MAX=1) and at SSE
# (-DTC_ISA_MAX=0), and without dispatch (-DTC_NO_DISPATCH) or vectors
# (-DTC_NO_VEC): every build must give the same bits (the variants fuse no
# multiply-add, also under gcc's -std=gnu99 -ffp-contract=fast), and the
# dispatched builds must hold AVX-512 and AVX2 code.
#   TICKETC=build/ticketc tests/dispatch/run.sh
set -u
ROOT=$(pwd)
TICKETC=$ROOT/${TICKETC:-build/ticketc}
W=$ROOT/build/dispatch-test
STRICT="-std=c99 -Wall -Wextra -Werror -pedantic -O2"
rm -rf "$W" && mkdir -p "$W"
fails=0
groups=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

if [ "$(uname -m)" != x86_64 ]; then
    echo "dispatch tests: skipped (not x86-64)"
    exit 0
fi
/usr/bin/python3 tests/dispatch/gen.py "$W" || { echo "FAIL: gen.py"; exit 1; }
level=0
grep -q ' avx2' /proc/cpuinfo && level=1
grep -q ' avx512f' /proc/cpuinfo && level=2
echo "this CPU: dispatch level $level (0 SSE, 1 AVX2, 2 AVX-512)"

passed=0
for m in conv phase gemm; do
    groups=$((groups + 1))
    before=$fails
    c="$W/$m.c"
    "$TICKETC" "$W/$m.onnx" -o "$c" --main 2> "$W/$m.err" || { fail "$m: ticketc"; cat "$W/$m.err"; continue; }
    n=$(grep -c '^static TC_NOLIB TC_X16 ' "$c")
    [ "$n" -ge 1 ] || { fail "$m: no AVX-512 copy in the C"; continue; }
    ref=""
    for b in "gcc" "gcc -DTC_ISA_MAX=1" "gcc -DTC_ISA_MAX=0" "gcc -DTC_NO_DISPATCH" "gcc -DTC_NO_VEC" \
        "gcc -std=gnu99 -ffp-contract=fast" "clang" "clang -DTC_ISA_MAX=1" "clang -DTC_NO_VEC"; do
        id=$(echo "$b" | tr -c 'A-Za-z0-9\n' _)
        exe="$W/$m-$id"
        set -- $b
        cc=$1
        shift
        if ! $cc $STRICT "$@" "$c" -o "$exe" 2> "$exe.err"; then
            fail "$m: '$b' rejects the C"; head -20 "$exe.err"; continue
        fi
        "$exe" < "$W/$m.f32" > "$exe.f32" || { fail "$m: '$b' binary failed"; continue; }
        [ -s "$exe.f32" ] || { fail "$m: '$b' wrote nothing"; continue; }
        if [ -z "$ref" ]; then
            ref="$exe.f32"
        elif ! cmp -s "$ref" "$exe.f32"; then
            fail "$m: '$b' differs in bits from 'gcc'"
        fi
        case "$b" in
        "gcc" | "clang")
            objdump -d "$exe" | grep -q 'zmm' || fail "$m: '$b' holds no AVX-512 code"
            objdump -d "$exe" | grep -q 'ymm' || fail "$m: '$b' holds no AVX2 code";;
        *NO_DISPATCH* | *NO_VEC*)
            ! objdump -d "$exe" | grep -q 'ymm\|zmm' || fail "$m: '$b' holds AVX code";;
        esac
    done
    # -march=native compiles the code of today: no copies, no CPUID
    if gcc $STRICT -march=native -S "$c" -o "$W/$m-native.s" 2> "$W/$m-native.err"; then
        ! grep -q 'cpuid' "$W/$m-native.s" || fail "$m: -march=native still dispatches"
    else
        fail "$m: -march=native rejects the C"; head -20 "$W/$m-native.err"
    fi
    [ $fails = $before ] && passed=$((passed + 1)) && echo "ok   $m"
done

echo "dispatch tests: $passed of $groups models passed"
[ $fails -eq 0 ]
