#!/bin/sh
# Compile cost of ticketc's output against kept weights (issue 19, item 4):
# per model and strategy, the C file's size, the C compiler's CPU time
# (user + system) and peak memory (/usr/bin/time %M) at -O2, and ticketc's own
# estimate of both (--summary's "compile" line). One compile at a time.
#   bench/compile_scaling.sh                      the default cases
#   CASES="build/bench-models/conv2-r17.onnx:unrolled" bench/compile_scaling.sh
#   TIMEOUT=600 CFLAGS=-O2 ...
# A case is MODEL:STRATEGY; a compile that runs out of TIMEOUT seconds is
# reported as ">TIMEOUT". Forced strategies that ticketc refuses as too slow
# to compile are compiled anyway (--allow-slow-compile), to check the estimate.
set -eu
cd "$(dirname "$0")/.."
B=build/bench-scaling
T=build/ticketc
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}
TIMEOUT=${TIMEOUT:-600}
mkdir -p $B
M=build/bench-models
[ -s $M/conv2-r17.onnx ] && [ -s $M/resnet20-r10.onnx ] || { mkdir -p $M && /usr/bin/python3 bench/gen_models.py $M > /dev/null; }
L=examples/lenet-ticket/models
C=examples/conv-ticket/models
CASES=${CASES:-"$L/ticket-r15.onnx:auto $L/ticket-r12.onnx:auto $L/ticket-r07.onnx:unrolled $C/ticket-r10.onnx:auto
 $M/resnet20-r10.onnx:auto $M/resnet20-r10.onnx:unrolled $M/resnet20-r10.onnx:dense
 $M/conv2-r17.onnx:auto $M/conv2-r17.onnx:dense $M/conv2-r17.onnx:loop $M/conv2-r17.onnx:unrolled"}
# --allow-slow-compile exists once ticketc estimates compile cost
allow=""
if $T --help | grep -q allow-slow-compile; then allow=--allow-slow-compile; fi

printf '%-22s %-9s %9s %11s %12s %12s %10s %10s\n' model strategy kept "C bytes" "est cc s" "est cc MB" "cc s" "cc MB"
for c in $CASES; do
    model=${c%:*}
    strat=${c##*:}
    id=$(basename "$model" .onnx)-$strat
    $T "$model" -o $B/$id.c --strategy "$strat" $allow --summary > $B/$id.summary
    kept=$(sed -n 's/^total: \([0-9]*\) of .*/\1/p' $B/$id.summary)
    est_s=$(sed -n 's/^compile estimate: .* \([0-9.]*\) s of cc -O2 CPU.*/\1/p' $B/$id.summary)
    est_mb=$(sed -n 's/^compile estimate: .*CPU, \([0-9]*\) MB.*/\1/p' $B/$id.summary)
    bytes=$(wc -c < $B/$id.c)
    if /usr/bin/time -f '%U %S %M' -o $B/$id.time timeout "$TIMEOUT" $CC -std=c99 $CFLAGS -c $B/$id.c -o $B/$id.o 2> $B/$id.err; then
        s=$(awk 'END { printf "%.1f", $1 + $2 }' $B/$id.time)
        mb=$(awk 'END { printf "%d", $3 / 1024 }' $B/$id.time)
    else
        s=">$TIMEOUT"
        mb=$(awk 'END { printf ">%d", $3 / 1024 }' $B/$id.time)
    fi
    rm -f $B/$id.o
    printf '%-22s %-9s %9s %11s %12s %12s %10s %10s\n' "$(basename "$model" .onnx)" "$strat" "$kept" "$bytes" \
        "${est_s:--}" "${est_mb:--}" "$s" "$mb"
done
echo "(cc: $CC $CFLAGS -c, CPU seconds user + system and peak resident MB by /usr/bin/time; est: ticketc --summary)"
