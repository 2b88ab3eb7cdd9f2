#!/bin/sh
# make bench-big (and the end of make bench): issue 19's large models against
# what users would run instead. bench/gen_models.py OUT 200 big writes
# ResNet-18 (torchvision's layout, 224x224, no batch norm) at 10% and 2% kept
# and MobileNet-v2 on 64x64 at 2%: random weights pruned by global magnitude;
# with them ResNet-20 at 10% (the other model of issue 19's compile goal).
# Per model: ticketc's auto output, compiled with cc -O2 and with -O3
# -march=native, one compile at a time: CPU seconds (user + system) and peak
# memory (/usr/bin/time), and seconds per 100k kept weights (ticketc
# --summary). Latency at batch 1: bench/bench_main.c, best of 5 passes over
# the samples (ResNet-18: the 4 of resnet18-in.f32; MobileNet-v2 and
# ResNet-20: the first 20 of mobilenetv2-in.f32 and resnet20-in.f32), and in the
# same interleaved rounds (REPEATS):
#  - PyTorch's CPU path on one thread (bench/torch_onnx.py: the same network
#    from the ONNX file, torch.nn.functional, dense weights, wall clock, best
#    of 5 passes over the same samples), its outputs against ticketc's
#    (native build): flagged where off by over 1e-3 of the largest |output|;
#    as PyTorch dispatches ("PyTorch") and with every Conv and Gemm on oneDNN
#    ("PT oneDNN": Debian's PyTorch otherwise runs small and 1x1 Convs and the
#    Gemm on the system BLAS, the reference netlib one by default);
#  - ONNX Runtime (onnxruntime-node, one thread, bench/ort/ort_raw.js), raw
#    and minus the per-call cost of an Identity model of the same input size.
# Medians and bests over the rounds; ratios are the other's time over the
# native build's, medians (above 1, ticketc is faster).
#   bench/big.sh                    REPEATS=5, every model
#   MODELS="resnet18-r02" REPEATS=3 TORCH=0 ORT=0 bench/big.sh
set -eu
cd "$(dirname "$0")/.."
B=build/bench-big
T=build/ticketc
CC=${CC:-cc}
REPEATS=${REPEATS:-5}
ORT=${ORT:-1}
TORCH=${TORCH:-1}
MODELS=${MODELS:-"resnet18-r10 resnet18-r02 mobilenetv2-64-r02 resnet20-r10"}
NATIVE="-O3 -march=native"
PY=/usr/bin/python3
mkdir -p $B
echo "bench/big.sh: $(uptime | sed 's/^ *//')"
$PY bench/gen_models.py $B 200 big > $B/gen.log

. bench/ort_setup.sh
torch_ok=0
if [ "$TORCH" = 1 ]; then
    if tools/deps.sh python3-torch > $B/deps.log 2>&1 && $PY -c 'import torch' 2> /dev/null; then
        torch_ok=1
    else
        echo "bench: no PyTorch (Debian's python3-torch, see $B/deps.log); no PyTorch rows"
    fi
fi

median() { sort -g "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
least() { sort -g "$1" | head -n 1; }
us_of() { sed -n 's/.*; \([0-9.]*\) us per inference.*/\1/p' "$1"; }
field() { sed -n "s/.*; $2 \([^;]*\).*/\1/p" "$1"; } # field LOG NAME: "; NAME VALUE" of a log line
ratio() { if [ -n "$1" ] && [ -n "$2" ]; then printf '%.2fx' "$(echo "scale=4; $1 / $2" | bc)"; else echo -; fi; }
isize_of() { case $1 in resnet18*) echo 150528 ;; mobilenetv2-64*) echo 12288 ;; resnet20*) echo 3072 ;; esac; }
osize_of() { case $1 in resnet20*) echo 10 ;; *) echo 1000 ;; esac; }
samples_of() { case $1 in resnet18*) echo 4 ;; *) echo 20 ;; esac; }
input_of() { case $1 in resnet18*) echo resnet18 ;; mobilenetv2-64*) echo mobilenetv2 ;; resnet20*) echo resnet20 ;; esac; }

for m in $MODELS; do
    isize=$(isize_of $m)
    [ -n "$isize" ] || { echo "bench/big.sh: unknown model $m" >&2; exit 2; }
    head -c $(($(samples_of $m) * isize * 4)) $B/$(input_of $m)-in.f32 > $B/$m-in.f32
    /usr/bin/time -f '%e %M' -o $B/$m.tctime $T $B/$m.onnx -o $B/$m.c --prefix bench --summary > $B/$m.summary
    sed -n 's/^total: \([0-9]*\) of .*/\1/p' $B/$m.summary > $B/$m.kept
    for v in O2 native; do
        flags=-O2
        [ $v = native ] && flags=$NATIVE
        /usr/bin/time -f '%U %S %M' -o $B/$m-$v.cctime $CC -std=c99 $flags -c $B/$m.c -o $B/$m-$v.o
        $CC -std=c99 -O2 -DPREFIX=bench -DIN_SIZE=$isize -DOUT_SIZE=$(osize_of $m) bench/bench_main.c $B/$m-$v.o -o $B/$m-$v.exe -lm
        : > $B/$m-$v.times
    done
    : > $B/$m-torch.times
    : > $B/$m-onednn.times
    : > $B/$m-ort.times
    : > $B/$m-ident.times
    r=0
    while [ $r -lt "$REPEATS" ]; do
        for v in O2 native; do
            $B/$m-$v.exe $B/$m-in.f32 $B/$m-$v.out > $B/$m-$v.log
            us_of $B/$m-$v.log >> $B/$m-$v.times
        done
        if [ $torch_ok = 1 ]; then
            $PY bench/torch_onnx.py $B/$m.onnx $B/$m-in.f32 $B/$m-native.out > $B/$m-torch.log
            us_of $B/$m-torch.log >> $B/$m-torch.times
            $PY bench/torch_onnx.py --onednn $B/$m.onnx $B/$m-in.f32 $B/$m-native.out > $B/$m-onednn.log
            us_of $B/$m-onednn.log >> $B/$m-onednn.times
        fi
        if [ $ort_ok = 1 ]; then
            NODE_PATH=build/bench/ort/node_modules node bench/ort/ort_raw.js $B/$m.onnx $B/$m-in.f32 $B/$m-native.out > $B/$m-ort.log
            us_of $B/$m-ort.log >> $B/$m-ort.times
            NODE_PATH=build/bench/ort/node_modules node bench/ort/ort_raw.js $B/ident-$isize.onnx $B/$m-in.f32 > $B/$m-ident.log
            us_of $B/$m-ident.log >> $B/$m-ident.times
        fi
        r=$((r + 1))
    done
done

echo "ResNet-18, MobileNet-v2, ResNet-20, ticketc auto: compile cost ($CC -c, one at a time)"
printf '%-20s %9s %8s %7s %8s %7s %8s %8s %7s %8s\n' model kept "C MB" "tc s" "-O2 s" "MB" "s/100k" "nat s" "MB" "s/100k"
for m in $MODELS; do
    kept=$(cat $B/$m.kept)
    row=$(printf '%-20s %9s %8.1f %7.1f' $m "$kept" "$(wc -c < $B/$m.c | awk '{ print $1 / 1048576 }')" "$(awk '{ print $1 }' $B/$m.tctime)")
    for v in O2 native; do
        s=$(awk '{ printf "%.1f", $1 + $2 }' $B/$m-$v.cctime)
        row="$row $(printf '%8s %7d %8.1f' "$s" "$(awk '{ print int($3 / 1024) }' $B/$m-$v.cctime)" "$(echo "scale=2; $s * 100000 / $kept" | bc)")"
    done
    echo "$row"
done
echo "(kept: weights by ticketc --summary; tc: ticketc's own wall seconds; -O2, nat ($NATIVE): cc CPU"
echo " seconds user + system, peak resident MB, CPU seconds per 100k kept weights)"
echo
echo "ResNet-18, MobileNet-v2, ResNet-20: latency, µs per inference at batch 1, median / best of $REPEATS interleaved rounds"
printf '%-19s %16s %16s %16s %16s %16s %16s %7s %7s %7s  %s\n' model "ticketc -O2" "ticketc native" PyTorch "PT oneDNN" \
    "ORT raw" "ORT corrected" PT/nat PTo/nat ORT/nat "outputs against ticketc native"
pair() { [ -s "$1" ] && printf '%7.0f /%7.0f' "$(median "$1")" "$(least "$1")" || echo -; }
relnote() { # relnote NAME REL: "NAME rel REL", MISMATCH above 1e-3
    printf '%s rel %s' "$1" "$2"
    [ "$(echo "$2" | awk '{ print ($1 > 1e-3) }')" = 1 ] && printf ' MISMATCH'
    return 0
}
for m in $MODELS; do
    nat=$(median $B/$m-native.times)
    pt=""; pto=""; note=""
    if [ $torch_ok = 1 ]; then
        pt=$(median $B/$m-torch.times)
        pto=$(median $B/$m-onednn.times)
        note="$(relnote PyTorch "$(field $B/$m-torch.log rel)"), $(relnote oneDNN "$(field $B/$m-onednn.log rel)")"
    fi
    corr=""
    corr_pair=-
    if [ $ort_ok = 1 ]; then
        corr=$(echo "$(median $B/$m-ort.times) - $(median $B/$m-ident.times)" | bc)
        corr_pair=$(printf '%7.0f /%7.0f' "$corr" "$(echo "$(least $B/$m-ort.times) - $(least $B/$m-ident.times)" | bc)")
        d=$(field $B/$m-ort.log "max |ort - ref|")
        ref=""
        [ $torch_ok = 1 ] && ref=$(field $B/$m-torch.log "max |ref|")
        if [ -n "$ref" ]; then
            note="$note, $(relnote ORT "$(awk -v d="$d" -v r="$ref" 'BEGIN { printf "%.2e", d / r }')")"
        else
            note="$note, ORT max abs $d"
        fi
    fi
    [ $torch_ok = 1 ] && grep -q '; constant' $B/$m-torch.log && note="$note; constant output (a layer is pruned away)"
    printf '%-19s %16s %16s %16s %16s %16s %16s %7s %7s %7s  %s\n' $m "$(pair $B/$m-O2.times)" "$(pair $B/$m-native.times)" \
        "$(pair $B/$m-torch.times)" "$(pair $B/$m-onednn.times)" "$(pair $B/$m-ort.times)" "$corr_pair" \
        "$(ratio "$pt" "$nat")" "$(ratio "$pto" "$nat")" "$(ratio "$corr" "$nat")" "${note#, }"
done
echo "(native: $NATIVE; ticketc's: bench/bench_main.c, best of 5 passes over the samples, wall clock;"
echo " PyTorch $($PY -c 'import torch; print(torch.__version__)' 2> /dev/null || echo -), one thread: bench/torch_onnx.py, the same, as PyTorch dispatches"
echo " and with every Conv and Gemm on oneDNN (PT oneDNN, --onednn); ORT: onnxruntime-node"
echo " $(sed -n 's/.*"onnxruntime-node": "\(.*\)".*/\1/p' bench/ort/package.json), one thread; corrected: minus an Identity model's time on the same input"
echo " size (median minus median, best minus best); x/nat: ratios of the medians, above 1 ticketc is faster;"
echo " rel: max |difference| over max |ticketc's output|, MISMATCH above 1e-3)"
echo "bench/big.sh: $(uptime | sed 's/^ *//')"
