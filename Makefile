# Thin wrapper over CMake. `make run` and `make test` do all set-up on a fresh Debian 12
# machine (packages when root, build, dev data dir). See README.md.
BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc)

.PHONY: all deps build build-asan test run clean

all: build

deps:
	@tools/setup/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DSD_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)

# Every test, built with AddressSanitizer + UndefinedBehaviorSanitizer.
test: build-asan
	@cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j $(JOBS)
	@python3 tools/triage_eval.py --sealctl $(BUILD_ASAN)/tools/sealctl \
	    --jsonl ../shared/data/triage-dev.jsonl 2>/dev/null || true

run: build
	@tools/setup/devrun.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
