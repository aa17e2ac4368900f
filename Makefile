# prodtext — PostgreSQL extension (PGXS) around a PostgreSQL-free inference core.
#
#   make                  build prodtext.so
#   make install          install the extension and the model files
#   make installcheck     pg_regress against a running server (see test/run-tests.sh)
#   make unittest         C unit tests of the core, no server
#   make bench            benchmarks (test/bench)
#   make models           retrain every model from ../shared/data (slow)
#   make core-lib         build/libptcore.so, the core for Python (ctypes)

EXTENSION    = prodtext
EXTVERSION   = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" prodtext.control)
MODULE_big   = prodtext

CORE_SRCS    = $(sort $(wildcard src/core/*.c))
PG_SRCS      = $(sort $(wildcard src/pg/*.c))
OBJS         = $(CORE_SRCS:.c=.o) $(PG_SRCS:.c=.o)

DATA         = $(filter-out $(wildcard sql/*--*--*.sql),$(wildcard sql/$(EXTENSION)--*.sql)) \
               $(wildcard sql/$(EXTENSION)--*--*.sql)
REGRESS      = $(sort $(patsubst sql/%.sql,%,$(filter-out sql/$(EXTENSION)--%,$(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=. --load-extension=$(EXTENSION)

BLAS_CFLAGS := $(shell pkg-config --cflags openblas 2>/dev/null)
BLAS_LIBS   := $(shell pkg-config --libs openblas 2>/dev/null || echo -lopenblas)
WARN         = -Wall -Wextra -Werror
PG_CPPFLAGS  = -Isrc/core $(BLAS_CFLAGS)
PG_CFLAGS    = $(WARN) -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers -std=gnu11 -O2
# OpenBLAS goes into prodtext.so from its static archive when installed
# (libopenblas-dev pulls it in): loading the shared library cost every new
# backend ~5 ms, its 16,000 symbolic relocations each looked up through the
# postgres binary's symbols.  -Bsymbolic and --exclude-libs keep the copy
# private, so it cannot clash with another library's OpenBLAS.
# Its own dependencies (pthread, gfortran; gomp for the OpenMP build) come
# from the .pc file's Libs.private, kept only where used (--as-needed).
BLAS_STATIC := $(wildcard $(shell pkg-config --variable=libdir openblas 2>/dev/null)/libopenblas.a)
ifneq ($(BLAS_STATIC),)
BLAS_PRIVATE := $(filter-out -lopenblas,$(shell pkg-config --static --libs-only-l openblas))
SHLIB_LINK   = -Wl,-Bsymbolic -Wl,--exclude-libs,ALL $(BLAS_STATIC) -Wl,--as-needed $(BLAS_PRIVATE) -lm
# statically, prodtext's constructor runs before OpenBLAS's and picks its kernels (src/core/blas_select.h)
BENCH_BLAS   = $(BLAS_STATIC) -Wl,--as-needed $(BLAS_PRIVATE)
else
SHLIB_LINK   = $(BLAS_LIBS) -lm
BENCH_BLAS   = $(BLAS_LIBS)
endif

PG_CONFIG   ?= $(shell test -x /usr/lib/postgresql/15/bin/pg_config && echo /usr/lib/postgresql/15/bin/pg_config || echo pg_config)
PGXS        := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS does not track headers: rebuild every object when one changes
$(OBJS): $(wildcard src/core/*.h src/pg/*.h)

# The core is C11 that never relies on signed wrap-around (the UBSan unit
# tests check it), so it is compiled here as everywhere else, without
# PostgreSQL's -fwrapv, which blocks index arithmetic optimizations.
# -Wno-psabi: nn.c's 64-byte vectors only pass between always-inlined
# static functions, so GCC's note that their ABI changed in 4.6 is moot.
$(CORE_SRCS:.c=.o): override CFLAGS += -fno-wrapv -Wno-psabi

# ---- model files: installed next to the extension's share directory ----
# the tokenizer is a training artifact: every model file carries its own copy
MODEL_FILES  = $(filter-out models/tokenizer.ptm,$(wildcard models/*.ptm))
MODEL_DIR    = $(DESTDIR)$(datadir)/prodtext
install: install-models
install-models:
	$(MKDIR_P) '$(MODEL_DIR)'
	$(if $(MODEL_FILES),$(INSTALL_DATA) $(MODEL_FILES) '$(MODEL_DIR)/')
uninstall: uninstall-models
uninstall-models:
	rm -rf '$(MODEL_DIR)'

# ---- the core alone: unit tests, Python bindings, benchmarks ----
CORE_CC      = $(CC)
CORE_CFLAGS  = -std=c11 -D_GNU_SOURCE -O2 -g $(WARN) -Wno-psabi -Isrc/core $(BLAS_CFLAGS) -fPIC $(EXTRA_CFLAGS)
UNIT_SRCS    = $(sort $(wildcard test/unit/*.c))
BUILD        = build

$(BUILD)/unittest: $(CORE_SRCS) $(UNIT_SRCS) $(wildcard src/core/*.h test/unit/*.h)
	@mkdir -p $(BUILD)
	$(CORE_CC) $(CORE_CFLAGS) -Itest/unit -o $@ $(CORE_SRCS) $(UNIT_SRCS) $(BLAS_LIBS) -lm

unittest: $(BUILD)/unittest
	$(BUILD)/unittest

# the same tests under AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer)
$(BUILD)/unittest-asan: $(CORE_SRCS) $(UNIT_SRCS) $(wildcard src/core/*.h test/unit/*.h)
	@mkdir -p $(BUILD)
	$(CORE_CC) $(CORE_CFLAGS) -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
		-fno-sanitize-recover=undefined -Itest/unit -o $@ $(CORE_SRCS) $(UNIT_SRCS) $(BLAS_LIBS) -lm

unittest-asan: $(BUILD)/unittest-asan
	$(BUILD)/unittest-asan

$(BUILD)/libptcore.so: $(CORE_SRCS) $(wildcard src/core/*.h)
	@mkdir -p $(BUILD)
	$(CORE_CC) $(CORE_CFLAGS) -shared -o $@ $(CORE_SRCS) $(BLAS_LIBS) -lm

core-lib: $(BUILD)/libptcore.so

# the benches link OpenBLAS as prodtext.so does (BENCH_BLAS, above), so they
# measure the kernels prodtext runs
BENCH_BINS   = $(patsubst test/bench/%.c,$(BUILD)/%,$(wildcard test/bench/bench_*.c))

$(BENCH_BINS): $(BUILD)/%: test/bench/%.c $(CORE_SRCS) $(wildcard src/core/*.h)
	@mkdir -p $(BUILD)
	$(CORE_CC) $(CORE_CFLAGS) -o $@ $< $(CORE_SRCS) $(BENCH_BLAS) -lm

bench-bins: $(BENCH_BINS)

bench: all
	bash test/bench/run.sh

models: core-lib
	$(MAKE) -C models/train -B -j2 all

.PHONY: install-models uninstall-models unittest unittest-asan core-lib bench-bins bench models
EXTRA_CLEAN  = $(BUILD) regression.diffs regression.out results

# ---- fuzzing (issue 7): libFuzzer + ASan + UBSan targets, test/fuzz/fuzz_*.c ----
#   make fuzz FUZZ_SECONDS=60     build every target and run each for FUZZ_SECONDS
#   make fuzz-build               only build them (build/fuzz/fuzz_<name>)
# Needs clang and libclang-rt-14-dev (scripts/install-deps.sh); see docs/robustness.md.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BINS     = $(patsubst test/fuzz/%.c,$(BUILD)/fuzz/%,$(wildcard test/fuzz/fuzz_*.c))
FUZZ_CFLAGS   = -std=c11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Wall -Wextra \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
                -Isrc/core $(BLAS_CFLAGS)

$(FUZZ_BINS): $(BUILD)/fuzz/%: test/fuzz/%.c test/fuzz/fuzz_common.h test/unit/ascii_words.h $(CORE_SRCS) $(wildcard src/core/*.h)
	@mkdir -p $(BUILD)/fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRCS) $(BLAS_LIBS) -lm

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	bash test/fuzz/run.sh $(FUZZ_SECONDS) $(notdir $(FUZZ_BINS))

.PHONY: fuzz fuzz-build
