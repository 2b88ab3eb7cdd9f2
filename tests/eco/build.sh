#!/bin/sh
# make build-test: ticketc inside a user's build.
#  1. CMake (cmake/TicketC.cmake): examples/arm configured with the arm-none-eabi toolchain
#     file, built, run under QEMU; the same CMakeLists built for the host prints the same.
#     Then the model file is changed (another ticket copied over it): ticketc runs again,
#     lenet.c and what includes lenet.h (main.c) are rebuilt, nothing else (cm4_start.c,
#     images.h); a second build does nothing; the firmware still runs.
#  2. Make (make/ticketc.mk): two models in one program; touching one model reruns ticketc
#     for that model only.
set -u
ROOT=$(pwd)
TICKETC=$ROOT/${TICKETC:-build/ticketc}
W=$ROOT/build/eco-build
fails=0
passes=0
ok() { echo "ok    $*"; passes=$((passes + 1)); }
fail() { echo "FAIL  $*"; fails=$((fails + 1)); }
rm -rf "$W" && mkdir -p "$W"
unset MAKEFLAGS MFLAGS MAKELEVEL # the inner makes print their commands, whatever ours was given
cp examples/lenet-ticket/models/ticket-r15.onnx "$W/model.onnx"
QEMU="timeout 60 qemu-system-arm -M mps2-an386 -nographic -semihosting -kernel"

# 1. CMake, Cortex-M4F and host
conf() { # conf DIR [cmake args]
    d=$1; shift
    cmake -S examples/arm -B "$W/$d" -DTICKETC_EXECUTABLE="$TICKETC" -DTICKETC_MODEL="$W/model.onnx" -DN_IMAGES=4 "$@" \
        > "$W/$d.conf.log" 2>&1 || { fail "cmake configure $d"; cat "$W/$d.conf.log"; return 1; }
}
if conf m4 -DCMAKE_TOOLCHAIN_FILE="$ROOT/examples/arm/arm-none-eabi.cmake" -DCMAKE_BUILD_TYPE=MinSizeRel &&
   cmake --build "$W/m4" > "$W/m4.build1.log" 2>&1; then
    ok "cmake: examples/arm for the Cortex-M4F (arm-none-eabi.cmake)"
else
    fail "cmake build for the Cortex-M4F"; cat "$W/m4.build1.log"
fi
$QEMU "$W/m4/firmware.elf" < /dev/null > "$W/m4.txt" 2>&1
if conf host && cmake --build "$W/host" > "$W/host.build.log" 2>&1 && "$W/host/firmware" > "$W/host.txt"; then
    cmp -s "$W/m4.txt" "$W/host.txt" && grep -q 'of 4 correct' "$W/m4.txt" &&
        ok "cmake: the Cortex-M4 firmware prints what the host build prints ($(tail -1 "$W/m4.txt"))" ||
        { fail "cmake: Cortex-M4 and host differ"; diff "$W/host.txt" "$W/m4.txt"; }
else
    fail "cmake host build"; cat "$W/host.build.log"
fi
sleep 1
cp examples/lenet-ticket/models/ticket-r12.onnx "$W/model.onnx"
cmake --build "$W/m4" > "$W/m4.build2.log" 2>&1 || { fail "rebuild after the model changed"; cat "$W/m4.build2.log"; }
L=$W/m4.build2.log
grep -q 'ticketc: .*lenet\.c' $L && grep -q 'lenet\.c\.obj' $L && grep -q 'main\.c\.obj' $L && grep -q 'firmware\.elf' $L &&
    ! grep -q 'cm4_start' $L && ! grep -q 'images\.h:' $L &&
    ok "model changed: ticketc, lenet.c and main.c (includes lenet.h) rebuilt, cm4_start.c and images.h not" ||
    { fail "model changed: rebuilt:"; grep -E 'ticketc|Building|images|Linking' $L; }
cmake --build "$W/m4" > "$W/m4.build3.log" 2>&1
grep -qE 'ticketc:|Building|Linking' "$W/m4.build3.log" && fail "a second build did work: $(cat "$W/m4.build3.log")" ||
    ok "nothing changed: nothing rebuilt"
$QEMU "$W/m4/firmware.elf" < /dev/null > "$W/m4b.txt" 2>&1
grep -q 'of 4 correct' "$W/m4b.txt" && grep -q "$(sha256sum "$W/model.onnx" | cut -c1-64)" "$W/m4/ticketc/lenet/lenet.c" &&
    ok "the firmware runs the new model: $(tail -1 "$W/m4b.txt")" || fail "the rebuilt firmware"

# 1b. CMake on the host: two models in one program, one with a MASKS directory; touching
#     one mask reruns ticketc for that model only
mkdir -p "$W/cm/masks"
cp examples/lenet-ticket/masks/ticket-r15/*.npy "$W/cm/masks/"
cp examples/lenet-ticket/models/dense.onnx examples/dsl/xor.tc "$W/cm/"
cat > "$W/cm/CMakeLists.txt" <<CM
cmake_minimum_required(VERSION 3.18)
project(two_models C)
list(APPEND CMAKE_MODULE_PATH "$ROOT/cmake")
include(TicketC)
ticketc_add_model(lenet MODEL dense.onnx MASKS masks OPTIONS --strategy loop)
ticketc_add_model(xormodel MODEL xor.tc PREFIX xor)
add_executable(prog main.c)
target_link_libraries(prog PRIVATE lenet xormodel)
CM
cat > "$W/cm/main.c" <<'C'
#include <stdio.h>
#include "lenet.h"
#include "xor.h"
int main(void)
{
    static float img[LENET_H_IN0_SIZE], logits[LENET_H_OUT0_SIZE];
    float x[2] = {0.0f, 1.0f}, y[1];
    lenet_run(img, logits);
    xor_run(x, y);
    printf("lenet logit0 %.4f, xor(0, 1) %.3f\n", logits[0], y[0]);
    return !(y[0] > 0.99f);
}
C
if cmake -S "$W/cm" -B "$W/cm/b" -DTICKETC_EXECUTABLE="$TICKETC" > "$W/cm.log" 2>&1 &&
   cmake --build "$W/cm/b" >> "$W/cm.log" 2>&1 && "$W/cm/b/prog" > "$W/cm.out"; then
    ok "cmake: two models with MASKS in one host program: $(cat "$W/cm.out")"
else
    fail "cmake two-model build"; cat "$W/cm.log"
fi
sleep 1
touch "$W/cm/masks/fc2.weight.npy"
cmake --build "$W/cm/b" > "$W/cm2.log" 2>&1
grep -q 'ticketc: dense.onnx' "$W/cm2.log" && ! grep -q 'ticketc: xor.tc' "$W/cm2.log" && ! grep -q 'xor\.c\.o' "$W/cm2.log" &&
    ok "cmake: touching a mask reran ticketc for its model only" || { fail "cmake: after touching a mask:"; cat "$W/cm2.log"; }

# 2. make/ticketc.mk
mkdir -p "$W/mk"
cp examples/dsl/xor.tc examples/dsl/mlp.tc "$W/mk/"
cat > "$W/mk/Makefile" <<MK
TICKETC = $TICKETC
include $ROOT/make/ticketc.mk
\$(eval \$(call ticketc_model,xor,xor.tc,,--strategy loop))
\$(eval \$(call ticketc_model,mlp,mlp.tc,,))
CFLAGS = -std=c99 -Wall -Wextra -Werror -pedantic -O1 -I\$(TICKETC_OUT)
prog: main.o \$(TICKETC_SOURCES:.c=.o)
	\$(CC) -o \$@ \$^
main.o: main.c \$(TICKETC_OUT)/xor.h \$(TICKETC_OUT)/mlp.h
MK
cp tests/eco/mk_main.c "$W/mk/main.c"
if make -C "$W/mk" > "$W/mk1.log" 2>&1 && "$W/mk/prog" > "$W/mk.out"; then
    ok "make/ticketc.mk: two models, one program: $(cat "$W/mk.out")"
else
    fail "make/ticketc.mk build"; cat "$W/mk1.log"
fi
sleep 1
touch "$W/mk/xor.tc"
make -C "$W/mk" > "$W/mk2.log" 2>&1
n_tc=$(grep -c "ticketc " "$W/mk2.log")
grep -q "ticketc xor.tc" "$W/mk2.log" && [ "$n_tc" = 1 ] && ! grep -q -- '-o ticketc-out/mlp.o' "$W/mk2.log" &&
    ok "make/ticketc.mk: touching xor.tc reran ticketc once, for xor only" || { fail "make/ticketc.mk rebuild:"; cat "$W/mk2.log"; }
make -C "$W/mk" 2>&1 | grep -q "is up to date" && ok "make/ticketc.mk: then nothing to do" || fail "make/ticketc.mk: not up to date"
echo "build-test: $passes passed, $fails failed"
[ $fails = 0 ]
