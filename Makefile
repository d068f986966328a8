# scout — plain Makefile. `make` builds build/scout; `make test` builds everything
# with AddressSanitizer + UBSan and runs the Criterion suite; `make demo` runs the demo.

CC      ?= cc
STD      = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
INCS     = -Ilib -Iexamples -Itests
DEPS_CFLAGS := $(shell pkg-config --cflags sqlite3 yaml-0.1 jansson libcurl libsodium 2>/dev/null)
DEPS_LIBS   := $(shell pkg-config --libs sqlite3 yaml-0.1 jansson libcurl libsodium 2>/dev/null || echo -lsqlite3 -lyaml -ljansson -lcurl -lsodium)
LIBS     = $(DEPS_LIBS) -lpg_query -lstemmer -lutf8proc -ledit -lm -lpthread

REL_FLAGS  = -O2 -g
ASAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

LIB_SRC   := $(shell find lib examples -name '*.c' | sort)
CLI_SRC   := $(shell find src/cli -name '*.c' | sort)
TEST_SRC  := $(shell find tests -name '*.c' -not -path 'tests/fuzz/*' -not -path 'tests/fake_llm/*' | sort)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_COMMON := $(wildcard bench/common/*.c)

REL_LIB_OBJ  := $(LIB_SRC:%.c=build/rel/%.o)
REL_CLI_OBJ  := $(CLI_SRC:%.c=build/rel/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:%.c=build/asan/%.o)
ASAN_CLI_OBJ := $(CLI_SRC:%.c=build/asan/%.o)
TEST_OBJ     := $(TEST_SRC:%.c=build/asan/%.o)
BENCH_BIN    := $(BENCH_SRC:bench/%.c=build/bench/%)

# Quiet by default; `make V=1` shows every compiler command.
Q = $(if $(V),,@echo "  CC  $<";)

.PHONY: all test demo bench lint format clean setup check-one
all: build/scout

setup:
	@scripts/setup

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(STD) $(WARN) $(REL_FLAGS) $(INCS) $(DEPS_CFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(STD) $(WARN) $(ASAN_FLAGS) $(INCS) $(DEPS_CFLAGS) -MMD -MP -c $< -o $@

build/rel/libscout.a: $(REL_LIB_OBJ)
	@rm -f $@; ar rcs $@ $^

build/asan/libscout.a: $(ASAN_LIB_OBJ)
	@rm -f $@; ar rcs $@ $^

build/scout: $(REL_CLI_OBJ) build/rel/libscout.a
	$(CC) $(REL_FLAGS) -o $@ $^ $(LIBS)

build/asan/scout: $(ASAN_CLI_OBJ) build/asan/libscout.a
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)

build/asan/scout-tests: $(TEST_OBJ) build/asan/libscout.a
	$(CC) $(ASAN_FLAGS) -o $@ $^ -lcriterion $(LIBS)

build/asan/fake-llm: $(wildcard tests/fake_llm/*.c)
	@mkdir -p $(dir $@); $(CC) $(STD) $(WARN) $(ASAN_FLAGS) $(DEPS_CFLAGS) -o $@ $^ $(DEPS_LIBS)

build/bench/%: bench/%.c $(BENCH_COMMON) build/rel/libscout.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(STD) $(WARN) $(REL_FLAGS) $(INCS) -Ibench $(DEPS_CFLAGS) -o $@ $^ $(LIBS)

# Environment every test run gets: the sanitized binary for integration tests,
# fixtures, and sanitizers that fail loudly.
TEST_ENV = SCOUT_BIN=$(CURDIR)/build/asan/scout SCOUT_FIXTURES=$(CURDIR)/tests/fixtures \
           ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
           NO_COLOR=1

# The release binary is built too: -O2 finds warnings -O1 does not, and `make demo` uses it.
test: setup
	@$(MAKE) --no-print-directory build/scout build/asan/scout build/asan/scout-tests build/asan/fake-llm
	$(TEST_ENV) build/asan/scout-tests --jobs 2 $(TEST_ARGS)

# Builds and runs a single test file: make check-one T=tests/unit/base/test_buf.c
# The fake LLM server client is support code too (for the tests that script a model).
SUPPORT_OBJ := $(patsubst %.c,build/asan/%.o,$(wildcard tests/support/*.c)) build/asan/tests/unit/llm/fake_server.o
check-one: build/asan/libscout.a build/asan/$(T:.c=.o) $(SUPPORT_OBJ) build/asan/scout build/asan/fake-llm
	$(CC) $(ASAN_FLAGS) -o build/asan/one-$(notdir $(T:.c=)) build/asan/$(T:.c=.o) $(SUPPORT_OBJ) build/asan/libscout.a -lcriterion $(LIBS)
	$(TEST_ENV) build/asan/one-$(notdir $(T:.c=)) $(TEST_ARGS)

demo: setup
	@$(MAKE) --no-print-directory build/scout
	build/scout demo --home .scout-demo
	@scripts/demo-tour .scout-demo

bench: setup
	@$(MAKE) --no-print-directory build/scout $(BENCH_BIN)
	@mkdir -p bench/out
	@for b in $(BENCH_BIN); do echo "bench: $$b"; $$b bench/out || exit 1; done

LINT_FILES := $(shell find lib src examples tests bench -name '*.[ch]' 2>/dev/null | sort)
lint:
	@clang-format --dry-run --Werror $(LINT_FILES)
	@cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --inline-suppr --suppress=missingIncludeSystem $(INCS) -Ibench --std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L lib src examples bench

format:
	clang-format -i $(LINT_FILES)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- fuzzing: `make fuzz` builds each tests/fuzz/*.c as a libFuzzer target
# (clang, address + undefined sanitizers, the library instrumented for
# coverage) and runs each for FUZZ_SECONDS. tests/fuzz/NAME.dict, when
# present, is the target's dictionary; the corpus grows in build/fuzz/corpus.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS    = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_WARN     = $(filter-out -Werror,$(WARN))
FUZZ_SRC     := $(wildcard tests/fuzz/*.c)
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build/fuzz/obj/%.o)

.PHONY: fuzz
build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(STD) $(FUZZ_WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(INCS) $(DEPS_CFLAGS) -c $< -o $@

build/fuzz/libscout.a: $(FUZZ_LIB_OBJ)
	@rm -f $@; ar rcs $@ $^

build/fuzz/%: tests/fuzz/%.c build/fuzz/libscout.a
	$(FUZZ_CC) $(STD) $(FUZZ_WARN) $(FUZZ_FLAGS) -fsanitize=fuzzer $(INCS) $(DEPS_CFLAGS) $< build/fuzz/libscout.a -o $@ $(LIBS)

fuzz: setup
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p build/fuzz/corpus/$$n; \
	  d=tests/fuzz/$$n.dict; dict=$$( [ -f $$d ] && echo -dict=$$d ); \
	  echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -print_final_stats=1 $$dict build/fuzz/corpus/$$n || exit 1; \
	done
