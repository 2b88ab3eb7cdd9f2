#!/bin/sh
# make install-test: make install into a temporary DESTDIR with a PREFIX, run the
# installed binary, check the installed files (exactly the expected list), the man
# page (groff -ww without a warning, man -l renders, every option of --help is in
# it), then make uninstall leaves no file behind.
set -u
D=$(pwd)/build/eco-install
PREFIX=/opt/tc
PYVER=$(/usr/bin/python3 -c 'import sys; print("python%d.%d" % sys.version_info[:2])')
fails=0
passes=0
ok() { echo "ok    $*"; passes=$((passes + 1)); }
fail() { echo "FAIL  $*"; fails=$((fails + 1)); }
rm -rf "$D" "$D.cm" && mkdir -p "$D"
MAKE=${MAKE:-make}
if $MAKE -s install DESTDIR="$D" PREFIX=$PREFIX > "$D.log" 2>&1; then ok "make install DESTDIR PREFIX=$PREFIX"
else fail "make install"; cat "$D.log"; fi
(cd "$D" && find . -type f | sort) > "$D.files"
{
    echo ./opt/tc/bin/ticketc
    [ -f cmake/TicketC.cmake ] && echo ./opt/tc/lib/cmake/ticketc/TicketC.cmake
    [ -f cmake/TicketC.cmake ] && echo ./opt/tc/lib/cmake/ticketc/ticketc-config.cmake
    [ -f make/ticketc.mk ] && echo ./opt/tc/share/ticketc/ticketc.mk
    echo ./opt/tc/share/man/man1/ticketc.1
    [ -d python/ticketc_torch ] && (cd python && find ticketc_torch -name '*.py' | sed "s|^|./opt/tc/lib/$PYVER/dist-packages/|")
} | sort > "$D.want"
cmp -s "$D.files" "$D.want" && ok "installed files: $(wc -l < "$D.files")" || { fail "installed files differ:"; diff "$D.want" "$D.files"; }
# the installed binary works on its own
BIN=$D$PREFIX/bin/ticketc
"$BIN" --version | grep -q '^ticketc ' && ok "installed binary: $("$BIN" --version)" || fail "installed binary --version"
"$BIN" examples/dsl/xor.tc -o "$D.xor.c" --main && cc -std=c99 -Wall -Wextra -Werror -pedantic "$D.xor.c" -o "$D.xor" &&
    printf '\000\000\200\077\000\000\000\000' | "$D.xor" | od -An -tf4 | awk '{exit !($1 > 0.99)}' &&
    ok "installed binary compiles xor.tc: xor(1, 0) > 0.99" || fail "installed binary on xor.tc"
# the installed CMake package: find_package(ticketc) finds the module and the installed binary
if command -v cmake > /dev/null; then
    mkdir -p "$D.cm"
    cp examples/dsl/xor.tc "$D.cm/"
    printf 'cmake_minimum_required(VERSION 3.18)\nproject(p C)\nfind_package(ticketc REQUIRED)\n%s\n%s\n%s\n' \
        'ticketc_add_model(xor MODEL xor.tc)' 'add_executable(prog main.c)' 'target_link_libraries(prog PRIVATE xor)' > "$D.cm/CMakeLists.txt"
    printf '#include "xor.h"\nint main(void) { float x[2] = {1, 1}, y[1]; xor_run(x, y); return !(y[0] < 0.01f); }\n' > "$D.cm/main.c"
    if (unset MAKEFLAGS MFLAGS MAKELEVEL; cmake -S "$D.cm" -B "$D.cm/b" -DCMAKE_PREFIX_PATH="$D$PREFIX" &&
        cmake --build "$D.cm/b" && "$D.cm/b/prog") > "$D.cm.log" 2>&1 &&
        grep -q "TICKETC_EXECUTABLE:FILEPATH=$D$PREFIX/bin/ticketc" "$D.cm/b/CMakeCache.txt"; then
        ok "find_package(ticketc) from the installed tree: its ticketc, a program built"
    else
        fail "find_package(ticketc) from the installed tree"; cat "$D.cm.log"
    fi
    rm -rf "$D.cm"
fi
# the PyTorch helper: importable from the installed path (torch itself is imported lazily)
PYTHONPATH=$D$PREFIX/lib/$PYVER/dist-packages /usr/bin/python3 -c 'import ticketc_torch; ticketc_torch.export' &&
    /usr/bin/python3 -c "import sys; sys.exit('/usr/local/lib/$PYVER/dist-packages' not in sys.path)" &&
    ok "ticketc_torch imports from lib/$PYVER/dist-packages (on Debian python3's path for PREFIX=/usr/local)" ||
    fail "ticketc_torch not importable from the installed path"
# the man page
MANPAGE=$D$PREFIX/share/man/man1/ticketc.1
w=$(groff -ww -z -man "$MANPAGE" 2>&1)
[ -z "$w" ] && ok "groff -ww -z -man: no warning" || fail "groff warnings: $w"
MANWIDTH=80 man -l "$MANPAGE" > "$D.man" 2> "$D.man.err" && [ ! -s "$D.man.err" ] && grep -q 'ticketc - compile a pruned' "$D.man" &&
    ok "man -l renders $(wc -l < "$D.man") lines" || { fail "man -l"; cat "$D.man.err"; }
missing=
for o in $("$BIN" --help | grep -oE '^  (-o|--[a-z-]+)' | tr -d ' '); do
    grep -q -- "$o" "$D.man" || missing="$missing $o"
done
[ -z "$missing" ] && ok "every option of --help is in the man page" || fail "options not in the man page:$missing"
# uninstall
$MAKE -s uninstall DESTDIR="$D" PREFIX=$PREFIX > "$D.log" 2>&1 || { fail "make uninstall"; cat "$D.log"; }
left=$(cd "$D" && find . -type f | wc -l)
[ "$left" = 0 ] && ok "make uninstall leaves no file" || { fail "make uninstall left $left files:"; (cd "$D" && find . -type f); }
echo "install-test: $passes passed, $fails failed"
[ $fails = 0 ]
