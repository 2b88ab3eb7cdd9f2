#!/bin/sh
# Which compiler files call which: for each build/obj/NAME.o, the other
# compiler files whose functions or data it uses (from nm), one line each:
#   NAME -> OTHER OTHER ...
# and the cycles among the files given as arguments (default: the back end).
#   tools/calls.sh [FILE ...]      after make; FILE names without .c
set -u
OBJ=${OBJ:-build/obj}
files=${*:-"text strategy emit emit_frame emit_linear emit_conv emit_ops summary report"}
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
for o in "$OBJ"/*.o; do
    f=$(basename "$o" .o)
    nm "$o" | awk -v f="$f" '$2 ~ /^[TDRB]$/ { print $3, f }' >> "$tmp/defs"
done
sort -u "$tmp/defs" > "$tmp/defs.s"
for f in $files; do
    nm -u "$OBJ/$f.o" | awk '{ print $2 }' | sort -u > "$tmp/u"
    join "$tmp/u" "$tmp/defs.s" | awk -v f="$f" '$2 != f { print $2 }' | sort -u | tr '\n' ' ' > "$tmp/calls.$f"
    echo "$f -> $(cat "$tmp/calls.$f")"
done
# a cycle among the given files: f reaches itself through calls within the set
echo "cycles among them:"
found=0
for f in $files; do
    seen=" $f "; todo=$(cat "$tmp/calls.$f")
    while [ -n "$todo" ]; do
        set -- $todo; g=$1; shift; todo=$*
        case " $files " in *" $g "*) ;; *) continue ;; esac
        [ "$g" = "$f" ] && { echo "  $f calls itself back"; found=1; break; }
        case "$seen" in *" $g "*) continue ;; esac
        seen="$seen$g "; todo="$todo $(cat "$tmp/calls.$g")"
    done
done
[ $found = 0 ] && echo "  none"
exit 0
