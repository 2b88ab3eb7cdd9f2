#!/bin/sh
# make arm-example: builds the firmware of examples/arm for a Cortex-M4F
# (QEMU's mps2-an386 board), runs it under qemu-system-arm, and checks that
# it prints exactly what the same program prints on the host.
set -eu
cd "$(dirname "$0")/../.."
B=build/arm-example
DATA=/usr/share/datasets/fashion-mnist
RT=runtime/arm
N=${N:-8}
STRICT="-std=c99 -Wall -Wextra -Werror -pedantic"
M4="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"
mkdir -p $B

# the model: the shipped 3.6% ticket, compiled for a Cortex-M (weights streamed from
# tables), the tables in their own flash section
build/ticketc examples/lenet-ticket/models/ticket-r15.onnx -o $B/lenet.c --target cortex-m --weights-section .tc_weights
examples/arm/gen_images.sh $N $DATA/t10k-images-idx3-ubyte.gz $DATA/t10k-labels-idx1-ubyte.gz > $B/images.h

arm-none-eabi-gcc $STRICT -Os $M4 --specs=rdimon.specs -I$B -I$RT -T $RT/cm4.ld \
    examples/arm/main.c $B/lenet.c $RT/cm4_start.c -o $B/firmware.elf -Wl,-Map=$B/firmware.map
arm-none-eabi-size $B/firmware.elf
timeout 60 qemu-system-arm -M mps2-an386 -nographic -semihosting -kernel $B/firmware.elf < /dev/null | tee $B/m4.txt

gcc $STRICT -O2 -I$B examples/arm/main.c $B/lenet.c -o $B/host
$B/host > $B/host.txt
if cmp -s $B/m4.txt $B/host.txt; then
    echo "arm-example: the Cortex-M4 prints exactly what the host prints"
else
    echo "arm-example: the Cortex-M4 and the host disagree:" >&2
    diff $B/host.txt $B/m4.txt >&2
    exit 1
fi
