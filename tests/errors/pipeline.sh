#!/bin/sh
# The pipeline's hostile inputs (issue 17): each tests/errors/pipeline/NAME.onnx
# or NAME.tc runs in an empty scratch directory (after NAME.setup, if any) as
#   ticketc NAME.onnx $(cat NAME.args)       (default args: -o out.c)
# under ulimit -v 500000 and timeout 5, and must exit 1 (or NAME.status),
# print exactly NAME.err, and leave the directory as it was: no output, no
# temporary file, no directory of its own. Then: a symlink planted at the old
# predictable temporary names is never followed, and chains of 100,000 nodes
# (generated here, ONNX and .tc) compile within a generous 60 s.
#   TICKETC=build/ticketc PY=/usr/bin/python3 [SANITIZED=1] tests/errors/pipeline.sh
set -u
ROOT=$(pwd)
TICKETC=${TICKETC:-build/ticketc}
case $TICKETC in /*) ;; *) TICKETC=$ROOT/$TICKETC ;; esac
PY=${PY:-/usr/bin/python3}
D=$ROOT/tests/errors/pipeline
W=$ROOT/build/pipeline-tests${SANITIZED:+-asan}
fails=0
passes=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok   $*"; passes=$((passes + 1)); }
# AddressSanitizer reserves terabytes of address space: no ulimit -v there
if [ -n "${SANITIZED:-}" ]; then LIMIT=:; SECS=30; else LIMIT="ulimit -v 500000"; SECS=5; fi
# every file below the directory with its checksum (directories too)
listing() { (cd "$1" && find . | sort | while read -r f; do
    if [ -f "$f" ]; then echo "$f $(cksum < "$f")"; else echo "$f"; fi; done); }

rm -rf "$W" && mkdir -p "$W"

for m in "$D"/*.onnx "$D"/*.tc; do
    [ -e "$m" ] || continue
    base=$(basename "$m")
    name=${base%.*}
    S=$W/$name
    mkdir -p "$S"
    cp "$m" "$S/"
    args="-o out.c"
    [ -f "$D/$name.args" ] && args=$(cat "$D/$name.args")
    want=1
    [ -f "$D/$name.status" ] && want=$(cat "$D/$name.status")
    [ -f "$D/$name.setup" ] && (cd "$S" && sh "$D/$name.setup")
    listing "$S" > "$W/$name.before"
    # shellcheck disable=SC2086
    (cd "$S" && $LIMIT && exec timeout "$SECS" "$TICKETC" "$base" $args) > /dev/null 2> "$W/$name.got"
    rc=$?
    listing "$S" > "$W/$name.after"
    if [ "$rc" -ne "$want" ]; then
        fail "$name: exit status $rc, expected $want"; cat "$W/$name.got"
    elif ! diff -u "$D/$name.err" "$W/$name.got"; then
        fail "$name: message differs"
    elif ! diff -u "$W/$name.before" "$W/$name.after"; then
        fail "$name: the directory changed (files left behind)"
    else
        pass "$name: $(cat "$W/$name.got")"
    fi
done

# ---- item 13: temporary files are created exclusively, at unguessable names ----
S=$W/symlinks
mkdir -p "$S"
cp "$D/out_is_dir.onnx" "$S/good.onnx"
echo secret > "$S/target"
# the names ticketc used to write through, out.c.tmp<pid>: planted by a process
# that then becomes ticketc (exec keeps the pid)
plant='import os, sys
p = os.getpid()
for f in ("out.c", "out.h", "r.html"):
    os.symlink("target", "%s.tmp%d" % (f, p))
os.execv(sys.argv[1], sys.argv[1:])'
if (cd "$S" && "$PY" -c "$plant" "$TICKETC" good.onnx -o out.c --report r.html --emit-dsl D) 2> "$W/symlinks.got" &&
    [ "$(cat "$S/target")" = secret ] && [ -f "$S/out.c" ] && [ ! -L "$S/out.c" ] && [ -f "$S/D/model.tc" ] &&
    [ "$(find "$S" -name '*.tmp*' | wc -l)" -eq 3 ]; then
    pass "planted symlinks at out.c.tmp<pid>: not followed, target intact, no temporary left"
else
    fail "planted symlinks"; cat "$W/symlinks.got"
fi
# outputs get the permissions of any new file (mkstemp alone would give 0600)
if (cd "$S" && umask 022 && "$TICKETC" good.onnx -o perm.c) && [ "$(stat -c %a "$S/perm.c")" = 644 ]; then
    pass "outputs are 0666 & ~umask"
else
    fail "output permissions: $(stat -c %a "$S/perm.c" 2>&1)"
fi

# ---- item 6: every pass near-linear: chains of 100,000 Relu (20,000 under the sanitizers) ----
N=100000
[ -n "${SANITIZED:-}" ] && N=20000
for ext in onnx tc; do
    m=$W/chain$N.$ext
    "$PY" "$D/gen_chain.py" $N "$m" || { fail "gen_chain.py $ext"; continue; }
    start=$(date +%s.%N)
    if ($LIMIT && exec timeout 60 "$TICKETC" "$m" -o "$W/chain-$ext.c") 2> "$W/chain-$ext.err"; then
        pass "chain of $N Relu nodes ($ext): $(awk "BEGIN { printf \"%.2f\", $(date +%s.%N) - $start }") s"
    else
        fail "chain of $N Relu nodes ($ext)"; head -3 "$W/chain-$ext.err"
    fi
done

# 5,000 tensors all live at once (25 million pairs): planned as tightly as
# before (5,000 x 16 bytes and one more), in well under a second
m=$W/wide5000.onnx
if "$PY" "$D/gen_chain.py" 5000 "$m" wide && ($LIMIT && exec timeout 60 "$TICKETC" "$m" -o "$W/wide.c") 2> "$W/wide.err" &&
    grep -q "ARENA_BYTES 80016$" "$W/wide.h"; then
    pass "5,000 tensors live at once: arena of 80,016 bytes"
else
    fail "5,000 tensors live at once"; head -3 "$W/wide.err"; grep ARENA_BYTES "$W/wide.h"
fi

echo "pipeline error tests: $passes passed, $fails failed${SANITIZED:+ (under ASan+UBSan)}"
[ $fails -eq 0 ]
