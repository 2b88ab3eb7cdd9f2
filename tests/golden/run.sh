#!/bin/sh
# Golden tests (cproc / TinyCC tests2 style): each model NN_name.onnx or
# NN_name.tc, compiled with the options on the first line of NN_name.opts,
# must give exactly NN_name.c and NN_name.h (exit 0), or, when NN_name.err
# exists, exactly that message on stderr (exit 1, no output file left).
# Numbering: 01-29 emitted C, 30-99 ONNX errors (the models were written once by
# gen.py and are committed). The DSL error cases in tests/dsl/bad/ (name.tc
# beside name.err) run too.
#   TICKETC=build/ticketc [SANITIZED=1] tests/golden/run.sh [NAME...]
#   REGEN=1 ... rewrites the expected files from the current ticketc:
#   review the diff before committing it!
set -u
ROOT=$(pwd)
TICKETC=$ROOT/${TICKETC:-build/ticketc}
W=$ROOT/build/golden${SANITIZED:+-asan}
fails=0
passes=0

rm -rf "$W" && mkdir -p "$W"
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# the generated C compiles with gcc and clang under the strictest flags ticketc promises
strict() {
    for cc in gcc clang; do
        command -v $cc > /dev/null || continue
        $cc -std=c99 -Wall -Wextra -Werror -pedantic -O1 -c "$1" -o "$1.$cc.o" 2> "$1.$cc.err" || { head -5 "$1.$cc.err"; return 1; }
    done
}

# compare expected file $1 with got file $2 (REGEN: copy $2 over $1)
check() {
    if [ -n "${REGEN:-}" ]; then cp "$2" "$1"; return 0; fi
    diff -u "$1" "$2"
}

for model in tests/golden/[0-9]*.onnx tests/golden/[0-9]*.tc tests/dsl/bad/*.tc; do
    [ -e "$model" ] || continue
    dir=$(dirname "$model")
    file=$(basename "$model")
    name=${file%.*}
    if [ $# -gt 0 ]; then
        case " $* " in *" $name "*) ;; *) continue ;; esac
    fi
    opts=""
    [ -f "$dir/$name.opts" ] && opts=$(head -n 1 "$dir/$name.opts")
    out=$W/$name.c
    # from the model's directory: messages and the header name the model as given
    (cd "$dir" && "$TICKETC" "$file" -o "$out" $opts) > /dev/null 2> "$W/$name.stderr"
    rc=$?
    if [ -f "$dir/$name.err" ] || { [ -n "${REGEN:-}" ] && [ $rc -eq 1 ] && [ ! -f "$dir/$name.c" ]; }; then
        if [ $rc -ne 1 ]; then
            fail "$model: exit status $rc, expected 1"; cat "$W/$name.stderr"
        elif ls "$out" "$W/$name.h" "$out".tmp* "$W/$name.h".tmp* > /dev/null 2>&1; then
            fail "$model: left an output file behind"
        elif ! check "$dir/$name.err" "$W/$name.stderr"; then
            fail "$model: message differs (make regen-golden rewrites it)"
        else
            passes=$((passes + 1))
        fi
    elif [ $rc -ne 0 ]; then
        fail "$model: exit status $rc, expected 0"; cat "$W/$name.stderr"
    elif ! check "$dir/$name.c" "$out" || ! check "$dir/$name.h" "$W/$name.h"; then
        fail "$model: generated C differs (make regen-golden rewrites it)"
    elif [ -s "$W/$name.stderr" ] && [ -z "${REGEN:-}" ]; then
        fail "$model: unexpected messages"; cat "$W/$name.stderr"
    elif ! strict "$out"; then
        fail "$model: the generated C does not compile strictly"
    else
        passes=$((passes + 1))
    fi
done

echo "golden tests: $passes passed, $fails failed${REGEN:+ (expected files rewritten: review the diff)}"
[ $fails -eq 0 ]
