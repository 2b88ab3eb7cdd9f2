#!/bin/sh
# make demo: compiles the shipped ~3.6% Fashion-MNIST ticket and the dense
# LeNet-300-100 with ticketc, builds both, runs the 10,000 test images
# through each and compares accuracy, latency and size.
set -eu
cd "$(dirname "$0")/../.."
EX=examples/lenet-ticket
B=build/demo
T=build/ticketc
DATA=/usr/share/datasets/fashion-mnist
CC=${CC:-cc}
CFLAGS="-std=c99 -Wall -Wextra -Werror -pedantic -O2"
mkdir -p $B

step() { printf '\n== %s\n' "$*"; }

step "unpacking the Fashion-MNIST test set ($DATA)"
for f in t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -s $B/$f ] || gunzip -c $DATA/$f.gz > $B/$f
done

field() { awk -F'\t' -v f="$1" -v c="$2" '$1 == f { print $c }' $EX/models/index.tsv; }

for m in ticket-r15 dense; do
    name=$(echo $m | tr -- - _)
    step "ticketc $EX/models/$m.onnx -o $B/$name.c --summary"
    $T $EX/models/$m.onnx -o $B/$name.c --summary | tee $B/$name.summary
    step "$CC $CFLAGS -c $B/$name.c (no libm)"
    start=$(date +%s.%N)
    $CC $CFLAGS -c $B/$name.c -o $B/$name.o
    end=$(date +%s.%N)
    printf "compiled in %.2f s\n" "$(echo "$end - $start" | bc)"
    $CC $CFLAGS -DPREFIX=$name $EX/demo_main.c $B/$name.o -o $B/demo_$name
    step "running the 10,000 test images through $name"
    $B/demo_$name $B/t10k-images-idx3-ubyte $B/t10k-labels-idx1-ubyte | tee $B/$name.result
done

# the table
correct() { sed -n 's/^correct \([0-9]*\) of.*/\1/p' $B/$1.result; }
us() { sed -n 's/.*; \([0-9.]*\) us per inference/\1/p' $B/$1.result; }
bytes() { size $B/$1.o | awk 'NR == 2 { print $1 + $2 + $3 }'; }
kept() { sed -n 's/^total: \([0-9]*\) of \([0-9]*\) weights kept (\([0-9.]*%\)).*/\1 of \2 (\3)/p' $B/$1.summary; }

step "result"
printf '%-12s %-28s %-22s %-20s %-14s %s\n' model "weights kept" "test accuracy" "PyTorch (training)" "us/inference" "code+data bytes"
for m in ticket-r15 dense; do
    name=$(echo $m | tr -- - _)
    c=$(correct $name)
    expect=$(field $m.onnx 6)
    printf '%-12s %-28s %-22s %-20s %-14s %s\n' "$name" "$(kept $name)" "$c/10000 ($(echo "scale=2; $c / 100" | bc)%)" \
        "$expect/10000" "$(us $name)" "$(bytes $name)"
    if [ "$c" != "$expect" ]; then
        echo "demo: $name classifies $c images correctly, the training script recorded $expect" >&2
        exit 1
    fi
done
echo
echo "speed-up of the ticket over the dense model: $(echo "scale=1; $(us dense) / $(us ticket_r15)" | bc)x;" \
     "size ratio: $(echo "scale=1; $(bytes dense) / $(bytes ticket_r15)" | bc)x smaller"
echo "both reproduce the accuracy PyTorch measured, to the image."
