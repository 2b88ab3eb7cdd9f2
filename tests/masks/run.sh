#!/bin/sh
# Mask tests (--masks, --check-masks, --prune-magnitude) on the cases that
# gen_mask_cases.py builds:
#  - a dense model plus its masks, as a directory of .npy files, an .npz and
#    an ONNX file, compiles to the same C as the model with zeros in its
#    weights, and (node numbers aside) as PyTorch's prune format;
#  - the interpreter and the compiled C agree with numpy on random inputs;
#  - --check-masks passes on the ticket and fails on the dense model;
#  - --prune-magnitude 0.9 zeroes round(0.9 n) weights per layer, and warns;
#  - golden error messages: tests/masks/<case>.err (and <case>.out, stdout).
#   TICKETC=build/ticketc PY=/usr/bin/python3 FCMP=build/tools/fcmp tests/masks/run.sh
#   REGEN=1 ... rewrites the golden files from the current ticketc: review the diff!
set -u
ROOT=$(pwd)
TICKETC=${TICKETC:-build/ticketc}
PY=${PY:-/usr/bin/python3}
FCMP=${FCMP:-build/tools/fcmp}
case $TICKETC in /*) ;; *) TICKETC=$ROOT/$TICKETC ;; esac
case $FCMP in /*) ;; *) FCMP=$ROOT/$FCMP ;; esac
G=$ROOT/tests/masks
W=$ROOT/build/mask-tests${SANITIZED:+-asan}
STRICT="-std=c99 -Wall -Wextra -Werror -pedantic -O2"
fails=0
passes=0

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok   $*"; passes=$((passes + 1)); }

rm -rf "$W" && mkdir -p "$W"
"$PY" tests/masks/gen_mask_cases.py "$W" || { echo "FAIL: gen_mask_cases.py"; exit 1; }
cd "$W" || exit 1

# The C after its header comment, which names the model, its hash and the options.
body() { sed '1,/^ \*\/$/d' "$1"; }
# The prune format has two more nodes (the Muls) in front: node numbers shift.
renumber() { sed -e 's/node [0-9][0-9]*/node N/g' -e 's/\([^A-Za-z0-9_]\)n[0-9][0-9]*_/\1nN_/g'; }

# tc OUT.c ARGS...: compile, on failure report and return 1
tc() {
    o=$1
    shift
    if ! "$TICKETC" "$@" --prefix net -o "$o" 2> "$o.err"; then
        fail "ticketc $* -o $o"; cat "$o.err"; return 1
    fi
}

MASKS="good/npydir good/masks.npz good/masks_z.npz good/masks.onnx"

# ---- the same C from masks, from zeros in the weights, from the prune format ----
for strat in auto unrolled dense; do
    tc zeros-$strat.c zeros.onnx --strategy $strat || continue
    body zeros-$strat.c > zeros-$strat.body
    for m in $MASKS; do
        n=$(basename "$m" | tr . _)
        tc $n-$strat.c model.onnx --masks "$m" --strategy $strat || continue
        if body $n-$strat.c | cmp -s - zeros-$strat.body; then
            pass "--masks $m --strategy $strat: same C as zeros in the weights"
        else
            fail "--masks $m --strategy $strat: C differs from zeros.onnx's"; body $n-$strat.c | diff zeros-$strat.body - | head -10
        fi
    done
    tc prune-$strat.c prune.onnx --strategy $strat || continue
    renumber < zeros-$strat.body > zeros-$strat.renum
    if body prune-$strat.c | renumber | cmp -s - zeros-$strat.renum; then
        pass "prune format --strategy $strat: same C as zeros in the weights (node numbers aside)"
    else
        fail "prune format --strategy $strat: C differs"; body prune-$strat.c | renumber | diff zeros-$strat.renum - | head -10
    fi
done

# (and the check can fail: the dense model alone is not the ticket)
tc dense-auto.c model.onnx && body dense-auto.c | cmp -s - zeros-auto.body &&
    fail "the dense model compiles to the same C as the ticket: the comparisons above prove nothing"

# ---- numbers: the interpreter and the compiled C against numpy ----
for m in $MASKS; do
    n=$(basename "$m" | tr . _)
    if ! "$TICKETC" model.onnx --masks "$m" --interpret < in.f32 > $n.f32 2> $n.interp.err; then
        fail "--masks $m --interpret"; cat $n.interp.err
    elif ! "$FCMP" --rel 1e-5 --abs 1e-5 $n.f32 expect.f32 > $n.cmp 2>&1; then
        fail "--masks $m --interpret differs from numpy"; cat $n.cmp
    else
        pass "--masks $m --interpret matches numpy"
    fi
done
if tc main.c model.onnx --masks good/npydir --main && gcc $STRICT main.c -o main 2> main.gcc.err &&
    ./main < in.f32 > main.f32 && "$FCMP" --rel 1e-5 --abs 1e-5 main.f32 expect.f32 > main.cmp 2>&1; then
    pass "--masks good/npydir --main: compiled C matches numpy"
else
    fail "--masks good/npydir --main: compiled C"; cat main.gcc.err main.cmp 2> /dev/null
fi

# ---- --check-masks: the ticket passes (and compiles as usual) ----
"$TICKETC" zeros.onnx --masks good/npydir --check-masks --prefix net -o check.c > check_pass.got 2> check_pass.err
rc=$?
[ -n "${REGEN:-}" ] && cp check_pass.got "$G/check_pass.out"
if [ $rc -ne 0 ]; then
    fail "--check-masks on the ticket: exit status $rc"; cat check_pass.err
elif [ -s check_pass.err ]; then
    fail "--check-masks on the ticket: unexpected messages"; cat check_pass.err
elif ! diff -u "$G/check_pass.out" check_pass.got; then
    fail "--check-masks on the ticket: report differs"
elif [ -e check.c ] && ! body check.c | cmp -s - zeros-auto.body; then
    fail "--check-masks changed the generated C"
else
    pass "--check-masks on the ticket: report, exit 0"
fi

# ---- --prune-magnitude 0.9: round(0.9 n) more zeros per layer, a warning, numpy's numbers ----
# (--summary rows: node op name input output nonzero/total ...)
if "$TICKETC" model.onnx --summary > dense.sum 2> dense.sum.err &&
    "$TICKETC" model.onnx --prune-magnitude 0.9 --summary > pm.sum 2> pm.err; then
    if ! awk 'FNR == 1 { f++ } $2 == "Gemm" { split($6, r, "/"); nz[f, $1] = r[1]; tot[$1] = r[2] }
              END { n = 0; for (k in tot) { n++; if (nz[1, k] - nz[2, k] != int(0.9 * tot[k] + 0.5)) exit 1 }
                    exit n != 2 }' dense.sum pm.sum; then
        fail "--prune-magnitude 0.9: not round(0.9 n) more zeros per layer"; cat dense.sum pm.sum
    elif ! grep -q "warning: .*accuracy was not retrained" pm.err; then
        fail "--prune-magnitude 0.9: no warning that accuracy was not retrained"; cat pm.err
    elif ! "$TICKETC" model.onnx --prune-magnitude 0.9 --interpret < in.f32 > pm.f32 2> /dev/null ||
        ! "$FCMP" --rel 1e-5 --abs 1e-5 pm.f32 pm_expect.f32 > pm.cmp 2>&1; then
        fail "--prune-magnitude 0.9: outputs differ from numpy's magnitude pruning"; cat pm.cmp
    else
        pass "--prune-magnitude 0.9: round(0.9 n) more zeros per layer, warning, numpy's outputs"
    fi
else
    fail "--prune-magnitude 0.9 --summary"; cat dense.sum.err pm.err
fi

# ---- the shipped LeNet ticket: dense-looking weights + masks, and prune format ----
EX=$ROOT/examples/lenet-ticket
if [ -e "$EX/models/ticket-r15.onnx" ]; then
    if ! "$PY" "$G/gen_lenet_cases.py" "$EX" . 2> lenet-gen.err; then
        fail "gen_lenet_cases.py"; cat lenet-gen.err
    elif tc lenet-ref.c "$EX/models/ticket-r15.onnx"; then
        body lenet-ref.c > lenet-ref.body
        renumber < lenet-ref.body > lenet-ref.renum
        for m in "$EX/masks/ticket-r15" lenet_masks.npz lenet_masks.onnx; do
            n=lenet-$(basename "$m" | tr . _)
            tc $n.c lenet_garbage.onnx --masks "$m" || continue
            if body $n.c | cmp -s - lenet-ref.body; then
                pass "LeNet ticket as garbage + --masks $(basename "$m"): same C as the shipped ticket"
            else
                fail "LeNet ticket as garbage + --masks $(basename "$m"): C differs from the shipped ticket's"
            fi
        done
        if tc lenet-prune.c lenet_prune.onnx && body lenet-prune.c | renumber | cmp -s - lenet-ref.renum; then
            pass "LeNet ticket in prune format: same C as the shipped ticket (node numbers aside)"
        else
            fail "LeNet ticket in prune format: C differs from the shipped ticket's"
        fi
        # and the garbage matters: without the masks the C is not the ticket's
        tc lenet-nomask.c lenet_garbage.onnx && body lenet-nomask.c | cmp -s - lenet-ref.body &&
            fail "lenet_garbage.onnx without masks compiles to the ticket's C: the comparisons above prove nothing"
        # the compiled ticket from garbage + masks reproduces PyTorch's logits
        gunzip -c /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz > t10k-images
        "$ROOT/build/tools/idx2f32" t10k-images 100 > images100.f32
        if tc lenet-main.c lenet_garbage.onnx --masks "$EX/masks/ticket-r15" --main &&
            gcc $STRICT -O1 lenet-main.c -o lenet-main 2> lenet-main.err && ./lenet-main < images100.f32 > lenet-main.f32 &&
            "$FCMP" --rel 1e-4 --abs 1e-4 --argmax 10 lenet-main.f32 "$EX/models/ticket-r15.logits100.f32" > lenet-main.cmp 2>&1; then
            pass "LeNet ticket as garbage + --masks: PyTorch's logits ($(cat lenet-main.cmp))"
        else
            fail "LeNet ticket as garbage + --masks: PyTorch's logits"; cat lenet-main.err lenet-main.cmp 2> /dev/null
        fi
    fi
    # --check-masks: the shipped ticket is its masks' ticket; the dense model is not
    if "$TICKETC" "$EX/models/ticket-r15.onnx" --masks "$EX/masks/ticket-r15" --check-masks > lenet-check.out 2>&1 &&
        [ "$(grep -c ', 0 nonzero where pruned$' lenet-check.out)" = 3 ]; then
        pass "--check-masks: the shipped ticket-r15 matches its masks"
    else
        fail "--check-masks on the shipped ticket-r15"; cat lenet-check.out
    fi
    if "$TICKETC" "$EX/models/dense.onnx" --masks "$EX/masks/ticket-r15" --check-masks > lenet-check2.out 2>&1; then
        fail "--check-masks passes the dense model as ticket-r15"
    elif grep -q "this model is not the ticket" lenet-check2.out; then
        pass "--check-masks: the dense model is refused as ticket-r15"
    else
        fail "--check-masks on dense.onnx: unexpected output"; cat lenet-check2.out
    fi
fi

# ---- golden error messages: exit 1, no output file, stderr (and stdout) as recorded ----
for a in cases/*.args; do
    name=$(basename "$a" .args)
    out=out-$name.c
    "$TICKETC" $(cat "$a") -o "$out" > $name.stdout 2> $name.stderr
    rc=$?
    if [ -n "${REGEN:-}" ]; then
        cp $name.stderr "$G/$name.err"
        rm -f "$G/$name.out"
        [ -s $name.stdout ] && cp $name.stdout "$G/$name.out"
    fi
    if [ ! -e "$G/$name.err" ]; then
        fail "error case $name: no golden file tests/masks/$name.err (REGEN=1 writes it)"
    elif [ $rc -ne 1 ]; then
        fail "error case $name: exit status $rc, expected 1"; cat $name.stderr
    elif [ -e "$out" ] || ls "$out".tmp* > /dev/null 2>&1; then
        fail "error case $name: left an output file behind"
    elif ! diff -u "$G/$name.err" $name.stderr; then
        fail "error case $name: message differs"
    elif [ -e "$G/$name.out" ] && ! diff -u "$G/$name.out" $name.stdout; then
        fail "error case $name: report differs"
    else
        pass "error: $name"
    fi
done

echo "mask tests: $passes passed, $fails failed"
[ $fails -eq 0 ]
