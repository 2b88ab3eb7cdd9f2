#!/bin/sh
# make bench: speed and size of ticketc's output on the example models, per
# strategy, side by side in one run, and ONNX Runtime on the same model and
# images as the "what users would use instead" row.
#  - latency: batch 1, the median over interleaved repeats of "best of 5
#    passes over 2,000 test images" (examples/lenet-ticket/demo_main.c);
#    ratios are to the fastest dense build of the same model;
#  - instructions per inference: valgrind callgrind (deterministic), over
#    all the driver's calls of the model's run function;
#  - object bytes of the model alone (text + data), and per kept weight;
#  - compile time (CPU seconds, user + system) and peak memory of the C
#    compiler on the generated file alone (/usr/bin/time);
# then the generated Conv-2 and ResNet-20 models with ONNX Runtime and per
# node times (bench/bench_models.sh), the Cortex-M4 rows, and ResNet-18 and
# MobileNet-v2 against PyTorch and ONNX Runtime (bench/big.sh), and the int8 tickets
# (bench/int8.sh).
# Numbers depend on the machine; only ratios taken in one run mean anything.
# -march=native builds leave out AVX-512 (-mno-avx512f): valgrind 3.19 cannot
# run it, and the timed and the counted binary must be the same.
#   REPEATS=5 MODELS="lenet-ticket/ticket-r15 conv-ticket/dense" CALLGRIND=1 ORT=1 bench/bench.sh
# (GEN_MODELS="conv2-r17" picks the generated models of bench/bench_models.sh,
#  BIG_MODELS="resnet18-r10" those of bench/big.sh)
# (a model is EXAMPLE/NAME: examples/EXAMPLE/models/NAME.onnx)
set -eu
cd "$(dirname "$0")/.."
B=build/bench
T=build/ticketc
DATA=/usr/share/datasets/fashion-mnist
REPEATS=${REPEATS:-5}
CALLGRIND=${CALLGRIND:-1}
ORT=${ORT:-1}
CC=${CC:-cc}
mkdir -p $B
for f in t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -s $B/$f ] || gunzip -c $DATA/$f.gz > $B/$f
done
IMAGES=$B/t10k-images-idx3-ubyte
LABELS=$B/t10k-labels-idx1-ubyte
# callgrind runs the first 200 images only (IDX files with the count patched):
# the driver then calls the model 200 + 5 x 200 times
CG_N=200
CG_CALLS=$((CG_N * 6))
{ printf '\000\000\010\003\000\000\000\310'; dd if=$IMAGES bs=1 skip=8 count=$((8 + 784 * CG_N)) 2> /dev/null; } > $B/cg-images
{ printf '\000\000\010\001\000\000\000\310'; dd if=$LABELS bs=1 skip=8 count=$CG_N 2> /dev/null; } > $B/cg-labels

MODELS=${MODELS:-$(cd examples && ls lenet-ticket/models/*.onnx conv-ticket/models/*.onnx | sed 's|/models/|/|; s/\.onnx$//')}
NATIVE="-O3_-march=native_-mno-avx512f"
SPARSE_BUILDS=${SPARSE_BUILDS:-"unrolled:-O2 unrolled:$NATIVE loop:-O2 loop:$NATIVE dense:-O2 dense:$NATIVE auto:$NATIVE"}
# the dense model: only dense code makes sense (unrolled, its 266k terms take minutes to compile)
DENSE_BUILDS=${DENSE_BUILDS:-"dense:-O2 dense:$NATIVE"}

# ONNX Runtime through npm's onnxruntime-node (its CPU library ships in the package)
ort_ok=0
if [ "$ORT" = 1 ] && command -v node > /dev/null && command -v npm > /dev/null; then
    mkdir -p $B/ort
    cp bench/ort/package.json $B/ort/package.json
    if [ -d $B/ort/node_modules/onnxruntime-node ] ||
        (cd $B/ort && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund > npm.log 2>&1); then
        ort_ok=1
        # a one-node model of the same input: what a call from Node costs whatever the model
        /usr/bin/python3 -c "
import onnx, onnx.helper as h
x = h.make_tensor_value_info('x', onnx.TensorProto.FLOAT, [1, 1, 28, 28])
y = h.make_tensor_value_info('y', onnx.TensorProto.FLOAT, [1, 1, 28, 28])
m = h.make_model(h.make_graph([h.make_node('Relu', ['x'], ['y'])], 'one', [x], [y]), opset_imports=[h.make_opsetid('', 13)])
onnx.save(m, '$B/ort-one.onnx')" || ort_ok=0
    else
        echo "bench: npm could not install onnxruntime-node (see $B/ort/npm.log); no ONNX Runtime rows"
    fi
fi

idof() { echo "$1_$2_$3" | tr -c 'A-Za-z0-9_\n' _; }
flagsof() { echo "$1" | tr _ ' '; }
nnz_of() { $T "$1" --summary | sed -n 's/^total: \([0-9]*\) of .*/\1/p'; }

printf '%-24s %-11s %-31s %9s %6s %10s %7s %10s %8s %12s %8s  %s\n' model strategy flags "compile s" "cc MB" "obj bytes" "B/nz" \
    "us/infer" "vs dense" "instr/infer" "instr/nz" "correct"
for m in $MODELS; do
    onnx=examples/${m%/*}/models/${m#*/}.onnx
    nnz=$(nnz_of $onnx)
    ort=$B/$(echo "$m" | tr / _)-ort
    case $m in */dense) builds=$DENSE_BUILDS ;; *) builds=$SPARSE_BUILDS ;; esac
    ids=""
    for b in $builds; do
        strat=${b%%:*}
        flags=$(flagsof "${b#*:}")
        id=$(idof "$m" "$strat" "${b#*:}")
        $T $onnx -o $B/$id.c --strategy $strat --prefix bench
        /usr/bin/time -f '%U %S %M' -o $B/$id.cctime $CC -std=c99 $flags -c $B/$id.c -o $B/$id.o
        awk '{ print $1 + $2 }' $B/$id.cctime > $B/$id.ctime
        awk '{ print int($3 / 1024) }' $B/$id.cctime > $B/$id.cmem
        size $B/$id.o | awk 'NR == 2 { print $1 + $2 }' > $B/$id.size
        $CC -std=c99 -O2 -DPREFIX=bench examples/lenet-ticket/demo_main.c $B/$id.o -o $B/$id.exe
        : > $B/$id.times
        ids="$ids $id"
    done
    if [ $ort_ok = 1 ]; then
        : > $ort.times
        : > $ort-one.times
    fi
    # interleaved repeats: every build once per round
    r=0
    while [ $r -lt $REPEATS ]; do
        for id in $ids; do
            $B/$id.exe $IMAGES $LABELS > $B/$id.out
            sed -n 's/.*; \([0-9.]*\) us per inference/\1/p' $B/$id.out >> $B/$id.times
        done
        if [ $ort_ok = 1 ]; then
            NODE_PATH=$B/ort/node_modules node bench/ort/ort_bench.js $onnx $IMAGES $LABELS > $ort.out
            sed -n 's/.*; \([0-9.]*\) us per inference/\1/p' $ort.out >> $ort.times
            NODE_PATH=$B/ort/node_modules node bench/ort/ort_bench.js $B/ort-one.onnx $IMAGES $LABELS |
                sed -n 's/.*; \([0-9.]*\) us per inference/\1/p' >> $ort-one.times
        fi
        r=$((r + 1))
    done
    median() { sort -g "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
    best_dense=""
    for id in $ids; do
        median $B/$id.times > $B/$id.median
        case $id in *_dense_*)
            v=$(cat $B/$id.median)
            if [ -z "$best_dense" ] || [ "$(echo "$v < $best_dense" | bc)" = 1 ]; then best_dense=$v; fi;;
        esac
    done
    for b in $builds; do
        strat=${b%%:*}
        id=$(idof "$m" "$strat" "${b#*:}")
        ipi="-"
        ipn="-"
        if [ "$CALLGRIND" = 1 ] && command -v valgrind > /dev/null; then
            # every call of bench_run on the 200-image files: 200 for accuracy + 5 x 200 timed
            valgrind --tool=callgrind --callgrind-out-file=$B/$id.cg --toggle-collect=bench_run \
                $B/$id.exe $B/cg-images $B/cg-labels > /dev/null 2> $B/$id.vg
            ir=$(callgrind_annotate $B/$id.cg 2> /dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1; exit }')
            if [ -n "$ir" ]; then
                ipi=$(echo "$ir / $CG_CALLS" | bc)
                ipn=$(echo "scale=2; $ir / $CG_CALLS / $nnz" | bc)
            fi
        fi
        printf '%-24s %-11s %-31s %9.2f %6d %10d %7.1f %10.3f %7.2fx %12s %8s  %s\n' "$m" "$strat" "$(flagsof "${b#*:}")" \
            "$(cat $B/$id.ctime)" "$(cat $B/$id.cmem)" "$(cat $B/$id.size)" "$(echo "scale=2; $(cat $B/$id.size) / $nnz" | bc)" \
            "$(cat $B/$id.median)" "$(echo "scale=4; ${best_dense:-0} / $(cat $B/$id.median)" | bc)" "$ipi" "$ipn" \
            "$(sed -n 's/correct \([0-9]*\) of .*/\1/p' $B/$id.out)"
    done
    if [ $ort_ok = 1 ]; then
        v=$(median $ort.times)
        printf '%-24s %-11s %-31s %9s %6s %10s %7s %10.3f %7.2fx %12s %8s  %s\n' "$m" "onnxruntime" "node, 1 thread" "-" "-" "-" "-" \
            "$v" "$(echo "scale=4; ${best_dense:-0} / $v" | bc)" "-" "-" "$(sed -n 's/correct \([0-9]*\) of .*/\1/p' $ort.out)"
        one=$(median $ort-one.times)
        c=$(echo "$v - $one" | bc)
        printf '%-24s %-11s %-31s %9s %6s %10s %7s %10.3f %7.2fx %12s %8s  %s\n' "$m" "onnxruntime" "corrected: minus $one us/call" "-" "-" "-" "-" \
            "$c" "$(echo "scale=4; ${best_dense:-0} / $c" | bc)" "-" "-" "-"
    fi
done
echo "(nz: the model's kept weights; correct: of the 10,000 test images; vs dense: the fastest dense build's"
echo " time over this row's, above 1 is faster; instructions by valgrind callgrind; compile s: CPU seconds;"
echo " onnxruntime corrected: its time minus a one-node Relu model's on the same input, in the same rounds)"

# the generated Conv-2 and ResNet-20 models: ticketc against ONNX Runtime
# (its per-call overhead measured and subtracted), per-node profiles
echo
MODELS="${GEN_MODELS:-conv2-r17 conv2-dense resnet20-r10}" ORT=$ORT bench/bench_models.sh

# Cortex-M4: instructions per inference (QEMU, measured), estimated cycles, flash per nonzero weight
MODELS="$MODELS" bench/bench_m4.sh

# ResNet-18 at 10% and 2%, MobileNet-v2 64x64 at 2%, ResNet-20 at 10%: compile cost, and latency
# against PyTorch and ONNX Runtime on one thread (bench/big.sh)
echo
MODELS="${BIG_MODELS:-resnet18-r10 resnet18-r02 mobilenetv2-64-r02 resnet20-r10}" ORT=$ORT bench/big.sh

# int8 tickets (--quantize int8): accuracy against float on the 10,000 test images, Cortex-M4
# and Cortex-M0 flash, instructions per inference (bench/int8.sh, also make bench-int8)
echo
bench/int8.sh
