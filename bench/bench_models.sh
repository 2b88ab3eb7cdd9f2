#!/bin/sh
# make bench, generated models (bench/gen_models.py, written into build/ at
# bench time): a Conv-2-size network (17% kept) and its dense parent on the
# first 200 Fashion-MNIST test images, and a ResNet-20-size CIFAR network
# (10% kept) on 200 random 3x32x32 samples; random weights pruned by global
# magnitude, not trained (accuracy means nothing here; latency and size do).
# Per row: ticketc's own time and peak memory, the C compiler's CPU time and
# peak memory (/usr/bin/time), the object's bytes, and latency at batch 1
# (bench/bench_main.c: best of 5 passes over the samples; the median over
# REPEATS interleaved rounds). ONNX Runtime (onnxruntime-node, one thread)
# runs the same samples in the same rounds, and so does a one-node Identity
# model of the same input size: its time is ONNX Runtime's fixed cost per
# call from Node, shown raw and subtracted ("corrected"). Ratios are ONNX
# Runtime's corrected time over the row's: above 1, ticketc is faster.
# Then, per conv model, the per-node times of the auto builds (--profile).
#   bench/bench_models.sh                 every build, REPEATS=5
#   QUICK=1 bench/bench_models.sh         auto -O2 only, one round (iteration)
#   MODELS="conv2-r17" REPEATS=3 ORT=0 bench/bench_models.sh
set -eu
cd "$(dirname "$0")/.."
B=build/bench-models
T=build/ticketc
CC=${CC:-cc}
QUICK=${QUICK:-0}
ORT=${ORT:-1}
if [ "$QUICK" = 1 ]; then REPEATS=${REPEATS:-1}; else REPEATS=${REPEATS:-5}; fi
N=200
mkdir -p $B
/usr/bin/python3 bench/gen_models.py $B $N
# Conv-2 runs on real Fashion-MNIST test images (pixel / 255)
[ -s $B/t10k-images ] || gunzip -c /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz > $B/t10k-images
[ -x build/tools/idx2f32 ] || make -s build/tools/idx2f32
build/tools/idx2f32 $B/t10k-images $N > $B/conv2-in.f32

MODELS=${MODELS:-"conv2-r17 conv2-dense resnet20-r10"}
NATIVE="-O3_-march=native"
if [ "$QUICK" = 1 ]; then
    BUILDS=${BUILDS:-"auto:-O2"}
else
    BUILDS=${BUILDS:-"auto:-O2 auto:$NATIVE dense:-O2 dense:$NATIVE"}
fi

. bench/ort_setup.sh
ort_run() { NODE_PATH=build/bench/ort/node_modules node bench/ort/ort_raw.js "$@"; }

median() { sort -g "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
us_of() { sed -n 's/.*; \([0-9.]*\) us per inference.*/\1/p' "$1"; }
input_of() { case $1 in conv2*) echo conv2 ;; *) echo resnet20 ;; esac; }
size_of() { case $1 in conv2*) echo 784 ;; *) echo 3072 ;; esac; }

printf '%-13s %-9s %-18s %8s %8s %8s %8s %10s %10s %9s  %s\n' model build flags "tc s" "tc MB" "cc s" "cc MB" "obj bytes" "us/infer" "vs ORT" "note"
for m in $MODELS; do
    in=$B/$(input_of $m)-in.f32
    isize=$(size_of $m)
    kept=$($T $B/$m.onnx --summary | sed -n 's/^total: \([0-9]*\) of \([0-9]*\) .*/\1 of \2/p')
    ids=""
    for b in $BUILDS; do
        strat=${b%%:*}
        flags=$(echo "${b#*:}" | tr _ ' ')
        id=$m-$strat$(echo "${b#*:}" | tr -c 'A-Za-z0-9\n' _)
        /usr/bin/time -f '%e %M' -o $B/$id.tctime $T $B/$m.onnx -o $B/$id.c --strategy $strat --prefix bench
        /usr/bin/time -f '%U %S %M' -o $B/$id.cctime $CC -std=c99 $flags -c $B/$id.c -o $B/$id.o
        size $B/$id.o | awk 'NR == 2 { print $1 + $2 }' > $B/$id.size
        $CC -std=c99 -O2 -DPREFIX=bench -DIN_SIZE=$isize -DOUT_SIZE=10 bench/bench_main.c $B/$id.o -o $B/$id.exe
        echo "$strat" > $B/$id.strat
        echo "$flags" > $B/$id.flags
        : > $B/$id.times
        ids="$ids $id"
    done
    : > $B/$m-ort.times
    : > $B/$m-ident.times
    r=0
    while [ $r -lt "$REPEATS" ]; do
        for id in $ids; do
            $B/$id.exe $in $B/$id.out > $B/$id.log
            us_of $B/$id.log >> $B/$id.times
        done
        if [ $ort_ok = 1 ]; then
            first=${ids# }
            first=${first%% *}
            ort_run $B/$m.onnx $in $B/$first.out > $B/$m-ort.log
            us_of $B/$m-ort.log >> $B/$m-ort.times
            ort_run $B/ident-$isize.onnx $in > $B/$m-ident.log
            us_of $B/$m-ident.log >> $B/$m-ident.times
        fi
        r=$((r + 1))
    done
    ort_corr=""
    if [ $ort_ok = 1 ]; then
        ort_raw=$(median $B/$m-ort.times)
        ort_id=$(median $B/$m-ident.times)
        ort_corr=$(echo "$ort_raw - $ort_id" | bc)
    fi
    for id in $ids; do
        us=$(median $B/$id.times)
        vs="-"
        [ -n "$ort_corr" ] && vs=$(printf '%.2fx' "$(echo "scale=4; $ort_corr / $us" | bc)")
        printf '%-13s %-9s %-18s %8.2f %8d %8.1f %8d %10d %10.1f %9s  %s\n' "$m" "$(cat $B/$id.strat)" "$(cat $B/$id.flags)" \
            "$(awk '{ print $1 }' $B/$id.tctime)" "$(awk '{ print int($2 / 1024) }' $B/$id.tctime)" \
            "$(awk '{ print $1 + $2 }' $B/$id.cctime)" "$(awk '{ print int($3 / 1024) }' $B/$id.cctime)" \
            "$(cat $B/$id.size)" "$us" "$vs" "$kept kept"
    done
    if [ $ort_ok = 1 ]; then
        printf '%-13s %-9s %-18s %8s %8s %8s %8s %10s %10.1f %9s  %s\n' "$m" onnxrt "raw (node)" - - - - - "$ort_raw" \
            "$(printf '%.2fx' "$(echo "scale=4; $ort_corr / $ort_raw" | bc)")" "$(sed -n 's/.*; max |ort - ref| \(.*\)/max |ORT - ticketc| \1/p' $B/$m-ort.log)"
        printf '%-13s %-9s %-18s %8s %8s %8s %8s %10s %10.1f %9s  %s\n' "$m" onnxrt "one Identity" - - - - - "$ort_id" - \
            "fixed cost per call, same input size"
        printf '%-13s %-9s %-18s %8s %8s %8s %8s %10s %10.1f %9s  %s\n' "$m" onnxrt "corrected" - - - - - "$ort_corr" 1.00x \
            "raw minus the Identity model"
    fi
done
echo "(tc: ticketc; cc: $CC -c CPU seconds and peak MB; us/infer: median of $REPEATS rounds of best-of-5 passes"
echo " over $N samples; vs ORT: ONNX Runtime's corrected time over the row's, above 1 is faster)"

# per node (--profile), the auto builds, over the same samples
for m in $MODELS; do
    case $m in conv2*|resnet*) ;; *) continue ;; esac
    for flags in "-O2" "-O3 -march=native"; do
        [ "$QUICK" = 1 ] && [ "$flags" != "-O2" ] && continue
        id=$m-profile$(echo "$flags" | tr -c 'A-Za-z0-9\n' _)
        $T $B/$m.onnx -o $B/$id.c --main --profile --prefix prof
        $CC -std=c99 $flags $B/$id.c -o $B/$id.exe
        echo
        echo "$m, auto $flags, --profile (per node, $N samples x 5):"
        $B/$id.exe -r 5 < $B/$(input_of $m)-in.f32 2>&1 > /dev/null | sed 's/^/  /'
    done
done
