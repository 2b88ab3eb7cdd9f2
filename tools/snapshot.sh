#!/bin/sh
# Snapshot of everything ticketc writes, for refactors that must not change
# the output: every run-test model, example, DSL file, error case and ONNX
# conformance model, under every strategy and option set worth telling apart.
#   tools/snapshot.sh TICKETC OUTDIR      writes OUTDIR/<case>/{model.c,model.h,stdout,stderr,rc,...}
#   tools/snapshot.sh --compare A B       diff -r of two snapshots; exit 1 if they differ
# Typical use: snapshot main's build into build/snap-before, the refactor's into
# build/snap-after, then --compare. Inputs are generated into OUTDIR/.inputs with
# fixed seeds, so two snapshots taken on one machine see the same models.
set -u
if [ "${1:-}" = --compare ]; then
    if diff -r -x .inputs "$2" "$3" > "$3.diff"; then
        echo "snapshot: $(find "$2" -name rc -not -path '*/.inputs/*' | wc -l) cases byte-identical"
        exit 0
    fi
    echo "snapshot: outputs differ ($(grep -c '^diff -r' "$3.diff") files; see $3.diff)"
    head -40 "$3.diff"
    exit 1
fi
[ $# -eq 2 ] || { echo "usage: tools/snapshot.sh TICKETC OUTDIR | --compare A B" >&2; exit 2; }
ROOT=$(pwd)
case $1 in /*) TC=$1 ;; *) TC=$ROOT/$1 ;; esac
case $2 in /*) OUT=$2 ;; *) OUT=$ROOT/$2 ;; esac
PY=${PY:-/usr/bin/python3}
CONF=${CONF:-/usr/share/libonnx-testdata/data}
rm -rf "$OUT" && mkdir -p "$OUT/.inputs"
I=$OUT/.inputs
"$PY" tests/run/gen_models.py "$I/models" > /dev/null || exit 1
"$PY" tests/masks/gen_mask_cases.py "$I/masks" > /dev/null || exit 1

# one case per line: NAME<TAB>DIR-TO-RUN-IN<TAB>ARGS (MODEL first; output is model.c)
L=$OUT/.inputs/cases
: > "$L"
case_() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >> "$L"; }
for d in "$I"/models/*/; do
    n=$(basename "$d"); a=$(cat "$d/args")
    for s in auto unrolled loop dense; do case_ "run/$n/$s" "$d" "model.onnx --main --strategy $s $a"; done
    case_ "run/$n/stream" "$d" "model.onnx --main --strategy unrolled --target cortex-m $a"
    case_ "run/$n/cm-auto" "$d" "model.onnx --target cortex-m --summary $a"
    case_ "run/$n/annotate" "$d" "model.onnx --annotate --strategy unrolled $a"
    case_ "run/$n/annotate-cm" "$d" "model.onnx --annotate --strategy unrolled --target cortex-m $a"
    case_ "run/$n/summary" "$d" "model.onnx --summary --report @O/report.html $a"
    case_ "run/$n/emit-dsl" "$d" "model.onnx --emit-dsl @O/dsl $a"
    case_ "run/$n/ps2" "$d" "model.onnx --strategy unrolled --partial-sums 2 --max-terms 64 --no-fma $a"
done
for m in "$ROOT"/examples/*-ticket/models/*.onnx; do
    n=$(basename "$(dirname "$(dirname "$m")")")-$(basename "$m" .onnx)
    d=$(dirname "$m")
    for s in auto loop dense; do case_ "ex/$n/$s" "$d" "$(basename "$m") --main --summary --strategy $s"; done
    case "$n" in *dense) ;; *) case_ "ex/$n/unrolled" "$d" "$(basename "$m") --strategy unrolled --annotate" ;; esac
    case_ "ex/$n/cm-auto" "$d" "$(basename "$m") --summary --target cortex-m"
    case "$n" in *dense) ;; *) case_ "ex/$n/cm-unrolled" "$d" "$(basename "$m") --strategy unrolled --target cortex-m --weights-section .w" ;; esac
    case_ "ex/$n/budget" "$d" "$(basename "$m") --summary --code-budget 100000 --report @O/report.html"
    case_ "ex/$n/budget-cm" "$d" "$(basename "$m") --summary --code-budget 200000 --target cortex-m"
done
case_ "ex/lenet-masks" "$ROOT/examples/lenet-ticket" "models/dense.onnx --masks masks/ticket-r15 --summary"
case_ "ex/lenet-check-masks" "$ROOT/examples/lenet-ticket" "models/dense.onnx --masks masks/ticket-r15 --check-masks"
case_ "ex/lenet-prune" "$ROOT/examples/lenet-ticket" "models/dense.onnx --prune-magnitude 0.9 --summary"
case_ "ex/lenet-emit-dsl" "$ROOT/examples/lenet-ticket" "models/ticket-r15.onnx --emit-dsl @O/dsl"
for t in "$ROOT"/examples/dsl/*.tc "$ROOT"/tests/dsl/bad/*.tc "$ROOT"/tests/fuzz/corpus/dsl/*.tc; do
    [ -e "$t" ] || continue
    case_ "dsl/$(basename "$(dirname "$t")")-$(basename "$t" .tc)" "$(dirname "$t")" "$(basename "$t") --main --summary"
done
for m in "$ROOT"/tests/golden/*.onnx "$ROOT"/tests/golden/*.tc; do
    [ -e "$m" ] || continue
    n=$(basename "$m"); n=${n%.*}
    a=""; [ -f "$ROOT/tests/golden/$n.opts" ] && a=$(head -n 1 "$ROOT/tests/golden/$n.opts")
    case_ "golden/$n" "$ROOT/tests/golden" "$(basename "$m") $a"
done
for m in "$I"/masks/*; do
    [ -d "$m" ] || [ -f "$m" ] || continue
    n=$(basename "$m")
    case $n in *.onnx) case_ "masks/$n" "$I/masks" "$n --summary" ;; esac
done
if [ -d "$CONF" ]; then
    for t in "$CONF"/*/*/; do
        [ -e "$t/model.onnx" ] || continue
        case_ "conf/$(basename "$(dirname "$t")")-$(basename "$t")" "$t" "model.onnx --main --prefix model"
    done
fi

# run each case in OUT/<name>: model.c, model.h, stdout, stderr, rc (paths in
# messages are relative to the case's directory, so two snapshots compare)
run_case() {
    name=$1 dir=$2 args=$3
    o=$OUT/$name
    mkdir -p "$o"
    args=$(printf '%s' "$args" | sed "s#@O#$o#g")
    # shellcheck disable=SC2086
    (cd "$dir" && "$TC" $args -o "$o/model.c") > "$o/stdout" 2> "$o/stderr"
    echo $? > "$o/rc"
    sed -i "s#$OUT#OUT#g" "$o/stderr" "$o/stdout"
    [ -e "$o/model.c" ] && sed -i "s#$OUT#OUT#g" "$o/model.c" "$o/model.h"
}
n=0
while IFS="$(printf '\t')" read -r name dir args; do
    run_case "$name" "$dir" "$args" &
    n=$((n + 1))
    [ $((n % 2)) -eq 0 ] && wait
done < "$L"
wait
echo "snapshot: $(wc -l < "$L") cases in $OUT"
