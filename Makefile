# ticketc - out-of-tree build into build/.
#   make          build build/ticketc
#   make demo     the main job on the shipped example
#   make test     unit tests, run tests, the same under ASan+UBSan
# Each target first installs missing Debian packages (tools/deps.sh).

CC      ?= cc
PY      := /usr/bin/python3
B       := build
ONNX_PROTO := /usr/include/onnx/onnx.proto

WARN    := -std=c99 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
OPT     ?= -O2 -g
PBC_CFLAGS := $(shell pkg-config --cflags libprotobuf-c 2>/dev/null)
PBC_LIBS   := $(shell pkg-config --libs libprotobuf-c 2>/dev/null || echo -lprotobuf-c)
CHECK_CFLAGS = $(shell pkg-config --cflags check)
CHECK_LIBS   = $(shell pkg-config --libs check)

BUILD_PKGS := gcc make pkg-config protobuf-c-compiler libprotobuf-c-dev libonnx-dev
TEST_PKGS  := $(BUILD_PKGS) check clang python3 python3-numpy python3-onnx dataset-fashion-mnist gzip \
              gcc-arm-none-eabi libnewlib-arm-none-eabi libclang-rt-14-dev \
              gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-arm-linux-gnueabihf libc6-dev-armhf-cross \
              qemu-user qemu-system-arm
DEMO_PKGS  := $(BUILD_PKGS) dataset-fashion-mnist bc binutils gzip

SRCS := arena diag ir onnx shape interp fold dce fuse plan emit summary sha256 $(if $(wildcard compiler/mask.c),mask) $(if $(wildcard compiler/npy.c),npy)
LIB_OBJS  := $(SRCS:%=$(B)/obj/%.o) $(B)/obj/onnx.pb-c.o $(B)/obj/runtime_math.o
ASAN_OBJS := $(SRCS:%=$(B)/asan/%.o) $(B)/asan/onnx.pb-c.o $(B)/asan/runtime_math.o
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT := ir shape fold plan emit $(if $(wildcard tests/unit/check_math.c),math) $(if $(wildcard tests/unit/check_mask.c),mask)

PHONY_EXTRA := demo-deps tickets bench fuzz fuzz-short
.PHONY: all deps test-deps demo $(PHONY_EXTRA) test unit run-tests asan-tests arm-test arm-size arm-example clean regen-errors
.SECONDARY:

all: deps $(B)/ticketc

deps:
	@tools/deps.sh $(BUILD_PKGS)
test-deps:
	@tools/deps.sh $(TEST_PKGS)

# ---- generated sources: build/gen only, never committed ----
$(B)/gen/onnx.pb-c.h: $(ONNX_PROTO)
	@mkdir -p $(B)/gen
	protoc-c --proto_path=$(dir $(ONNX_PROTO)) --c_out=$(B)/gen $(notdir $(ONNX_PROTO))
$(B)/gen/onnx.pb-c.c: $(B)/gen/onnx.pb-c.h

# runtime/tc_math.c as a C string, so the compiler can copy what a model needs
$(B)/gen/runtime_math.c: runtime/tc_math.c
	@mkdir -p $(B)/gen
	{ echo '/* generated from runtime/tc_math.c */'; echo 'const char tc_runtime_math[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; echo ';'; } > $@

# ---- the compiler ----
$(B)/obj/%.o: compiler/%.c compiler/ticketc.h compiler/ops.h $(B)/gen/onnx.pb-c.h
	@mkdir -p $(B)/obj
	$(CC) $(WARN) $(OPT) $(PBC_CFLAGS) -I$(B)/gen -c $< -o $@
$(B)/obj/%.o: $(B)/gen/%.c
	@mkdir -p $(B)/obj
	$(CC) -std=c99 -w $(OPT) $(PBC_CFLAGS) -I$(B)/gen -c $< -o $@
$(B)/ticketc: $(LIB_OBJS) $(B)/obj/main.o
	$(CC) -o $@ $^ $(PBC_LIBS) -lm

# the same, under AddressSanitizer and UndefinedBehaviorSanitizer
$(B)/asan/%.o: compiler/%.c compiler/ticketc.h compiler/ops.h $(B)/gen/onnx.pb-c.h
	@mkdir -p $(B)/asan
	$(CC) $(WARN) -O1 -g $(SAN) $(PBC_CFLAGS) -I$(B)/gen -c $< -o $@
$(B)/asan/%.o: $(B)/gen/%.c
	@mkdir -p $(B)/asan
	$(CC) -std=c99 -w -O1 -g $(SAN) $(PBC_CFLAGS) -I$(B)/gen -c $< -o $@
$(B)/asan/ticketc: $(ASAN_OBJS) $(B)/asan/main.o
	$(CC) $(SAN) -o $@ $^ $(PBC_LIBS) -lm

# ---- tests ----
$(B)/tests/check_%: tests/unit/check_%.c tests/unit/unit.h $(LIB_OBJS)
	@mkdir -p $(B)/tests
	$(CC) $(WARN) $(OPT) $(CHECK_CFLAGS) $(PBC_CFLAGS) -Icompiler -I$(B)/gen $< $(LIB_OBJS) -o $@ $(CHECK_LIBS) $(PBC_LIBS) -lm
$(B)/asan-tests/check_%: tests/unit/check_%.c tests/unit/unit.h $(ASAN_OBJS)
	@mkdir -p $(B)/asan-tests
	$(CC) $(WARN) -O1 -g $(SAN) $(CHECK_CFLAGS) $(PBC_CFLAGS) -Icompiler -I$(B)/gen $< $(ASAN_OBJS) -o $@ $(CHECK_LIBS) $(PBC_LIBS) -lm
$(B)/tools/%: tests/tools/%.c
	@mkdir -p $(B)/tools
	$(CC) $(WARN) -O2 $< -o $@ -lm

unit: test-deps $(UNIT:%=$(B)/tests/check_%)
	@for t in $(UNIT); do CK_FORK=yes $(B)/tests/check_$$t || exit 1; done

run-tests: test-deps $(B)/ticketc $(B)/tools/fcmp $(B)/tools/idx2f32
	@TICKETC=$(B)/ticketc PY=$(PY) tests/run/run.sh

asan-tests: test-deps $(B)/asan/ticketc $(B)/tools/fcmp $(B)/tools/idx2f32 $(UNIT:%=$(B)/asan-tests/check_%)
	@for t in $(UNIT); do $(B)/asan-tests/check_$$t || exit 1; done
	@TICKETC=$(B)/asan/ticketc PY=$(PY) SANITIZED=1 tests/run/run.sh

# ARM: aarch64 and armhf under qemu-user, Cortex-M4 under qemu-system-arm,
# outputs bitwise equal to the host's (tests/arm/run.sh says why)
arm-test: test-deps $(B)/ticketc $(B)/tools/fcmp $(B)/tools/idx2f32
	@TICKETC=$(B)/ticketc PY=$(PY) tests/arm/run.sh

# flash and RAM of the example tickets on a Cortex-M4 (-Os) against --summary's estimate
arm-size: test-deps $(B)/ticketc
	@bench/arm_size.sh

# examples/arm: the ticket as Cortex-M4 firmware on a few embedded test images (QEMU)
arm-example: test-deps $(B)/ticketc
	@examples/arm/run.sh

demo: demo-deps $(B)/ticketc
	@examples/lenet-ticket/demo.sh
demo-deps:
	@tools/deps.sh $(DEMO_PKGS)

# Speed and size per strategy on the example models (minutes; not part of make test).
bench: test-deps $(B)/ticketc $(B)/tools/idx2f32
	@bench/bench.sh

# Retrains the example tickets (about 15 minutes on 2 cores; not part of make test).
tickets: test-deps
	@tools/deps.sh python3-torch
	$(PY) examples/lenet-ticket/train.py --epochs 1

test: test-deps
	$(MAKE) unit
	$(MAKE) run-tests
	$(MAKE) arm-test
	$(MAKE) asan-tests
	$(MAKE) fuzz-short
	@echo "make test: all tests passed"

clean:
	rm -rf $(B)

# Rewrites the golden error messages from the current ticketc: review the diff!
regen-errors: $(B)/ticketc
	@mkdir -p $(B)/regen && $(PY) tests/errors/gen_bad_models.py $(B)/regen
	@for m in $(B)/regen/*.onnx $(B)/regen/*.npy-dir; do [ -e "$$m" ] || continue; n=$$(basename $$m); n=$${n%.*}; \
	  a=""; [ -f $(B)/regen/$$n.args ] && a=$$(cat $(B)/regen/$$n.args); \
	  (cd $(B)/regen && ../ticketc $$(basename $$m) -o out.c $$a) 2> tests/errors/$$n.err; \
	  echo "tests/errors/$$n.err: $$(cat tests/errors/$$n.err)"; done

# ---- fuzzing: libFuzzer harnesses (clang), seeded from tests/fuzz/corpus ----
FUZZ_SECONDS ?= 600
FUZZ_SRCS := $(SRCS:%=compiler/%.c) $(B)/gen/onnx.pb-c.c $(B)/gen/runtime_math.c
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRCS) compiler/ticketc.h
	@mkdir -p $(B)/fuzz
	clang -std=c99 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(PBC_CFLAGS) \
	  -Icompiler -I$(B)/gen $< $(FUZZ_SRCS) -o $@ $(PBC_LIBS) -lm

# make fuzz: each harness for FUZZ_SECONDS; crashes land in build/fuzz/ (crash-*)
fuzz: test-deps $(B)/fuzz/fuzz_onnx
	@mkdir -p $(B)/fuzz/corpus-onnx && cp tests/fuzz/corpus/onnx/* $(B)/fuzz/corpus-onnx/
	cd $(B)/fuzz && ASAN_OPTIONS=detect_leaks=0 ./fuzz_onnx -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	  -detect_leaks=0 -print_final_stats=1 corpus-onnx

# the short form that make test runs
fuzz-short:
	$(MAKE) fuzz FUZZ_SECONDS=20
