#!/bin/sh
# Hostile inputs (issue 17): each case in tests/errors/hostile is NAME.err,
# the exact message expected, beside NAME.onnx or NAME.tc (the model) or
# NAME.args (the command line, model first). Each must exit 1 with exactly
# that message, leave no output file, and take under 5 s and 500 MB.
# The big inputs (a 20 MB ONNX file, a 1 MB .npz, the deep files that once
# crashed ticketc), the FIFO, the symbolic link and a file name with escape
# sequences are made at test time by gen_hostile.py --big.
#   TICKETC=build/ticketc PY=python3 tests/errors/hostile.sh [NAME...]
#   REGEN=1 ... rewrites the .err files from the current ticketc (review the diff!)
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TICKETC=${TICKETC:-build/ticketc}
case $TICKETC in /*) ;; *) TICKETC=$ROOT/$TICKETC ;; esac
PY=${PY:-/usr/bin/python3}
H=$ROOT/tests/errors/hostile
W=$(mktemp -d) || exit 1
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/hostile" "$W/out"
cp "$H"/*.onnx "$H"/*.tc "$H"/*.npz "$W/hostile/"
"$PY" "$H/gen_hostile.py" --big "$W/hostile" || { echo "FAIL: gen_hostile.py --big"; exit 1; }
ln -s ../outside.npy "$W/hostile/link.npy"
cp "$H/relu.onnx" "$W/outside.npy"
mkfifo "$W/hostile/fifo.npy"

# ASan reserves terabytes of address space: no memory limit there, and more time
if [ "${SANITIZED:-0}" = 1 ]; then LIMIT=:; SECS=30; else LIMIT="ulimit -v 500000"; SECS=5; fi

fails=0 n=0
names=${*:-$(cd "$H" && ls *.err | sed 's/\.err$//')}
for name in $names; do
    n=$((n + 1))
    if [ -f "$H/$name.args" ]; then args=$(cat "$H/$name.args")
    elif [ -f "$H/$name.onnx" ]; then args=$name.onnx
    else args=$name.tc; fi
    rm -f "$W/out/"*
    (cd "$W/hostile" && $LIMIT && exec timeout $SECS "$TICKETC" $args -o "$W/out/out.c") < /dev/null > /dev/null 2> "$W/err"
    rc=$?
    if [ "${REGEN:-0}" = 1 ]; then cp "$W/err" "$H/$name.err"; echo "$name.err: $(cat "$W/err")"; continue; fi
    if [ $rc -ne 1 ]; then
        echo "FAIL: hostile/$name: exit $rc, expected 1"; cat "$W/err"; fails=$((fails + 1))
    elif ! diff -u "$H/$name.err" "$W/err"; then
        echo "FAIL: hostile/$name: message differs"; fails=$((fails + 1))
    elif [ -n "$(ls "$W/out")" ]; then
        echo "FAIL: hostile/$name: left $(ls "$W/out") behind"; fails=$((fails + 1))
    fi
done
[ "${REGEN:-0}" = 1 ] && exit 0
if [ $fails -eq 0 ]; then echo "hostile inputs: $n cases, each exit 1 with its message, under ${SECS} s"; exit 0; fi
echo "hostile inputs: $fails of $n cases failed"; exit 1
