#!/bin/sh
# make demo: compiles the shipped Fashion-MNIST tickets and their dense
# networks with ticketc -- the ~3.6% LeNet-300-100 ticket (examples/lenet-ticket)
# and the ~12% convolutional ticket (examples/conv-ticket) -- builds each,
# runs the 10,000 test images through it and compares accuracy (with the
# count PyTorch measured when the training script ran), latency and size.
# Then each ticket as integer-only code (--quantize int8, calibrated on the
# first 1,000 training images): its accuracy within 0.5 points of the float
# ticket's, latency and size.
set -eu
cd "$(dirname "$0")/.."
B=build/demo
T=build/ticketc
DATA=/usr/share/datasets/fashion-mnist
CC=${CC:-cc}
CFLAGS="-std=c99 -Wall -Wextra -Werror -pedantic -O2"
# example directory, ticket, dense model
PAIRS="lenet-ticket:ticket-r15:dense conv-ticket:ticket-r10:dense"
mkdir -p $B

step() { printf '\n== %s\n' "$*"; }

step "unpacking the Fashion-MNIST test set and the training images ($DATA)"
for f in train-images-idx3-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -s $B/$f ] || gunzip -c $DATA/$f.gz > $B/$f
done

# field FILE.onnx COLUMN of an example's index.tsv (written by its train.py)
field() { awk -F'\t' -v f="$2" -v c="$3" '$1 == f { print $c }' examples/$1/models/index.tsv; }
correct() { sed -n 's/^correct \([0-9]*\) of.*/\1/p' $B/$1.result; }
us() { sed -n 's/.*; \([0-9.]*\) us per inference/\1/p' $B/$1.result; }
bytes() { size $B/$1.o | awk 'NR == 2 { print $1 + $2 + $3 }'; }
kept() { sed -n 's/^total: \([0-9]*\) of \([0-9]*\) weights kept (\([0-9.]*%\)).*/\1 of \2 (\3)/p' $B/$1.summary; }

for pair in $PAIRS; do
    ex=${pair%%:*}
    for m in $(echo "${pair#*:}" | tr : ' '); do
        name=$(echo "${ex}_$m" | tr -- - _)
        step "ticketc examples/$ex/models/$m.onnx -o $B/$name.c --summary"
        $T examples/$ex/models/$m.onnx -o $B/$name.c --summary | tee $B/$name.summary
        step "$CC $CFLAGS -c $B/$name.c (no libm)"
        start=$(date +%s.%N)
        $CC $CFLAGS -c $B/$name.c -o $B/$name.o
        end=$(date +%s.%N)
        printf "compiled in %.2f s\n" "$(echo "$end - $start" | bc)"
        $CC $CFLAGS -DPREFIX=$name examples/lenet-ticket/demo_main.c $B/$name.o -o $B/demo_$name
        step "running the 10,000 test images through $name"
        $B/demo_$name $B/t10k-images-idx3-ubyte $B/t10k-labels-idx1-ubyte | tee $B/$name.result
    done
done

# the tickets in int8: the same driver (float in, float out; the model quantises on entry)
build/tools/idx2f32 $B/train-images-idx3-ubyte 1000 > $B/calib.f32
for pair in $PAIRS; do
    ex=${pair%%:*}
    m=$(echo "${pair#*:}" | cut -d: -f1)
    name=$(echo "${ex}_${m}_int8" | tr -- - _)
    step "ticketc examples/$ex/models/$m.onnx --quantize int8 --calibrate $B/calib.f32 -o $B/$name.c --summary"
    $T examples/$ex/models/$m.onnx --quantize int8 --calibrate $B/calib.f32 -o $B/$name.c --summary | tee $B/$name.summary
    $CC $CFLAGS -c $B/$name.c -o $B/$name.o
    $CC $CFLAGS -DPREFIX=$name examples/lenet-ticket/demo_main.c $B/$name.o -o $B/demo_$name
    step "running the 10,000 test images through $name"
    $B/demo_$name $B/t10k-images-idx3-ubyte $B/t10k-labels-idx1-ubyte | tee $B/$name.result
done

step "result"
fail=0
printf '%-29s %-30s %-22s %-18s %-13s %s\n' model "weights kept" "test accuracy (C)" "PyTorch (training)" "us/inference" "code+data bytes"
for pair in $PAIRS; do
    ex=${pair%%:*}
    for m in $(echo "${pair#*:}" | tr : ' '); do
        name=$(echo "${ex}_$m" | tr -- - _)
        c=$(correct $name)
        expect=$(field $ex $m.onnx 6)
        printf '%-29s %-30s %-22s %-18s %-13s %s\n' "$ex/$m" "$(kept $name)" \
            "$c/10000 ($(echo "scale=2; $c / 100" | bc)%)" "$expect/10000" "$(us $name)" "$(bytes $name)"
        if [ "$c" != "$expect" ]; then
            echo "demo: $ex/$m classifies $c images correctly, the training script recorded $expect" >&2
            fail=1
        fi
    done
done
for pair in $PAIRS; do
    ex=${pair%%:*}
    m=$(echo "${pair#*:}" | cut -d: -f1)
    f=$(echo "${ex}_$m" | tr -- - _)
    name=${f}_int8
    c=$(correct $name) cf=$(correct $f)
    printf '%-29s %-30s %-22s %-18s %-13s %s\n' "$ex/$m int8" "$(kept $f)" \
        "$c/10000 ($(echo "scale=2; $c / 100" | bc)%)" "-" "$(us $name)" "$(bytes $name)"
    if [ $((cf - c)) -gt 50 ]; then
        echo "demo: $ex/$m in int8 classifies $c images correctly, more than 0.5 points below float's $cf" >&2
        fail=1
    fi
done
echo
for pair in $PAIRS; do
    ex=${pair%%:*}
    set -- $(echo "${pair#*:}" | tr : ' ')
    t=$(echo "${ex}_$1" | tr -- - _)
    d=$(echo "${ex}_$2" | tr -- - _)
    echo "$ex: the ticket is $(echo "scale=1; $(us $d) / $(us $t)" | bc)x faster and" \
         "$(echo "scale=1; $(bytes $d) / $(bytes $t)" | bc)x smaller than the dense network"
done
for pair in $PAIRS; do
    ex=${pair%%:*}
    f=$(echo "${ex}_$(echo "${pair#*:}" | cut -d: -f1)" | tr -- - _)
    echo "$ex: in int8 the ticket is $(echo "scale=1; $(bytes $f) / $(bytes ${f}_int8)" | bc)x smaller than in float," \
         "$(printf '%+.2f' "$(echo "scale=2; ($(correct ${f}_int8) - $(correct $f)) / 100" | bc)") points of accuracy," \
         "$(echo "scale=2; $(us ${f}_int8) / $(us $f)" | bc)x its time on this machine"
done
[ $fail = 0 ] || exit 1
echo "every float model reproduces the accuracy PyTorch measured, to the image;" \
     "each int8 ticket is within 0.5 points of its float ticket."
