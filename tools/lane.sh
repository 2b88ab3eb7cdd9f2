#!/bin/sh
# make test's lanes: tools/lane.sh NAME TARGET... runs `make TARGET` for each
# TARGET in turn, every line of its output prefixed with [NAME] (two lanes run
# side by side under make -j2), and stops at the first that fails, with its
# exit status. MAKE is the make to run (the Makefile passes its own).
set -u
name=$1
shift
rc=$(mktemp) || exit 1
trap 'rm -f "$rc"' EXIT
for t in "$@"; do
    start=$(date +%s)
    { ${MAKE:-make} --no-print-directory "$t" 2>&1; echo $? > "$rc"; } | sed -u "s/^/[$name] /"
    s=$(cat "$rc")
    if [ "$s" != 0 ]; then
        echo "[$name] make $t failed (exit $s)"
        exit "$s"
    fi
    echo "[$name] make $t: passed in $(($(date +%s) - start)) s"
done
