#!/bin/sh
# Cortex-M rows for the int8 LeNet r15 ticket (issue 16), alone:
#   bench/m4_int8.sh    instructions per inference on a Cortex-M4 (QEMU mps2-an386
#                       -icount shift=0, 100 test images: mean, fewest and most, since a
#                       form that skips zero inputs does work in proportion to the nonzero
#                       ones), flash of the model object (-Os: text + data), bytes per kept
#                       weight; float I/O and --io int8; float's streamed unrolled form for
#                       comparison. Then a Cortex-M0 (QEMU microbit, -mcpu=cortex-m0plus
#                       object): the same, static RAM and peak stack, and nm -u.
set -eu
cd "$(dirname "$0")/.."
B=build/bench-m4int8
T=${T:-build/ticketc}
RT=runtime/arm
DATA=/usr/share/datasets/fashion-mnist
M4="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"
M0="-mcpu=cortex-m0plus -mthumb"
M0LD="-Wl,--defsym=tc_flash_length=262144,--defsym=tc_ram_length=16384"
M=examples/lenet-ticket/models/ticket-r15.onnx
N=100
mkdir -p $B
for f in train-images-idx3-ubyte t10k-images-idx3-ubyte; do
    [ -s $B/$f ] || gunzip -c $DATA/$f.gz > $B/$f
done
build/tools/idx2f32 $B/train-images-idx3-ubyte 1000 > $B/calib.f32
build/tools/idx2f32 $B/t10k-images-idx3-ubyte $N > $B/in.f32
Q="--quantize int8 --calibrate $B/calib.f32"
nnz=$($T $M --summary | sed -n 's/^total: \([0-9]*\) of.*/\1/p')
# "inferences N ticks T checksum C min A max B ...": mean, fewest, most instructions (40 a tick)
instr() { awk '{ printf "%10d %8d %8d", $4 * 40 / $2, $8 * 40, $10 * 40 }'; }
printf 'LeNet r15 (%s kept weights) on a Cortex-M4 (arm-none-eabi-gcc -Os, QEMU -icount, %s test images)\n' "$nnz" $N
printf '%-40s %10s %8s %8s %9s %8s\n' form instr/inf fewest most flash B/kept
for v in "int8 unrolled:$Q --strategy unrolled" \
         "int8 unrolled --target cortex-m:$Q --target cortex-m --strategy unrolled" \
         "int8 loop:$Q --strategy loop" \
         "int8 auto 24 KB:$Q --target cortex-m --code-budget 24576" \
         "int8 unrolled, --io int8:$Q --io int8 --strategy unrolled" \
         "int8 loop, --io int8:$Q --io int8 --strategy loop" \
         "int8 unrolled --target cortex-m, --io int8:$Q --io int8 --target cortex-m --strategy unrolled" \
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
    arm-none-eabi-gcc -std=c99 -Os $M4 --specs=rdimon.specs -I$RT -T $RT/cm4.ld -DPREFIX=bench -DTC_BENCH_N=$N \
        $B/$id.o $RT/cm4_start.c $drv -o $B/$id.elf
    out=$(cd $B && timeout 300 qemu-system-arm -M mps2-an386 -nographic -semihosting -icount shift=0 \
        -kernel $id.elf < /dev/null)
    case $out in
    *" min "*) i=$(echo "$out" | instr) ;;
    *) i=$(echo "$out" | awk '{ printf "%10d %8s %8s", $4 * 40 / $2, "-", "-" }') ;;
    esac
    printf '%-40s %s %9s %8s\n' "${v%%:*}" "$i" "$flash" "$(echo "scale=2; $flash / $nnz" | bc)"
done

printf '\nLeNet r15 int8 on a Cortex-M0 (-mcpu=cortex-m0plus -Os; QEMU microbit -icount, %s test images):\n' $N
printf 'static RAM = the object'\''s data + bss (int8 buffers); stack = the most <prefix>_run used\n'
printf '%-40s %10s %8s %8s %9s %8s %6s %s\n' form instr/inf fewest most flash static stack "nm -u"
for v in "int8 loop --target cortex-m:$Q --target cortex-m --strategy loop" \
         "int8 unrolled --target cortex-m:$Q --target cortex-m --strategy unrolled"; do
    id=m0_$(echo "${v%%:*}" | tr -c 'A-Za-z0-9\n' _)
    $T $M ${v#*:} --prefix bench -o $B/$id.c
    arm-none-eabi-gcc -std=c99 -Wall -Wextra -Werror -pedantic -Os $M0 -c $B/$id.c -o $B/$id.o
    flash=$(arm-none-eabi-size $B/$id.o | awk 'NR == 2 { print $1 + $2 }')
    ram=$(arm-none-eabi-size $B/$id.o | awk 'NR == 2 { print $2 + $3 }')
    u=$(arm-none-eabi-nm -u $B/$id.o | awk '{ print $2 }' | tr '\n' ' ')
    arm-none-eabi-gcc -std=c99 -Os $M0 --specs=rdimon.specs -I$RT -T $RT/cm4.ld $M0LD -DPREFIX=bench \
        -DTC_BENCH_N=$N $B/$id.o $RT/cm4_start.c $RT/cm0_bench.c -o $B/$id.elf
    out=$(cd $B && timeout 600 qemu-system-arm -M microbit -nographic -semihosting -icount shift=0 \
        -kernel $id.elf < /dev/null)
    printf '%-40s %s %9s %8s %6s %s\n' "${v%%:*}" "$(echo "$out" | instr)" "$flash" "$ram" \
        "$(echo "$out" | awk '{ print $12 }')" "${u:-empty}"
done
