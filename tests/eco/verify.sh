#!/bin/sh
# make verify-test: ticketc --verify on the shipped tickets (Fashion-MNIST test images
# and the fixed pseudo-random set), and the cases where it must fail: a tolerance of 0
# against FMA-free rounding differences, a C compiler that corrupts the code (a fake
# $CC that turns the first '+' of each sum into '-'), one that fails, a samples file of
# the wrong size; and that no temporary file is left behind.
set -u
TICKETC=${TICKETC:-build/ticketc}
IDX2F32=${IDX2F32:-build/tools/idx2f32}
W=$(pwd)/build/eco-verify
DATA=/usr/share/datasets/fashion-mnist
export CFLAGS=-O1
fails=0
passes=0
ok() { echo "ok    $*"; passes=$((passes + 1)); }
fail() { echo "FAIL  $*"; fails=$((fails + 1)); }
rm -rf "$W" && mkdir -p "$W"
before=$(ls -d /tmp/ticketc-verify-* 2>/dev/null | wc -l)
LENET=examples/lenet-ticket/models/ticket-r15.onnx
gunzip -c $DATA/t10k-images-idx3-ubyte.gz > "$W/t10k-images" && "$IDX2F32" "$W/t10k-images" 20 > "$W/images.f32" || { echo "FAIL  idx2f32"; exit 1; }

expect() { # expect RC NAME ARGS...: runs ticketc, checks the exit status and the summary line
    want=$1 name=$2
    shift 2
    "$TICKETC" "$@" > "$W/out" 2> "$W/err"
    rc=$?
    if [ $rc = "$want" ]; then ok "$name: exit $rc: $(cat "$W/out" "$W/err" | grep -E '^  out0|^ticketc|error: ' | head -1)"
    else fail "$name: exit $rc, expected $want"; cat "$W/out" "$W/err"; fi
}
expect 0 "lenet r15, 20 test images" $LENET --verify "$W/images.f32"
grep -q 'argmax agrees 20/20' "$W/out" || fail "lenet r15: argmax of the 20 images not all equal"
expect 0 "lenet r15 --strategy loop, pseudo-random" $LENET --verify --strategy loop
expect 0 "lenet r15 --arena caller" $LENET --verify "$W/images.f32" --arena caller
expect 0 "conv r12 (CNN) --arena caller, 20 test images" examples/conv-ticket/models/ticket-r12.onnx --verify "$W/images.f32" --strategy loop --arena caller
expect 0 "DSL mlp" examples/dsl/mlp.tc --verify
expect 1 "tolerance 0" $LENET --verify "$W/images.f32" --tolerance 0
grep -q 'beyond tolerance' "$W/out" && grep -q 'verify: FAILED' "$W/out" || fail "tolerance 0: no failure reported"
# a compiler that corrupts the code
cat > "$W/badcc" <<'SH'
#!/bin/sh
for last; do :; done
sed -i 's/ + / - /' "$last"
exec cc "$@"
SH
cat > "$W/failcc" <<'SH'
#!/bin/sh
echo "failcc: refused" >&2
exit 1
SH
chmod +x "$W/badcc" "$W/failcc"
CC="$W/badcc" expect 1 "a corrupting \$CC" $LENET --verify "$W/images.f32" -o "$W/never.c"
[ ! -e "$W/never.c" ] && ok "nothing written when verification fails" || fail "-o written despite the failure"
CC="$W/failcc" expect 1 "a failing \$CC" $LENET --verify
grep -q 'error: --verify: the C compiler failed' "$W/err" || fail "a failing \$CC: no message"
head -c 100 "$W/images.f32" > "$W/short.f32"
expect 1 "a samples file of 100 bytes" $LENET --verify "$W/short.f32"
grep -q 'not a whole number of samples' "$W/err" || fail "a samples file of 100 bytes: no message"
expect 2 "--verify with --main" $LENET --verify --main
after=$(ls -d /tmp/ticketc-verify-* 2>/dev/null | wc -l)
[ "$after" = "$before" ] && ok "no temporary directory left" || fail "temporary directories left in /tmp"
echo "verify-test: $passes passed, $fails failed"
[ $fails = 0 ]
