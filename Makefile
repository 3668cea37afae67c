# Thin wrapper over CMake. `make run` and `make test` do all set-up on a fresh Debian 12
# machine (packages when root, build, dev data dir). See README.md.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 600
FUZZ_SECONDS_CI ?= 20
JOBS       ?= $(shell nproc)

.PHONY: all deps build build-asan build-fuzz test fuzz run clean crash-test

all: build

deps:
	@tools/setup/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DSD_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)

build-fuzz: deps
	@cmake -S . -B $(BUILD_FUZZ) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	    -DSD_FUZZ=ON -DSD_WERROR=OFF >/dev/null
	@cmake --build $(BUILD_FUZZ) -j $(JOBS)

# Every test, built with AddressSanitizer + UndefinedBehaviorSanitizer, then each libFuzzer
# harness for FUZZ_SECONDS_CI seconds.
test: build-asan build-fuzz
	@cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j $(JOBS)
	@tools/setup/fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS_CI)
	@python3 tools/triage_eval.py --sealctl $(BUILD_ASAN)/tools/sealctl --jobs $(JOBS) \
	    ../shared/data/triage-dev.jsonl

# kill -9 under sealbench load, 100 trials (tests/crash/; `make test` runs 10).
crash-test: build
	@cd $(BUILD) && CRASH_TRIALS=$${CRASH_TRIALS:-100} ctest --output-on-failure -L crash

# Longer fuzzing: FUZZ_SECONDS per harness.
fuzz: build-fuzz
	@tools/setup/fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

run: build
	@tools/setup/devrun.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
