#!/bin/sh
# Per layer, flash of a model built for a Cortex-M4F (arm-none-eabi-gcc -Os,
# ticketc --target cortex-m) next to the bytes ticketc --summary prints for it:
#   bench/arm_layers.sh MODEL.onnx [ticketc options...]
#   bench/arm_layers.sh --built MODEL.c MODEL.o SUMMARY   (an object already built)
# A layer's measured bytes are the sizes (arm-none-eabi-nm -S) of the symbols
# named n<node>_... (its functions, with any parts GCC inlined into them, and
# its tables) plus the constant tables c<id>_... that only its functions read.
# Everything else (<prefix>_run, runtime math, shared tables) is "other".
# Exits 1 when a layer's estimate is more than 10% off.
set -eu
cd "$(dirname "$0")/.."
T=${TICKETC:-build/ticketc}
B=build/arm-layers
M4="-mcpu=cortex-m4 -mthumb -mfpu=fpv4-sp-d16 -mfloat-abi=hard"
mkdir -p $B
if [ "$1" = --built ]; then
    c=$2 o=$3 summary=$4
    p=$(basename "$o" .o)
else
    m=$1; shift
    p=$(basename "$m" .onnx | tr -c 'A-Za-z0-9\n' _)
    $T "$m" --target cortex-m "$@" -o $B/$p.c > /dev/null
    $T "$m" --target cortex-m "$@" --summary > $B/$p.summary
    (cd $B && arm-none-eabi-gcc -std=c99 -Wall -Wextra -Werror -pedantic -Os $M4 -c $p.c -o $p.o)
    c=$B/$p.c o=$B/$p.o summary=$B/$p.summary
fi
# constant tables c<id>_... -> the node whose function reads them first
awk '/^static .* n[0-9]+_[A-Za-z0-9_]*\(/ { s = $0; sub(/^static [^(]* n/, "", s); sub(/_.*/, "", s); node = s; next }
     /^}/ { node = "" }
     node != "" { s = $0
         while (match(s, /c[0-9]+_[A-Za-z0-9_]+/)) {
             t = substr(s, RSTART, RLENGTH); if (!(t in owner)) owner[t] = node; s = substr(s, RSTART + RLENGTH) } }
     END { for (t in owner) print t, owner[t] }' "$c" > $B/$p.owners
arm-none-eabi-nm -S -t d "$o" | awk 'NF == 4 && $3 !~ /^[bB]$/ { print $4, $2 + 0 }' > $B/$p.sizes
awk -v sumfile="$summary" '
    FILENAME ~ /owners$/ { owner[$1] = $2; next }
    { name = $1; sub(/\.constprop.*|\.isra.*|\.part.*/, "", name); node = "other"
      if (match(name, /^n[0-9]+_/)) node = substr(name, 2, RLENGTH - 2)
      else if (name in owner) node = owner[name]
      size[node] += $2; total += $2 }
    END {
        printf "%-5s %-10s %-16s %-9s %10s %10s %8s\n", "node", "op", "name", "strategy", "measured", "estimate", "diff"
        while ((getline l < sumfile) > 0) {
            n = split(l, f, " ")
            if (f[1] !~ /^[0-9]+$/ || f[n] == "-") continue
            est = f[n - 1]; meas = size[f[1]] + 0
            d = meas ? 100 * (est - meas) / meas : 100
            printf "%-5s %-10s %-16s %-9s %10d %10d %+7.1f%%\n", f[1], f[2], f[3], f[n], meas, est, d
            if (d > 10 || d < -10) bad = 1
            done[f[1]] = 1; lt += meas; le += est }
        for (k in size) if (!(k in done)) o += size[k]
        printf "%-43s %10d %10d %+7.1f%%\n", "layers", lt, le, lt ? 100 * (le - lt) / lt : 0
        printf "%-43s %10d\n", "other (run, other nodes, runtime)", o
        printf "%-43s %10d\n", "object (text + rodata)", total
        exit bad
    }' $B/$p.owners $B/$p.sizes || { echo "arm_layers: $p: a layer's estimate is more than 10% off" >&2; exit 1; }
