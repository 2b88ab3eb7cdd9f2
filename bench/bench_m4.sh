#!/bin/sh
# The Cortex-M4 rows of make bench (called by bench.sh; also alone:
# MODELS="lenet-ticket/ticket-r15" bench/bench_m4.sh). Per model and strategy, built with
# arm-none-eabi-gcc -Os for a Cortex-M4F:
#   instr/inf  executed instructions per inference, MEASURED: QEMU mps2-an386
#              with -icount shift=0 advances SysTick one tick per 40
#              instructions; runtime/arm/cm4_bench.c times 10 images
#   est cycles an ESTIMATE, not a measurement: instr/inf times the mean cost
#              of the model object's instructions (static mix from objdump)
#              with Cortex-M4 timings from ARM's TRM: LDR/STR/VLDR/VSTR 2,
#              VMLA/VMLS/VFMA 3, VDIV/VSQRT 14, taken branch 2, others 1; no
#              flash wait states, no pipelining of loads
#   flash      text + rodata of the model object (-Os)
#   B/nonzero  flash bytes per nonzero weight
#   spills     loads and stores at [sp] in the model object (0: every value
#              stays in registers; push/pop of saved registers not counted)
# Strategies: unrolled (weights as literals), stream (unrolled for --target
# cortex-m: weights in tables read 8 at a time by vldmia), loop, dense,
# auto (--target cortex-m: no layer larger than its dense form) and budget
# (auto given --code-budget 1048576, a 1 MiB flash part: the fastest forms that fit).
set -eu
cd "$(dirname "$0")/.."
B=build/bench-m4
T=build/ticketc
RT=runtime/arm
M4="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"
mkdir -p $B
gunzip -c /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz > $B/t10k-images
build/tools/idx2f32 $B/t10k-images 10 > $B/in.f32
rm -f $B/t10k-images

MODELS=${MODELS:-$(cd examples && ls lenet-ticket/models/*.onnx conv-ticket/models/*.onnx | sed 's|/models/|/|; s/\.onnx$//')}

# mean cycles per instruction of an object's code, by the timings above
cpi() {
    arm-none-eabi-objdump -d --no-show-raw-insn "$1" | awk -F'\t' 'NF >= 2 && $1 ~ /^ *[0-9a-f]+:$/ {
        op = $2; sub(/\..*/, "", op); sub(/ .*/, "", op)
        c = 1
        if (op ~ /^(ldr|str|vldr|vstr|ldrb|strb|ldrh|strh|ldrd|strd)/) c = 2
        else if (op ~ /^(vmla|vmls|vfma|vfms|vnmla|vnmls)/) c = 3
        else if (op ~ /^(vdiv|vsqrt)/) c = 14
        else if (op ~ /^(vldm|vstm|vpush|vpop|ldm|stm|push|pop)/) c = 1 + 1 + gsub(/,/, ",", $3)
        else if (op ~ /^(b|bl|blx|bx|cbz|cbnz)$/) c = 2
        n++; s += c
    } END { printf "%.3f\n", n ? s / n : 1 }'
}

printf '\nCortex-M4 (arm-none-eabi-gcc -Os; auto is ticketc --target cortex-m; QEMU mps2-an386 -icount shift=0; est cycles is an estimate)\n'
printf '%-24s %-9s %-9s %12s %8s %12s %10s %10s %10s %7s\n' model strategy resolved instr/inf "instr/nz" "est cycles" "flash B" nonzero B/nonzero spills
for m in $MODELS; do
    onnx=examples/${m%/*}/models/${m#*/}.onnx
    nnz=$($T $onnx --summary | sed -n 's/^total: \([0-9]*\) of.*/\1/p')
    for strat in unrolled stream loop dense auto budget; do
        id=$(echo "${m}_$strat" | tr -c 'A-Za-z0-9_\n' _)
        case $strat in
        stream) sargs="--strategy unrolled --target cortex-m" ;;
        auto) sargs="--target cortex-m" ;;
        budget) sargs="--target cortex-m --code-budget 1048576" ;;
        *) sargs="--strategy $strat" ;;
        esac
        case $m in */dense) [ $strat = dense ] || [ $strat = auto ] || continue ;; esac
        $T $onnx -o $B/$id.c $sargs --prefix bench
        resolved=$strat reuse=""
        if [ $strat = auto ] || [ $strat = budget ]; then
            resolved=per-layer
            # auto is often one of the others: reuse its build
            for s in unrolled stream loop dense; do
                o=$(echo "${m}_$s" | tr -c 'A-Za-z0-9_\n' _)
                [ -f $B/$o.c ] || continue # (not built for a dense model)
                if [ "$(sed '1,/^ \*\//d' $B/$o.c | cksum)" = "$(sed '1,/^ \*\//d' $B/$id.c | cksum)" ]; then
                    resolved=$s reuse=$o
                fi
            done
        fi
        if [ -z "$reuse" ]; then
            arm-none-eabi-gcc -std=c99 -Os $M4 -c $B/$id.c -o $B/$id.o
            # a program whose code exceeds the board's 4 MiB (the dense model unrolled) gets no row
            if arm-none-eabi-gcc -std=c99 -Os $M4 --specs=rdimon.specs -I$RT -T $RT/cm4.ld -DPREFIX=bench \
                $B/$id.o $RT/cm4_start.c $RT/cm4_bench.c -o $B/$id.elf 2> $B/$id.ld.err; then
                (cd $B && qemu-system-arm -M mps2-an386 -nographic -semihosting -icount shift=0 -kernel $id.elf < /dev/null) > $B/$id.out
            else
                rm -f $B/$id.out
            fi
            o=$id
        else
            o=$reuse
        fi
        if [ ! -s $B/$o.out ]; then
            printf '%-24s %-9s %-9s %12s %8s %12s %10d  (does not fit the 4 MiB of code memory)\n' "$m" "$strat" "$resolved" - - - \
                "$(arm-none-eabi-size -A $B/$o.o | awk '$1 ~ /^\.(text|rodata)/ { s += $2 } END { print s }')"
            continue
        fi
        ticks=$(sed -n 's/^inferences \([0-9]*\) ticks \([0-9]*\).*/\2 \1/p' $B/$o.out)
        instr=$(echo "$ticks" | awk '{ printf "%d", $1 * 40 / $2 }')
        est=$(awk -v i="$instr" -v c="$(cpi $B/$o.o)" 'BEGIN { printf "%d", i * c }')
        flash=$(arm-none-eabi-size -A $B/$o.o | awk '$1 ~ /^\.(text|rodata)/ { s += $2 } END { print s }')
        spills=$(arm-none-eabi-objdump -d --no-show-raw-insn $B/$o.o | grep -c '\[sp' || true)
        printf '%-24s %-9s %-9s %12d %8.2f %12d %10d %10d %10.2f %7d\n' "$m" "$strat" "$resolved" "$instr" \
            "$(echo "scale=4; $instr / $nnz" | bc)" "$est" "$flash" "$nnz" "$(echo "scale=4; $flash / $nnz" | bc)" "$spills"
    done
done
