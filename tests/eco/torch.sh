#!/bin/sh
# make torch-test: python/ticketc_torch on the shipped LeNet ticket r15 carrying
# torch.nn.utils.prune reparametrisations: export() as dense weights + masks directory,
# and as masked weights; python3 -m ticketc_torch on the saved model; each through
# ticketc to C, whose logits on 100 Fashion-MNIST test images equal PyTorch's (1e-4,
# same argmax); without the masks the C differs (the masks matter).
set -u
ROOT=$(pwd)
TICKETC=$ROOT/${TICKETC:-build/ticketc}
FCMP=$ROOT/${FCMP:-build/tools/fcmp}
IDX2F32=$ROOT/${IDX2F32:-build/tools/idx2f32}
PY=${PY:-/usr/bin/python3}
W=$ROOT/build/eco-torch
fails=0
passes=0
ok() { echo "ok    $*"; passes=$((passes + 1)); }
fail() { echo "FAIL  $*"; fails=$((fails + 1)); }
rm -rf "$W" && mkdir -p "$W"
gunzip -c /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz > "$W/t10k" && "$IDX2F32" "$W/t10k" 100 > "$W/images.f32" ||
    { echo "FAIL  images"; exit 1; }
"$PY" tests/eco/torch_export.py "$W" "$W/images.f32" || { echo "FAIL  torch_export.py"; exit 1; }
ok "ticketc_torch.export: dense.onnx + masks/, zeros.onnx, prune.onnx (prune format), model.pt"
(cd python && PYTHONPATH=. "$PY" -m ticketc_torch "$W/model.pt" --path "$ROOT/tests/eco" --input-shape 1,1,28,28 \
    -o "$W/cli.onnx" --masks "$W/cli-masks") > "$W/cli.log" 2>&1 && ok "$(cat "$W/cli.log")" || { fail "python3 -m ticketc_torch"; cat "$W/cli.log"; }
cmp -s "$W/masks/fc1.weight.npy" examples/lenet-ticket/masks/ticket-r15/fc1.weight.npy &&
    ok "masks/fc1.weight.npy equals the shipped mask" || fail "masks/fc1.weight.npy differs from the shipped mask"
run() { # run NAME MODEL [ticketc options]: the C's logits on the images into $W/NAME.f32
    name=$1 model=$2
    shift 2
    "$TICKETC" "$model" -o "$W/$name.c" --main "$@" && cc -std=c99 -O1 "$W/$name.c" -o "$W/$name" &&
        "$W/$name" < "$W/images.f32" > "$W/$name.f32"
}
for c in "dense dense.onnx --masks $W/masks" "zeros zeros.onnx" "prune prune.onnx" "cli cli.onnx --masks $W/cli-masks"; do
    set -- $c
    n=$1 m=$2
    shift 2
    if run "$n" "$W/$m" "$@" && "$FCMP" --rel 1e-4 --abs 1e-4 --argmax 10 "$W/$n.f32" "$W/torch.f32" > "$W/$n.cmp"; then
        ok "$m ${*:-(no masks)}: C equals PyTorch on 100 images ($(tail -1 "$W/$n.cmp"))"
    else
        fail "$m $*: C differs from PyTorch"; cat "$W/$n.cmp" 2>/dev/null
    fi
done
run nomask "$W/dense.onnx" && ! "$FCMP" --rel 1e-4 --abs 1e-4 "$W/nomask.f32" "$W/torch.f32" > /dev/null 2>&1 &&
    ok "dense.onnx without its masks differs (the masks matter)" || fail "dense.onnx without masks equals PyTorch: the test proves nothing"
echo "torch-test: $passes passed, $fails failed"
[ $fails = 0 ]
