#!/bin/sh
# Per-node time (--profile) of one model under several ticketc builds, strategies
# and flag sets, interleaved in rounds (the machine is shared: compare within a run).
#   bench/layers.sh MODEL.onnx INPUT.f32 "TICKETC:STRATEGY" ...      (ROUNDS=3, REPS=20)
# INPUT.f32: raw float32 samples (--main reads them); each spec is built at -O2
# and at -O3 -march=native. Prints per node the least over rounds of us per run.
set -eu
[ $# -ge 3 ] || { echo "usage: bench/layers.sh MODEL.onnx INPUT.f32 TICKETC:STRATEGY ..." >&2; exit 2; }
M=$1 IN=$2; shift 2
ROUNDS=${ROUNDS:-3} REPS=${REPS:-20} CC=${CC:-cc}
B=build/layers; mkdir -p $B
ids=""
i=0
for spec in "$@"; do
    T=${spec%%:*} S=${spec#*:}
    for f in O2 O3n; do
        [ $f = O2 ] && fl="-O2" || fl="-O3 -march=native"
        id=$i-$(basename "$T")-$S-$f
        "$T" "$M" -o $B/$id.c --main --profile --strategy "$S" --prefix prof --allow-slow-compile
        # the thread's CPU time, not the wall clock: this machine is shared
        sed -i 's/CLOCK_MONOTONIC/CLOCK_THREAD_CPUTIME_ID/' $B/$id.c
        $CC -std=c99 $fl $B/$id.c -o $B/$id.exe
        : > $B/$id.t
        ids="$ids $id"
    done
    i=$((i + 1))
done
r=0
while [ $r -lt "$ROUNDS" ]; do
    for id in $ids; do $B/$id.exe -r "$REPS" < "$IN" 2>&1 > /dev/null | sed "s/^/$r /" >> $B/$id.t; done
    r=$((r + 1))
done
for id in $ids; do
    echo "$id:"
    # lines "R node op us % name": per node the least over the rounds
    awk '$2 ~ /^[0-9]+$/ && NF >= 6 { k = sprintf("%-4s %-12s %-16s", $2, $3, $6); a[k] = a[k] " " $4; if (!(k in o)) { o[k] = ++n; key[n] = k } }
         END { for (j = 1; j <= n; j++) { m = split(a[key[j]], x, " "); for (u = 2; u <= m; u++) for (v = u; v > 1 && x[v - 1] + 0 > x[v] + 0; v--) { t = x[v]; x[v] = x[v - 1]; x[v - 1] = t }; printf "  %s %9.2f\n", key[j], x[1] } }' $B/$id.t
done
