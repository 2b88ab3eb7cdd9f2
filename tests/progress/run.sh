#!/bin/sh
# Progress on long work (diag.c): shown only when stderr is a terminal and the
# run passes a delay (TICKETC_PROGRESS_DELAY_MS; 1 s by default), never when
# stderr is redirected, and names from the model reach the terminal escaped.
#   TICKETC=build/ticketc tests/progress/run.sh
set -u
ROOT=$(pwd)
TICKETC=${TICKETC:-$ROOT/build/ticketc}
W=$ROOT/build/progress-tests
rm -rf "$W" && mkdir -p "$W"
pass=0 fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL: $1"; fail=$((fail + 1)); }
command -v script > /dev/null || { echo "progress tests: script(1) from util-linux is missing"; exit 1; }

# under a pseudo-terminal (script(1)), with no delay: the stages and nodes show, and
# the line is cleared before the end
tty_run() { # name model: the terminal's bytes into $W/name.tty
    TICKETC_PROGRESS_DELAY_MS=${DELAY-0} script -qec "'$TICKETC' '$2' -o '$W/$1.c'" /dev/null > "$W/$1.tty" 2>&1
}
tty_run lenet "$ROOT/examples/lenet-ticket/models/ticket-r15.onnx"
if grep -q "ticketc: writing C for node [0-9]*/[0-9]* '" "$W/lenet.tty" &&
   [ "$(tail -c 4 "$W/lenet.tty" | od -An -c | tr -d ' ')" = '\r033[K' ]; then
    ok "terminal: node progress shown and the line cleared at the end"
else
    bad "terminal: no progress line, or not cleared"; od -c "$W/lenet.tty" | tail -5
fi
[ -s "$W/lenet.c" ] && ok "terminal: the C is written" || bad "terminal: no C"

# the same run with the default delay (a second): this small model is done before it
DELAY= tty_run quick "$ROOT/examples/lenet-ticket/models/ticket-r15.onnx"
if [ ! -s "$W/quick.tty" ]; then ok "terminal, default delay: a quick run shows nothing"
else bad "terminal, default delay: a quick run printed"; od -c "$W/quick.tty" | head -5; fi

# stderr redirected: nothing, even with no delay
mkdir -p "$W/redir" && cp "$W/lenet.c" "$W/redir/lenet.c.tty"
TICKETC_PROGRESS_DELAY_MS=0 "$TICKETC" "$ROOT/examples/lenet-ticket/models/ticket-r15.onnx" -o "$W/redir/lenet.c" 2> "$W/redir.err"
if [ ! -s "$W/redir.err" ] && cmp -s "$W/redir/lenet.c" "$W/redir/lenet.c.tty"; then ok "redirected: no progress, the same C"
else bad "redirected: progress on a file, or other C"; fi

# names with escapes and control characters: only ticketc's own clear-line sequence
# (ESC [ K) reaches the terminal; the rest is printable or \r \n
tty_run hostile "$ROOT/tests/golden/13_hostile_names.onnx"
if grep -q "writing C for node" "$W/hostile.tty" &&
   ! sed 's/\x1b\[K//g' "$W/hostile.tty" | tr -d '\r\n' | LC_ALL=C grep -q '[^ -~]'; then
    ok "hostile names: escaped on the terminal"
else
    bad "hostile names: a raw control byte reached the terminal"; od -c "$W/hostile.tty" | head
fi

# an error clears the progress line first: the message starts a line of its own
printf 'not an onnx file' > "$W/broken.onnx"
tty_run broken "$W/broken.onnx"
if grep -q "ticketc: reading the model" "$W/broken.tty" && grep -q "$(printf '\r\033')\[K[^ ]*broken.onnx: error" "$W/broken.tty"; then
    ok "error after progress: the line is cleared before the message"
else bad "error after progress: message mixed into the progress line"; cat -v "$W/broken.tty"; fi

echo "progress tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
