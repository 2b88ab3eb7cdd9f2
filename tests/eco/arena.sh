#!/bin/sh
# make arena-test: several models in one program and the caller-owned arena.
#  1. three models with different --prefix (each with its own copies of tc_expf or
#     tc_sigmoidf) and the LeNet ticket twice (--arena static and caller) link into one
#     strictly built program; each object exports its <prefix>_run and nothing else
#  2. --arena caller: two interleaved calls on separate arenas and two threads on
#     their own arenas give bitwise the outputs of the static arena (arena_main.c)
#  3. --arena caller --main: the driver's outputs equal the static form's
#  4. --arena-section NAME: the arena lands in that ELF section, of the stated size
#  5. the usage errors
set -u
TICKETC=${TICKETC:-build/ticketc}
W=build/eco-arena
STRICT="-std=c99 -Wall -Wextra -Werror -pedantic -O1"
CC=${CC:-cc}
fails=0
passes=0
ok() { echo "ok    $*"; passes=$((passes + 1)); }
fail() { echo "FAIL  $*"; fails=$((fails + 1)); }
rm -rf $W && mkdir -p $W
LENET=examples/lenet-ticket/models/ticket-r15.onnx

# 1. several models
$TICKETC examples/dsl/mlp.tc -o $W/a.c --prefix a &&
$TICKETC tests/golden/13_hostile_names.onnx -o $W/b.c --prefix b &&
$TICKETC examples/dsl/xor.tc -o $W/c.c --prefix c &&
$TICKETC $LENET -o $W/ls.c --prefix ls &&
$TICKETC $LENET -o $W/lc.c --prefix lc --arena caller || { echo "FAIL  ticketc"; exit 1; }
grep -q 'static float tc_expf' $W/a.c && grep -q 'static float tc_expf' $W/b.c && grep -q 'static float tc_sigmoidf' $W/b.c &&
    grep -q 'static float tc_sigmoidf' $W/c.c ||
    fail "the models do not both carry the runtime math this test is about"
built=1
for m in a b c ls lc; do
    $CC $STRICT -c $W/$m.c -o $W/$m.o || { fail "$m.c does not compile strictly"; built=0; }
done
if [ $built = 1 ]; then
    for m in a b c ls lc; do
        got=$(nm -g --defined-only $W/$m.o | awk '{print $3}' | tr '\n' ' ')
        [ "$got" = "${m}_run " ] && ok "$m.o exports ${m}_run only" || fail "$m.o exports '$got', not ${m}_run alone"
    done
    if $CC $STRICT -pthread -I$W tests/eco/arena_main.c $W/a.o $W/b.o $W/c.o $W/ls.o $W/lc.o -o $W/prog 2> $W/link.err; then
        ok "five models link into one program"
        if $W/prog > $W/prog.out; then
            ok "$(tail -1 $W/prog.out)"
        else
            fail "arena program: $(tail -1 $W/prog.out)"
        fi
    else
        fail "five models do not link:"; cat $W/link.err
    fi
fi
grep -q 'void lc_run(const float \*in0, float \*out0, void \*arena);' $W/lc.h &&
    grep -q '#define LC_H_ARENA_ALIGN 4' $W/lc.h && grep -q '#define LC_H_ARENA_BYTES [1-9]' $W/lc.h &&
    ! grep -q 'static float tc_arena' $W/lc.c &&
    ok "--arena caller: signature, LC_H_ARENA_BYTES and LC_H_ARENA_ALIGN in the header, no static arena" ||
    fail "--arena caller header: $(grep -E '_run|ARENA' $W/lc.h)"

# 3. the --main driver with the caller's arena
head -c 31360 /dev/zero | tr '\0' '\100' > $W/in.f32 # 10 samples of 3.0f (0x40404040)
$TICKETC $LENET -o $W/ms.c --main --strategy loop && $TICKETC $LENET -o $W/mc.c --main --arena caller --strategy loop &&
    $CC $STRICT $W/ms.c -o $W/ms && $CC $STRICT $W/mc.c -o $W/mc &&
    $W/ms < $W/in.f32 > $W/ms.f32 && $W/mc < $W/in.f32 > $W/mc.f32 && [ -s $W/ms.f32 ] && cmp -s $W/ms.f32 $W/mc.f32 &&
    ok "--arena caller --main: outputs equal the static arena's" || fail "--arena caller --main"

# 4. --arena-section
$TICKETC $LENET -o $W/sec.c --arena-section .tc_arena --strategy loop &&
    $CC $STRICT -c $W/sec.c -o $W/sec.o && bytes=$(sed -n 's/^#define SEC_H_ARENA_BYTES //p' $W/sec.h) &&
    size=$(objdump -h $W/sec.o | awk '$2 == ".tc_arena" {print $3}') && [ -n "$size" ] &&
    [ $((0x$size)) -eq "$bytes" ] && ok "--arena-section .tc_arena: a section of $bytes bytes" ||
    fail "--arena-section: section '.tc_arena' of ${bytes:-?} bytes not found: $(objdump -h $W/sec.o | grep tc_)"
# 5. usage errors
for bad in "--arena heap" "--arena caller --arena-section .x" "--arena-section a/b" "--tolerance 1"; do
    $TICKETC $LENET -o $W/bad.c $bad > /dev/null 2> $W/bad.err
    rc=$?
    [ $rc = 2 ] && [ ! -e $W/bad.c ] && ok "usage error: $bad: $(head -1 $W/bad.err)" || fail "$bad: exit $rc"
done
echo "arena-test: $passes passed, $fails failed"
[ $fails = 0 ]
