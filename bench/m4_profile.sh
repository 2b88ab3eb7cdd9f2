#!/bin/sh
# Where a ticket's Cortex-M4 instructions go, per function (issue 16):
#   bench/m4_profile.sh MODEL [ticketc options...]
# builds MODEL's C for the Cortex-M4 (arm-none-eabi-gcc -Os, as bench/m4_int8.sh), runs
# N (default 10) test images on QEMU mps2-an386 one instruction per translation block
# (-singlestep) with the execution log, and prints executed instructions per inference for
# each function of the model (static helpers that gcc inlines count in their caller), and
# the total of them. Needs build/tools/idx2f32 and Fashion-MNIST as bench/m4_int8.sh.
set -eu
cd "$(dirname "$0")/.."
B=build/bench-m4prof
T=${T:-build/ticketc}
N=${N:-10}
RT=runtime/arm
DATA=/usr/share/datasets/fashion-mnist
M4="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"
M=$1
shift
mkdir -p $B
for f in train-images-idx3-ubyte t10k-images-idx3-ubyte; do
    [ -s $B/$f ] || gunzip -c $DATA/$f.gz > $B/$f
done
[ -s $B/calib.f32 ] || build/tools/idx2f32 $B/train-images-idx3-ubyte 1000 > $B/calib.f32
build/tools/idx2f32 $B/t10k-images-idx3-ubyte $N > $B/in.f32
# "@CALIB" in the options stands for the calibration file
opts=$(echo "$*" | sed "s|@CALIB|$B/calib.f32|g")
$T $M $opts --prefix bench -o $B/p.c
arm-none-eabi-gcc -std=c99 -Wall -Wextra -Werror -pedantic -Os $M4 -c $B/p.c -o $B/p.o
arm-none-eabi-gcc -std=c99 -Os $M4 --specs=rdimon.specs -I$RT -T $RT/cm4.ld -DPREFIX=bench -DTC_BENCH_N=$N \
    $B/p.o $RT/cm4_start.c $RT/cm4_bench.c -o $B/p.elf
arm-none-eabi-size $B/p.o | awk 'NR == 2 { printf "flash (text + data of the -Os object): %d bytes\n", $1 + $2 }'
# the model's functions: name, start, end (from the object's symbols, placed in the ELF)
arm-none-eabi-nm -S --defined-only $B/p.o | awk '$3 ~ /[tT]/ { print $4 }' > $B/fns
arm-none-eabi-nm -S $B/p.elf | awk 'NR == FNR { f[$1] = 1; next } ($4 in f) && $3 ~ /[tT]/ { print $4, $1, $2 }' \
    $B/fns - > $B/ranges
(cd $B && timeout 600 qemu-system-arm -M mps2-an386 -nographic -semihosting -singlestep -d exec,nochain -D exec.log \
    -kernel p.elf < /dev/null)
python3 - $B/ranges $B/exec.log $N <<'PY'
import sys, bisect
r = [(int(a, 16), int(a, 16) + int(b, 16), f) for f, a, b in (l.split() for l in open(sys.argv[1]))]
r.sort()
lo = [x[0] for x in r]
c = {}
for line in open(sys.argv[2], errors='replace'):
    if line.startswith('Trace'):
        pc = int(line.split('/')[1], 16)
        i = bisect.bisect_right(lo, pc) - 1
        if i >= 0 and pc < r[i][1]:
            c[r[i][2]] = c.get(r[i][2], 0) + 1
n = int(sys.argv[3])
for f, v in sorted(c.items(), key=lambda x: -x[1]):
    print('%-32s %10.1f' % (f, v / n))
print('%-32s %10.1f' % ('total', sum(c.values()) / n))
PY
rm -f $B/exec.log
