#!/bin/sh
# Cortex-M4 rows for the int8 LeNet r15 ticket (issue 16), alone:
#   bench/m4_int8.sh    instructions per inference (QEMU mps2-an386 -icount shift=0,
#                       10 test images), flash of the model object (-Os: text + data),
#                       bytes per kept weight; float I/O and --io int8; float's
#                       streamed unrolled form for comparison.
set -eu
cd "$(dirname "$0")/.."
B=build/bench-m4int8
T=${T:-build/ticketc}
RT=runtime/arm
DATA=/usr/share/datasets/fashion-mnist
M4="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"
M=examples/lenet-ticket/models/ticket-r15.onnx
mkdir -p $B
for f in train-images-idx3-ubyte t10k-images-idx3-ubyte; do
    [ -s $B/$f ] || gunzip -c $DATA/$f.gz > $B/$f
done
build/tools/idx2f32 $B/train-images-idx3-ubyte 1000 > $B/calib.f32
build/tools/idx2f32 $B/t10k-images-idx3-ubyte 10 > $B/in.f32
Q="--quantize int8 --calibrate $B/calib.f32"
nnz=$($T $M --summary | sed -n 's/^total: \([0-9]*\) of.*/\1/p')
printf 'LeNet r15 (%s kept weights) on a Cortex-M4 (arm-none-eabi-gcc -Os, QEMU -icount)\n' "$nnz"
printf '%-34s %10s %9s %8s\n' form instr/inf flash B/kept
for v in "int8 unrolled:$Q --strategy unrolled" "int8 loop:$Q --strategy loop" \
         "int8 auto 24 KB:$Q --target cortex-m --code-budget 24576" \
         "int8 unrolled, --io int8:$Q --io int8 --strategy unrolled" \
         "int8 loop, --io int8:$Q --io int8 --strategy loop" \
         "float streamed:--target cortex-m --strategy unrolled"; do
    id=$(echo "${v%%:*}" | tr -c 'A-Za-z0-9\n' _)
    $T $M ${v#*:} --prefix bench -o $B/$id.c
    arm-none-eabi-gcc -std=c99 -Wall -Wextra -Werror -pedantic -Os $M4 -c $B/$id.c -o $B/$id.o
    flash=$(arm-none-eabi-size $B/$id.o | awk 'NR == 2 { print $1 + $2 }')
    case $v in
    *"io int8"*)
        h=$B/$id.h
        sc=$(sed -n 's/^#define BENCH_H_IN0_SCALE \(.*\)$/\1/p' $h)
        zp=$(sed -n 's/^#define BENCH_H_IN0_ZERO_POINT \(.*\)$/\1/p' $h)
        drv="$RT/cm4_bench_i8.c -DTC_IN_SCALE=$sc -DTC_IN_ZP=$zp" ;;
    *) drv=$RT/cm4_bench.c ;;
    esac
    arm-none-eabi-gcc -std=c99 -Os $M4 --specs=rdimon.specs -I$RT -T $RT/cm4.ld -DPREFIX=bench \
        $B/$id.o $RT/cm4_start.c $drv -o $B/$id.elf
    out=$(cd $B && timeout 300 qemu-system-arm -M mps2-an386 -nographic -semihosting -icount shift=0 \
        -kernel $id.elf < /dev/null)
    printf '%-34s %10s %9s %8s\n' "${v%%:*}" "$(echo "$out" | awk '{ printf "%d", $4 * 40 / $2 }')" "$flash" \
        "$(echo "scale=2; $flash / $nnz" | bc)"
done
