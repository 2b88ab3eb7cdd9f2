#!/bin/sh
# Instructions per inference (callgrind, 4 samples) of the bench/elem_models.py
# models, compiled by TICKETC at -O2 and -O3 -mavx2 -mfma (valgrind has no
# AVX-512), and the largest difference from PyTorch's outputs.
#   bench/elem.sh [TICKETC]      (default build/ticketc; writes build/elem/)
set -eu
TC=${1:-build/ticketc}
D=build/elem
mkdir -p $D
[ -s $D/silu.onnx ] || /usr/bin/python3 bench/elem_models.py $D > /dev/null 2>&1
for m in mixer silu hswish; do
    case $m in mixer) sz=$((49 * 64 * 4)) ;; *) sz=$((3 * 32 * 32 * 4)) ;; esac
    head -c $((sz * 4)) $D/$m.in.f32 > $D/$m.in4.f32
    $TC $D/$m.onnx -o $D/$m.c --main
    for o in "-O2" "-O3 -mavx2 -mfma"; do
        gcc -std=c99 -Wall -Wextra -Werror -pedantic $o $D/$m.c -o $D/$m.exe
        $D/$m.exe < $D/$m.in.f32 > $D/$m.out.f32
        err=$(/usr/bin/python3 -c "import numpy as np; a=np.fromfile('$D/$m.out.f32',np.float32); b=np.fromfile('$D/$m.ref.f32',np.float32); print('%.2e' % abs(a-b).max())")
        valgrind --tool=callgrind --callgrind-out-file=$D/cg.out $D/$m.exe < $D/$m.in4.f32 > /dev/null 2> $D/cg.err
        ir=$(grep Collected $D/cg.err | awk '{print $4}' | tr -d ,)
        echo "$m $o: $((ir / 4)) instructions per inference, max |C - PyTorch| $err"
    done
done
