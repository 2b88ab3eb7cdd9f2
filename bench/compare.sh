#!/bin/sh
# Two ticketc builds side by side (say main before and after a change), auto strategy,
# -O2 and -O3 -march=native, and ONNX Runtime (onnxruntime-node, one thread) raw and
# minus a one-node Relu model's time (what a call from Node costs whatever the model).
# Latency: median over interleaved rounds of examples/lenet-ticket/demo_main.c's
# "best of 5 passes over the images" (the first 2,000 test images).
#   bench/compare.sh OLD_TICKETC NEW_TICKETC [MODEL.onnx ...]     (ROUNDS=5)
# Run from the checkout; writes build/compare/. Only ratios within one run mean much.
set -eu
[ $# -ge 2 ] || { echo "usage: bench/compare.sh OLD_TICKETC NEW_TICKETC [MODEL.onnx ...]" >&2; exit 2; }
OLD=$(realpath "$1") NEW=$(realpath "$2"); shift 2
MODELS=${*:-"examples/lenet-ticket/models/ticket-r15.onnx examples/lenet-ticket/models/ticket-r07.onnx examples/lenet-ticket/models/dense.onnx examples/conv-ticket/models/ticket-r10.onnx examples/conv-ticket/models/dense.onnx"}
ROUNDS=${ROUNDS:-5}
B=build/compare
DATA=${DATA:-/usr/share/datasets/fashion-mnist}
PY=${PY:-/usr/bin/python3}
mkdir -p $B
for f in t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -s $B/$f ] || gunzip -c $DATA/$f.gz > $B/$f
done
med() { sort -g "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
us() { sed -n 's/.*; \([0-9.]*\) us per inference/\1/p'; }
name() { echo "$(basename "$(dirname "$(dirname "$1")")")_$(basename "$1" .onnx)"; }

# ONNX Runtime, and the one-node model that measures its per-call cost
ort=0
if command -v node > /dev/null && command -v npm > /dev/null; then
    mkdir -p $B/ort && cp bench/ort/package.json $B/ort/
    if [ -d $B/ort/node_modules/onnxruntime-node ] ||
        (cd $B/ort && ONNXRUNTIME_NODE_INSTALL=skip npm install --ignore-scripts --no-audit --no-fund > npm.log 2>&1); then
        ort=1
        "$PY" -c "
import onnx, onnx.helper as h
x = h.make_tensor_value_info('x', onnx.TensorProto.FLOAT, [1, 1, 28, 28])
y = h.make_tensor_value_info('y', onnx.TensorProto.FLOAT, [1, 1, 28, 28])
m = h.make_model(h.make_graph([h.make_node('Relu', ['x'], ['y'])], 'one', [x], [y]), opset_imports=[h.make_opsetid('', 13)])
onnx.save(m, '$B/one.onnx')"
    fi
fi

ids=""
for m in $MODELS; do
    for t in old new; do
        for f in O2 O3n; do
            id=$(name "$m")_${t}_$f
            [ $t = old ] && T=$OLD || T=$NEW
            [ $f = O2 ] && fl="-O2" || fl="-O3 -march=native"
            "$T" "$m" -o $B/$id.c --prefix bench
            cc -std=c99 $fl -c $B/$id.c -o $B/$id.o
            cc -std=c99 -O2 -DPREFIX=bench examples/lenet-ticket/demo_main.c $B/$id.o -o $B/$id.exe
            : > $B/$id.t
            ids="$ids $id"
        done
    done
done
for m in $MODELS; do : > $B/$(name "$m")_ort.t; done
: > $B/one_ort.t
r=0
while [ $r -lt "$ROUNDS" ]; do
    for id in $ids; do $B/$id.exe $B/t10k-images-idx3-ubyte $B/t10k-labels-idx1-ubyte | us >> $B/$id.t; done
    if [ $ort = 1 ]; then
        for m in $MODELS; do
            NODE_PATH=$B/ort/node_modules node bench/ort/ort_bench.js "$m" $B/t10k-images-idx3-ubyte $B/t10k-labels-idx1-ubyte | us >> $B/$(name "$m")_ort.t
        done
        NODE_PATH=$B/ort/node_modules node bench/ort/ort_bench.js $B/one.onnx $B/t10k-images-idx3-ubyte $B/t10k-labels-idx1-ubyte | us >> $B/one_ort.t
    fi
    r=$((r + 1))
done
one=0
[ $ort = 1 ] && one=$(med $B/one_ort.t) && echo "ONNX Runtime per-call cost (one-node Relu): $one us"
printf '%-32s %9s %9s %9s %9s %9s %9s\n' model "old -O2" "new -O2" "old -O3n" "new -O3n" "ORT raw" "ORT corr"
for m in $MODELS; do
    n=$(name "$m")
    o=""; c=""
    if [ $ort = 1 ]; then o=$(med $B/${n}_ort.t); c=$(echo "$o - $one" | bc); fi
    printf '%-32s %9s %9s %9s %9s %9s %9s\n' "$n" $(med $B/${n}_old_O2.t) $(med $B/${n}_new_O2.t) \
        $(med $B/${n}_old_O3n.t) $(med $B/${n}_new_O3n.t) "${o:--}" "${c:--}"
done
