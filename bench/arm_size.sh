#!/bin/sh
# make arm-size: flash and RAM of the example tickets as built for a
# Cortex-M4F with arm-none-eabi-gcc -Os (auto, --target cortex-m), next to ticketc's
# own estimate from --summary:
#   flash = text + rodata of the model object
#   RAM   = data + bss (the arena) + the worst stack depth of <prefix>_run,
#           from GCC's -fcallgraph-info=su (frame sizes on the call graph)
# and, per layer, the same against --summary's bytes (bench/arm_layers.sh).
# Fails when an estimate, of a model or of a layer, is more than 10% off.
set -eu
cd "$(dirname "$0")/.."
EX=examples/lenet-ticket
B=build/arm-size
T=build/ticketc
M4="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"
MODELS=${MODELS:-"ticket-r15 ticket-r12 ticket-r07"}
mkdir -p $B

# worst stack from a .ci file: depth(f) = frame(f) + max over callees depth(callee)
worst_stack() {
    awk -v root="$2" '
        /^node:/ { t = $0; sub(/.*title: "/, "", t); sub(/".*/, "", t)
                   b = $0; sub(/ bytes.*/, "", b); sub(/.*\\n/, "", b); frame[t] = b + 0 }
        /^edge:/ { s = $0; sub(/.*sourcename: "/, "", s); sub(/".*/, "", s)
                   d = $0; sub(/.*targetname: "/, "", d); sub(/".*/, "", d)
                   n[s]++; callee[s, n[s]] = d }
        function depth(f,   i, m, x) { m = 0
            for (i = 1; i <= n[f]; i++) { x = depth(callee[f, i]); if (x > m) m = x }
            return frame[f] + m }
        END { print depth(root) }' "$1"
}

pct() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.1f%%", 100 * (b - a) / a }'; }
within() { awk -v a="$1" -v b="$2" 'BEGIN { d = (b - a) / a; exit !(d <= 0.10 && d >= -0.10) }'; }

bad=0
printf 'Cortex-M4F, arm-none-eabi-gcc -Os, ticketc --target cortex-m: measured vs ticketc --summary\n'
printf '%-12s %10s %10s %8s   %8s %8s %8s %8s %8s %8s\n' model "flash" "estimate" "diff" "data" "bss" "stack" "RAM" "estimate" "diff"
for m in $MODELS; do
    p=$(echo $m | tr - _)
    $T $EX/models/$m.onnx --target cortex-m -o $B/$p.c > /dev/null
    $T $EX/models/$m.onnx --target cortex-m --summary > $B/$p.summary
    (cd $B && arm-none-eabi-gcc -std=c99 -Wall -Wextra -Werror -pedantic -Os $M4 -fcallgraph-info=su -c $p.c -o $p.o)
    eval "$(arm-none-eabi-size -A $B/$p.o | awk '
        $1 ~ /^\.(text|rodata)/ { f += $2 } $1 ~ /^\.data/ { d += $2 } $1 ~ /^\.bss/ { b += $2 }
        END { printf "flash=%d data=%d bss=%d\n", f, d, b }')"
    stack=$(worst_stack $B/$p.ci ${p}_run)
    ram=$((data + bss + stack))
    eflash=$(sed -n 's/.*Cortex-M4 -Os estimate: flash \([0-9]*\) bytes.*/\1/p' $B/$p.summary)
    eram=$(sed -n 's/.*Cortex-M4 -Os estimate: .*RAM \([0-9]*\) bytes.*/\1/p' $B/$p.summary)
    printf '%-12s %10d %10d %8s   %8d %8d %8d %8d %8d %8s\n' $m $flash "${eflash:-0}" "$(pct $flash "${eflash:-0}")" \
        $data $bss $stack $ram "${eram:-0}" "$(pct $ram "${eram:-0}")"
    within $flash "${eflash:-0}" || { echo "arm-size: $m: the flash estimate is more than 10% off" >&2; bad=1; }
    within $ram "${eram:-0}" || { echo "arm-size: $m: the RAM estimate is more than 10% off" >&2; bad=1; }
done
for m in $MODELS; do
    p=$(echo $m | tr - _)
    printf '\n%s, per layer:\n' $m
    bench/arm_layers.sh --built $B/$p.c $B/$p.o $B/$p.summary || bad=1
done
exit $bad
