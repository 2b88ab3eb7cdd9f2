#!/bin/sh
# make bench: speed and size of ticketc's output on the example models, per
# strategy, side by side in one run. Latency: batch 1, the median over
# interleaved repeats of "best of 5 passes over 2,000 test images" (see
# examples/lenet-ticket/demo_main.c). Ratios are to the fastest dense build
# of the same model. Numbers depend on the machine; only ratios taken in one
# run mean anything.
set -eu
cd "$(dirname "$0")/.."
EX=examples/lenet-ticket
B=build/bench
T=build/ticketc
DATA=/usr/share/datasets/fashion-mnist
REPEATS=${REPEATS:-5}
CC=${CC:-cc}
mkdir -p $B
for f in t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -s $B/$f ] || gunzip -c $DATA/$f.gz > $B/$f
done

MODELS=${MODELS:-$(ls $EX/models/*.onnx | xargs -n1 basename | sed 's/\.onnx$//')}
BUILDS="unrolled:-O2 unrolled:-O3_-march=native dense:-O2 dense:-O3_-march=native"

now() { date +%s.%N; }
printf '%-12s %-9s %-20s %10s %10s %12s %10s\n' model strategy flags "compile s" "obj bytes" "us/infer" "vs dense"
for m in $MODELS; do
    ids=""
    for b in $BUILDS; do
        strat=${b%%:*}
        flags=$(echo "${b#*:}" | tr _ ' ')
        id=$(echo "${m}_${strat}_${b#*:}" | tr -c 'A-Za-z0-9_\n' _)
        $T $EX/models/$m.onnx -o $B/$id.c --strategy $strat --prefix bench
        t0=$(now)
        $CC -std=c99 $flags -c $B/$id.c -o $B/$id.o
        t1=$(now)
        echo "$t1 - $t0" | bc > $B/$id.ctime
        size $B/$id.o | awk 'NR == 2 { print $1 + $2 }' > $B/$id.size
        $CC -std=c99 -O2 -DPREFIX=bench $EX/demo_main.c $B/$id.o -o $B/$id.exe
        : > $B/$id.times
        ids="$ids $id"
    done
    # interleaved repeats: every build once per round
    r=0
    while [ $r -lt $REPEATS ]; do
        for id in $ids; do
            $B/$id.exe $B/t10k-images-idx3-ubyte $B/t10k-labels-idx1-ubyte |
                sed -n 's/.*; \([0-9.]*\) us per inference/\1/p' >> $B/$id.times
        done
        r=$((r + 1))
    done
    best_dense=""
    for id in $ids; do
        sort -g $B/$id.times | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }' > $B/$id.median
        case $id in *_dense_*)
            v=$(cat $B/$id.median)
            if [ -z "$best_dense" ] || [ "$(echo "$v < $best_dense" | bc)" = 1 ]; then best_dense=$v; fi;;
        esac
    done
    for b in $BUILDS; do
        strat=${b%%:*}
        id=$(echo "${m}_${strat}_${b#*:}" | tr -c 'A-Za-z0-9_\n' _)
        printf '%-12s %-9s %-20s %10.2f %10d %12.3f %9.2fx\n' "$m" "$strat" "$(echo "${b#*:}" | tr _ ' ')" \
            "$(cat $B/$id.ctime)" "$(cat $B/$id.size)" "$(cat $B/$id.median)" \
            "$(echo "scale=4; $best_dense / $(cat $B/$id.median)" | bc)"
    done
done

# Cortex-M4: instructions per inference (QEMU, measured), estimated cycles, flash per nonzero weight
MODELS="$MODELS" bench/bench_m4.sh
