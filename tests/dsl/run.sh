#!/bin/sh
# DSL tests: golden error messages for bad .tc files, DSL models against the
# same models in ONNX and numpy, the examples (XOR's truth table, the MLP's
# argmax), and the round trip ONNX -> --emit-dsl -> .tc -> C, which must give
# the same C as ONNX -> C apart from the header comment.
#   TICKETC=build/ticketc PY=/usr/bin/python3 [SANITIZED=1] tests/dsl/run.sh
set -u
TICKETC=${TICKETC:-build/ticketc}
PY=${PY:-/usr/bin/python3}
ROOT=$(pwd)
TICKETC=$ROOT/$TICKETC
FCMP=$ROOT/${FCMP:-build/tools/fcmp}
W=$ROOT/build/dsl-tests${SANITIZED:+-asan}
STRICT="-std=c99 -Wall -Wextra -Werror -pedantic -O2"
[ -n "${SANITIZED:-}" ] && STRICT="$STRICT -fsanitize=address,undefined -fno-sanitize-recover=all"
fails=0
passes=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok   $*"; passes=$((passes + 1)); }
# the C without its header comment (which names the input file and its hash)
body() { sed '1,/^ \*\//d' "$1"; }

rm -rf "$W" && mkdir -p "$W/bad" "$W/pairs" "$W/rt"

# ---- golden error messages: tests/dsl/bad/<case>.tc beside <case>.err ----
for tc in tests/dsl/bad/*.tc; do
    name=$(basename "$tc" .tc)
    out="$W/bad/$name.c"
    (cd tests/dsl/bad && "$TICKETC" "$name.tc" -o "$out") > /dev/null 2> "$W/bad/$name.got"
    rc=$?
    if [ $rc -ne 1 ]; then
        fail "dsl error $name: exit status $rc, expected 1"; cat "$W/bad/$name.got"
    elif [ -e "$out" ] || ls "$out".tmp* > /dev/null 2>&1; then
        fail "dsl error $name: left an output file behind"
    elif ! diff -u "tests/dsl/bad/$name.err" "$W/bad/$name.got"; then
        fail "dsl error $name: message differs (make regen-golden rewrites the golden files)"
    else
        pass "dsl error: $name"
    fi
done

# ---- the same model as .tc and as ONNX: both must match numpy ----
"$PY" tests/dsl/gen_pairs.py "$W/pairs" || { echo "FAIL: gen_pairs.py"; exit 1; }
for d in "$W"/pairs/*/; do
    name=$(basename "$d")
    ok=1
    for m in model.onnx model.tc; do
        if ! "$TICKETC" "$d/$m" --interpret < "$d/in.f32" > "$d/$m.interp.f32" 2> "$d/$m.err" ||
            ! "$FCMP" --rel 1e-5 --abs 1e-5 "$d/$m.interp.f32" "$d/expect.f32" > "$d/$m.cmp" 2>&1; then
            fail "pair $name: $m --interpret"; cat "$d/$m.err" "$d/$m.cmp"; ok=0; continue
        fi
        if ! "$TICKETC" "$d/$m" -o "$d/$m.c" --main 2> "$d/$m.err" || ! gcc $STRICT "$d/$m.c" -o "$d/$m.exe" 2>> "$d/$m.err" ||
            ! "$d/$m.exe" < "$d/in.f32" > "$d/$m.f32" ||
            ! "$FCMP" --rel 1e-5 --abs 1e-5 "$d/$m.f32" "$d/expect.f32" > "$d/$m.cmp" 2>&1; then
            fail "pair $name: $m compiled"; cat "$d/$m.err" "$d/$m.cmp"; ok=0
        fi
    done
    [ $ok = 1 ] && pass "dsl pair: $name (.tc and .onnx match numpy)"
done

# ---- examples/dsl/xor.tc: the truth table, compiled and interpreted ----
X=$W/xor
mkdir -p "$X"
printf '0 0 0 1 1 0 1 1' | "$PY" -c 'import sys, struct; v = [float(t) for t in sys.stdin.read().split()]; sys.stdout.buffer.write(struct.pack("%df" % len(v), *v))' > "$X/in.f32"
printf '0 1 1 0' | "$PY" -c 'import sys, struct; v = [float(t) for t in sys.stdin.read().split()]; sys.stdout.buffer.write(struct.pack("%df" % len(v), *v))' > "$X/truth.f32"
if "$TICKETC" examples/dsl/xor.tc -o "$X/xor.c" --main 2> "$X/err" && gcc $STRICT "$X/xor.c" -o "$X/xor" 2>> "$X/err" &&
    "$X/xor" < "$X/in.f32" > "$X/out.f32" && "$FCMP" --abs 0.001 "$X/out.f32" "$X/truth.f32" > "$X/cmp" 2>&1 &&
    "$TICKETC" examples/dsl/xor.tc --interpret < "$X/in.f32" > "$X/interp.f32" 2>> "$X/err" &&
    "$FCMP" --abs 0.001 "$X/interp.f32" "$X/truth.f32" >> "$X/cmp" 2>&1; then
    pass "examples/dsl/xor.tc: XOR truth table 00->0 01->1 10->1 11->0 within 0.001"
else
    fail "examples/dsl/xor.tc truth table"; cat "$X/err" "$X/cmp"
fi

# ---- examples/dsl/mlp.tc: argmax of the output is argmax of the input ----
M=$W/mlp
mkdir -p "$M"
"$PY" -c 'import sys, numpy as np; sys.stdout.buffer.write(np.random.default_rng(7).standard_normal(300).astype(np.float32).tobytes())' > "$M/in.f32"
if "$TICKETC" examples/dsl/mlp.tc -o "$M/mlp.c" --main 2> "$M/err" && gcc $STRICT "$M/mlp.c" -o "$M/mlp" 2>> "$M/err" &&
    "$M/mlp" < "$M/in.f32" > "$M/out.f32" && "$FCMP" --abs 1e30 --argmax 3 "$M/out.f32" "$M/in.f32" > "$M/cmp" 2>&1; then
    pass "examples/dsl/mlp.tc: argmax of 100 random samples"
else
    fail "examples/dsl/mlp.tc argmax"; cat "$M/err" "$M/cmp"
fi

# ---- round trip: ONNX -> .tc -> C is ONNX -> C, the LeNet tickets ----
for onnx in examples/lenet-ticket/models/*.onnx; do
    m=$(basename "$onnx" .onnx)
    # under the sanitizers, the smallest ticket only (as in tests/run)
    [ -n "${SANITIZED:-}" ] && [ "$m" != ticket-r15 ] && continue
    R=$W/rt/$m
    mkdir -p "$R/onnx" "$R/tc" "$R/again"
    if ! "$TICKETC" "$onnx" --emit-dsl "$R/dsl" -o "$R/onnx/model.c" 2> "$R/err" ||
        ! "$TICKETC" "$R/dsl/model.tc" -o "$R/tc/model.c" 2>> "$R/err" ||
        ! "$TICKETC" "$R/dsl/model.tc" --emit-dsl "$R/again" --summary > /dev/null 2>> "$R/err"; then
        fail "round trip $m"; cat "$R/err"; continue
    fi
    for f in onnx/model.c tc/model.c onnx/model.h tc/model.h; do body "$R/$f" > "$R/$f.body"; done
    grep -v '^#' "$R/dsl/model.tc" > "$R/dsl.body"
    grep -v '^#' "$R/again/model.tc" > "$R/again.body"
    if ! cmp -s "$R/onnx/model.c.body" "$R/tc/model.c.body"; then
        fail "round trip $m: the C from the .tc differs"; diff "$R/onnx/model.c.body" "$R/tc/model.c.body" | head -20
    elif ! cmp -s "$R/onnx/model.h.body" "$R/tc/model.h.body"; then
        fail "round trip $m: the header from the .tc differs"
    elif ! cmp -s "$R/dsl.body" "$R/again.body"; then
        fail "round trip $m: --emit-dsl of the .tc differs from the .tc"; diff "$R/dsl.body" "$R/again.body" | head
    else
        pass "round trip $m: ONNX -> .tc -> C is byte-identical to ONNX -> C ($(ls "$R/dsl" | wc -l) files, $(wc -l < "$R/dsl/model.tc") lines of .tc)"
    fi
done

# ---- masks: ONNX + --masks -> --emit-dsl shows them; a hand-written .tc with mask=npy(...) agrees ----
K=$W/rt/masks
MASKS=$ROOT/examples/lenet-ticket/masks/ticket-r15
mkdir -p "$K/a" "$K/b"
if "$TICKETC" examples/lenet-ticket/models/dense.onnx --masks "$MASKS" --emit-dsl "$K/dsl" -o "$K/a/model.c" 2> "$K/err" &&
    "$TICKETC" "$K/dsl/model.tc" -o "$K/b/model.c" 2>> "$K/err" &&
    body "$K/a/model.c" > "$K/a/body" && body "$K/b/model.c" > "$K/b/body" && cmp -s "$K/a/body" "$K/b/body" &&
    grep -q 'fc1.weight .*# 8,275 of 235,200 nonzero' "$K/dsl/model.tc"; then
    pass "round trip with --masks: the .tc holds the masked weights (fc1 8,275 of 235,200) and gives the same C"
else
    fail "round trip with --masks"; cat "$K/err"; grep const "$K/dsl/model.tc"
fi
# the same network written by hand: dense weights, the ticket's masks as mask=npy(...)
fc3_bias=$(grep '^const fc3.bias' "$K/dsl/model.tc" | sed 's/.*= //')
cat > "$K/dsl/hand.tc" <<EOF
input image [1, 1, 28, 28]
x = flatten(image)
h1 = dense(x, weight=npy("fc1.weight.npy"), bias=npy("fc1.bias.npy"), mask=npy("$MASKS/fc1.weight.npy"))
a1 = relu(h1)
h2 = dense(a1, weight=npy("fc2.weight.npy"), bias=npy("fc2.bias.npy"), mask=npy("$MASKS/fc2.weight.npy"))
a2 = relu(h2)
logits = dense(a2, weight=npy("fc3.weight.npy"), bias=$fc3_bias, mask=npy("$MASKS/fc3.weight.npy"))
output logits
EOF
"$PY" -c 'import sys, numpy as np; sys.stdout.buffer.write(np.random.default_rng(3).random(784 * 20).astype(np.float32).tobytes())' > "$K/in.f32"
if "$TICKETC" examples/lenet-ticket/models/dense.onnx --masks "$MASKS" --interpret < "$K/in.f32" > "$K/onnx.f32" 2> "$K/err" &&
    "$TICKETC" "$K/dsl/hand.tc" --allow-paths --interpret < "$K/in.f32" > "$K/hand.f32" 2>> "$K/err" &&
    cmp -s "$K/onnx.f32" "$K/hand.f32"; then
    pass "hand-written LeNet .tc with mask=npy(...) computes what dense.onnx --masks does (20 inputs, bit for bit)"
else
    fail "hand-written LeNet .tc with masks"; cat "$K/err"
fi

# ---- names that collide as file names (a_b, a_b_t2, a/b, A_B): every weight keeps its own file ----
C=$W/rt/collide
mkdir -p "$C/a" "$C/b"
"$PY" -c 'import sys; sys.stdout.buffer.write(bytes(68 * 3))' > "$C/in.f32"
if "$PY" tests/dsl/gen_collide.py "$C/model.onnx" &&
    "$TICKETC" "$C/model.onnx" --emit-dsl "$C/dsl" -o "$C/a/model.c" 2> "$C/err" &&
    "$TICKETC" "$C/dsl/model.tc" -o "$C/b/model.c" 2>> "$C/err" &&
    "$TICKETC" "$C/model.onnx" --interpret < "$C/in.f32" > "$C/onnx.f32" 2>> "$C/err" &&
    "$TICKETC" "$C/dsl/model.tc" --interpret < "$C/in.f32" > "$C/tc.f32" 2>> "$C/err" &&
    cmp -s "$C/onnx.f32" "$C/tc.f32" && [ "$(ls "$C/dsl" | wc -l)" -eq 6 ] &&
    body "$C/a/model.c" > "$C/a/body" && body "$C/b/model.c" > "$C/b/body" && cmp -s "$C/a/body" "$C/b/body"; then
    pass "round trip with colliding names: 5 weights in 5 distinct .npy files, the .tc computes what the ONNX does"
else
    fail "round trip with colliding names"; cat "$C/err"; ls "$C/dsl"; od -f "$C/onnx.f32" | head -2; od -f "$C/tc.f32" | head -2
fi

# ---- round trip .tc -> --emit-dsl -> .tc: the fuzz seeds and examples that compile ----
for tc in tests/fuzz/corpus/dsl/*.tc examples/dsl/*.tc; do
    name=$(basename "$tc" .tc)
    T=$W/rt/tc-$name
    mkdir -p "$T/a" "$T/b"
    "$TICKETC" "$tc" -o "$T/a/model.c" 2> /dev/null || continue # the seeds of error paths
    if "$TICKETC" "$tc" --emit-dsl "$T/dsl" --summary > /dev/null 2> "$T/err" &&
        "$TICKETC" "$T/dsl/model.tc" -o "$T/b/model.c" 2>> "$T/err" &&
        body "$T/a/model.c" > "$T/a/body" && body "$T/b/model.c" > "$T/b/body" && cmp -s "$T/a/body" "$T/b/body"; then
        pass "round trip .tc -> .tc: $tc"
    else
        fail "round trip .tc -> .tc: $tc"; cat "$T/err"; diff "$T/a/body" "$T/b/body" | head
    fi
done

# ---- round trip on the run-test models (torch_view has an ONNX Constant node) ----
if [ -z "${SANITIZED:-}" ]; then
    "$PY" tests/run/gen_models.py "$W/rt/models" > /dev/null || { echo "FAIL: gen_models.py"; exit 1; }
    for d in "$W"/rt/models/*/; do
        name=$(basename "$d")
        args=$(cat "$d/args")
        mkdir -p "$d/a" "$d/b"
        # ConstantOfShape's value is a tensor attribute, which the model language cannot
        # write: --emit-dsl must refuse these two cleanly (torch.onnx writes them so)
        case $name in fold18_class_token | torch_vit)
            if "$TICKETC" "$d/model.onnx" --emit-dsl "$d/dsl" -o "$d/a/model.c" $args 2> "$d/err" ||
                ! grep -q "attribute 'value' (a tensor or graph) cannot be written in the model language" "$d/err"; then
                fail "round trip: $name: --emit-dsl should refuse ConstantOfShape's tensor attribute"; cat "$d/err"
            else
                pass "round trip: $name refused cleanly (ConstantOfShape's tensor attribute)"
            fi
            continue ;;
        esac
        if "$TICKETC" "$d/model.onnx" --emit-dsl "$d/dsl" -o "$d/a/model.c" $args 2> "$d/err" &&
            "$TICKETC" "$d/dsl/model.tc" -o "$d/b/model.c" $args 2>> "$d/err" &&
            body "$d/a/model.c" > "$d/a/body" && body "$d/b/model.c" > "$d/b/body" && cmp -s "$d/a/body" "$d/b/body"; then
            pass "round trip: $name"
        else
            fail "round trip: $name"; cat "$d/err"; diff "$d/a/body" "$d/b/body" | head
        fi
    done
fi

echo "dsl tests: $passes passed, $fails failed${SANITIZED:+ (ticketc and generated code under ASan+UBSan)}"
[ $fails -eq 0 ]
