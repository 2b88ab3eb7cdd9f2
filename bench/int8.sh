#!/bin/sh
# make bench-int8: the int8 tickets (--quantize int8, issue 16) against float.
#  - accuracy: LeNet r15 and CNN r10 calibrated on the first 1,000 Fashion-MNIST
#    training images, all 10,000 test images, float vs int8 (host, -O2)
#  - flash: LeNet r15 on a Cortex-M4 (-Os, text + data of the model object) per
#    strategy and with auto --target cortex-m --code-budget 24576, against the
#    estimate of --summary; and what a Cortex-M0+ object calls (nm -u)
set -eu
cd "$(dirname "$0")/.."
B=build/bench-int8
T=build/ticketc
DATA=/usr/share/datasets/fashion-mnist
CF="-std=c99 -Wall -Wextra -Werror -pedantic -O2"
M4="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"
mkdir -p $B
for f in train-images-idx3-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    [ -s $B/$f ] || gunzip -c $DATA/$f.gz > $B/$f
done
build/tools/idx2f32 $B/train-images-idx3-ubyte 1000 > $B/calib.f32
Q="--quantize int8 --calibrate $B/calib.f32"

printf '%-22s %-18s %-18s %s\n' model "float correct" "int8 correct" "difference (pp)"
for m in lenet-ticket/models/ticket-r15 conv-ticket/models/ticket-r10; do
    p=$(basename $m | tr - _)
    $T examples/$m.onnx -o $B/${p}_f.c
    $T examples/$m.onnx $Q --strategy loop -o $B/${p}_q.c
    for v in f q; do
        cc $CF -c $B/${p}_$v.c -o $B/${p}_$v.o
        cc $CF -DPREFIX=${p}_$v examples/lenet-ticket/demo_main.c $B/${p}_$v.o -o $B/demo_${p}_$v
        $B/demo_${p}_$v $B/t10k-images-idx3-ubyte $B/t10k-labels-idx1-ubyte > $B/${p}_$v.result
    done
    f=$(sed -n 's/^correct \([0-9]*\) of.*/\1/p' $B/${p}_f.result)
    q=$(sed -n 's/^correct \([0-9]*\) of.*/\1/p' $B/${p}_q.result)
    printf '%-22s %-18s %-18s %+.2f\n' $m "$f/10000" "$q/10000" "$(echo "($q - $f) / 100" | bc -l)"
done

printf '\nLeNet r15 int8 on a Cortex-M4 (arm-none-eabi-gcc -Os): flash = text + data\n'
printf '%-44s %8s %9s %s\n' options flash estimate forms
for o in "--strategy unrolled" "--strategy loop" "--strategy dense" "--target cortex-m" \
         "--target cortex-m --code-budget 24576"; do
    $T examples/lenet-ticket/models/ticket-r15.onnx $Q $o --summary -o $B/m4.c > $B/m4.summary
    arm-none-eabi-gcc $CF -Os $M4 -c $B/m4.c -o $B/m4.o
    printf '%-44s %8s %9s %s\n' "$o" "$(arm-none-eabi-size $B/m4.o | awk 'NR == 2 { print $1 + $2 }')" \
        "$(sed -n 's/.*about \([0-9]*\) bytes.*/\1/p' $B/m4.summary)" \
        "$(awk '$2 == "Gemm" { printf "%s ", $5 }' $B/m4.summary)"
done
$T examples/lenet-ticket/models/ticket-r15.onnx $Q --strategy loop -o $B/m0.c
arm-none-eabi-gcc $CF -Os -mcpu=cortex-m0plus -mthumb -c $B/m0.c -o $B/m0.o
printf '\nCortex-M0+ (-Os, loop): flash %s bytes, int8 buffers %s bytes; library calls: %s\n' \
    "$(arm-none-eabi-size $B/m0.o | awk 'NR == 2 { print $1 + $2 }')" \
    "$(arm-none-eabi-size $B/m0.o | awk 'NR == 2 { print $3 }')" "$(calls=$(arm-none-eabi-nm -u $B/m0.o | tr '\n' ' '); echo "${calls:-none}")"

# instructions per inference on the Cortex-M4 (QEMU mps2-an386 -icount shift=0: one SysTick
# tick per 40 instructions; runtime/arm/cm4_bench.c over 10 test images), int8 forms with
# float and int8 I/O against float's streamed unrolled form, and flash per kept weight
printf '\n'
T=$T bench/m4_int8.sh
