#!/bin/sh
# Compile time against run time of auto's output, two ticketc builds side by
# side (issue 19, item 4: the tap-table Conv form, emit_conv_table.c). Per
# model and build: the C file's bytes, cc -O2's CPU seconds (user + system, not
# wall: the machine is shared) and peak MB, seconds per 100k kept weights, the
# run time at -O2 (bench/bench_main.c: best of 5 passes; the two builds'
# binaries alternate, ROUNDS rounds, median) and instructions per inference
# (callgrind, one sample, 6 inferences).
#   bench/compile_table.sh BEFORE_TICKETC [AFTER_TICKETC]
#   MODELS="name:path:insize:outsize ..." ROUNDS=3 CFLAGS=-O2 ...
# The models: the example LeNet and CNN tickets, Conv-2 at 17% and ResNet-20 at
# 10% (bench/gen_models.py) and MobileNet-v2 64x64 at 2% (gen_models.py ... big).
set -eu
cd "$(dirname "$0")/.."
BEFORE=$1
AFTER=${2:-build/ticketc}
B=build/bench-table
M=build/big
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}
ROUNDS=${ROUNDS:-3}
mkdir -p $B $M build/tools
[ -s $M/mobilenetv2-64-r02.onnx ] || /usr/bin/python3 bench/gen_models.py $M 200 big > /dev/null
[ -x build/tools/idx2f32 ] || make build/tools/idx2f32 > /dev/null
gunzip -c /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz > $B/t10k-images
build/tools/idx2f32 $B/t10k-images 200 > $B/fmnist200.f32
L=examples/lenet-ticket/models
C=examples/conv-ticket/models
MODELS=${MODELS:-"lenet-r15:$L/ticket-r15.onnx:784:10 cnn-r10:$C/ticket-r10.onnx:784:10
 conv2-r17:$M/conv2-r17.onnx:784:10 resnet20-r10:$M/resnet20-r10.onnx:3072:10
 mobilenetv2-64-r02:$M/mobilenetv2-64-r02.onnx:12288:1000"}

samples() { # the sample file of a model by its input size
    case $1 in 784) echo $B/fmnist200.f32 ;; 3072) echo $M/resnet20-in.f32 ;; 12288) echo $M/mobilenetv2-in.f32 ;; *) echo $M/resnet18-in.f32 ;; esac
}

printf '%-20s %-6s %7s %9s %8s %7s %10s %9s %12s  %s\n' model build kept "C bytes" "cc s" "cc MB" "s/100k" "us/inf" "instr/inf" forms
for m in $MODELS; do
    name=${m%%:*}; rest=${m#*:}
    model=${rest%%:*}; rest=${rest#*:}
    isize=${rest%%:*}; osize=${rest#*:}
    in=$(samples "$isize")
    head -c $((isize * 4)) "$in" > $B/$name-one.f32
    for v in before after; do
        t=$BEFORE; [ $v = after ] && t=$AFTER
        id=$name-$v
        $t "$model" -o $B/$id.c --prefix bench --summary > $B/$id.summary
        /usr/bin/time -f '%U %S %M' -o $B/$id.time $CC -std=c99 $CFLAGS -c $B/$id.c -o $B/$id.o
        $CC -std=c99 -O2 -DPREFIX=bench -DIN_SIZE=$isize -DOUT_SIZE=$osize bench/bench_main.c $B/$id.o -o $B/$id.exe -lm
        valgrind --tool=callgrind --callgrind-out-file=$B/$id.cg $B/$id.exe $B/$name-one.f32 $B/$id.cg.out > /dev/null 2>&1
    done
    cmp -s $B/$name-before.cg.out $B/$name-after.cg.out || echo "note: $name: outputs differ in bits (checked within 1e-5 by the run tests)"
    : > $B/$name.times
    r=0
    while [ $r -lt "$ROUNDS" ]; do
        for v in before after; do
            echo "$v $($B/$name-$v.exe "$in" $B/$name-$v.out | sed -n 's/.*; \([0-9.]*\) us per inference.*/\1/p')" >> $B/$name.times
        done
        r=$((r + 1))
    done
    for v in before after; do
        id=$name-$v
        kept=$(sed -n 's/^total: \([0-9]*\) of .*/\1/p' $B/$id.summary)
        s=$(awk 'END { printf "%.1f", $1 + $2 }' $B/$id.time)
        mb=$(awk 'END { printf "%d", $3 / 1024 }' $B/$id.time)
        per=$(awk -v s="$s" -v k="$kept" 'BEGIN { printf "%.1f", s * 100000 / k }')
        us=$(awk -v v=$v '$1 == v { print $2 }' $B/$name.times | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
        ir=$(callgrind_annotate $B/$id.cg 2> /dev/null | sed -n 's/^ *\([0-9,]*\) .*PROGRAM TOTALS.*/\1/p' | tr -d , | awk '{ printf "%d", $1 / 6 }')
        forms=$(awk '$2 == "Conv" || $2 == "Gemm" || $2 == "MatMul" { c[$NF]++ } END { for (f in c) printf "%s %d, ", f, c[f] }' $B/$id.summary | sort)
        printf '%-20s %-6s %7s %9s %8s %7s %10s %9s %12s  %s\n' $name $v "$kept" "$(wc -c < $B/$id.c)" "$s" "$mb" "$per" "$us" "$ir" "${forms%, }"
    done
done
echo "(cc: $CC $CFLAGS -c, CPU seconds user + system; us: $CFLAGS, best of 5 passes, median of $ROUNDS alternating rounds; instr: callgrind per inference)"
