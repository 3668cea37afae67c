# Thin wrapper over CMake. `make run` and `make test` do all set-up on a fresh Debian 12
# machine (packages when root, build, dev data dir). See README.md.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
BUILD_REL  ?= build-release
BUILD_CLANG ?= build-clang
BUILD_ANALYZER ?= build-analyzer
STATIC_JOBS ?= 2
FUZZ_SECONDS ?= 600
FUZZ_SECONDS_CI ?= 20
JOBS       ?= $(shell nproc)

.PHONY: all deps console build build-asan build-release build-clang build-fuzz test fuzz run clean \
        triage-model crash-test cluster-test static format

all: build

deps:
	@tools/setup/deps.sh

# The web console (TypeScript, Vite): console/dist, served by sealdeskd (console_dir).
console: deps
	@tools/setup/console.sh

build: deps console
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps console
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DSD_SANITIZE=ON -DSD_WERROR=ON >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)

# CI also builds what users build (Release, gcc -O3) and the sources with clang, both with
# -Werror, so a warning that only the optimiser or the other compiler sees fails here first.
build-release: deps
	@cmake -S . -B $(BUILD_REL) -DCMAKE_BUILD_TYPE=Release -DSD_WERROR=ON >/dev/null
	@cmake --build $(BUILD_REL) -j $(JOBS)

build-clang: deps
	@cmake -S . -B $(BUILD_CLANG) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Release \
	    -DSD_WERROR=ON -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
	@cmake --build $(BUILD_CLANG) -j $(JOBS)

build-fuzz: deps
	@cmake -S . -B $(BUILD_FUZZ) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
	    -DSD_FUZZ=ON -DSD_WERROR=OFF >/dev/null
	@cmake --build $(BUILD_FUZZ) -j $(JOBS)

# cppcheck, clang-tidy (.clang-tidy) and gcc -fanalyzer over src/ and tools/, zero findings
# allowed (tools/check/static.sh; the compile database comes from the clang build).
static: build-clang
	@tools/check/format.sh
	@STATIC_JOBS=$(STATIC_JOBS) tools/check/static.sh $(BUILD_CLANG) $(BUILD_ANALYZER)

# Retrain the shipped statistical triage model (src/tmodel) from the labelled sets (issue 17);
# ctest model.up_to_date fails when the committed data/triage.model differs from this.
triage-model: build-asan
	@tools/triage_train.sh $(BUILD_ASAN)/tools/triage_train data/triage.model
	@cmake --build $(BUILD_ASAN) -j $(JOBS)

# Rewrite every tracked .c/.h file with clang-format (.clang-format); `make static` checks it.
format:
	@git ls-files -- '*.c' '*.h' | xargs clang-format -i

# Every test, built with AddressSanitizer + UndefinedBehaviorSanitizer, then each libFuzzer
# harness for FUZZ_SECONDS_CI seconds.
test: build-asan build-release build-clang static build-fuzz
	@cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j $(JOBS)
	@cd $(BUILD_REL) && ctest --output-on-failure -j $(JOBS) -L valgrind
	@tools/setup/fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS_CI)
	@# P1 (fund safety) recall 1.000 on every labelled set in the repo (data/triage/README.md).
	@for f in ../shared/data/triage-dev.jsonl data/triage/train-zh.jsonl \
	    data/triage/train-en.jsonl data/triage/train-ko.jsonl data/triage/holdout-zh.jsonl \
	    data/triage/holdout-en.jsonl data/triage/holdout-ko.jsonl data/triage/holdout2-zh.jsonl \
	    data/triage/holdout2-en.jsonl data/triage/holdout2-ko.jsonl data/triage/train4-zh.jsonl \
	    data/triage/train4-en.jsonl data/triage/train4-ko.jsonl data/triage/train5-zh.jsonl \
	    data/triage/train5-en.jsonl data/triage/train5-ko.jsonl data/triage/kinds8-zh.jsonl \
	    data/triage/kinds8-en.jsonl data/triage/kinds8-ko.jsonl data/triage/train6-zh.jsonl \
	    data/triage/train6-en.jsonl data/triage/train6-ko.jsonl data/triage/train7-en.jsonl \
	    data/triage/train7-ko.jsonl data/triage/train7-zh.jsonl data/triage/kinds9-zh.jsonl \
	    data/triage/kinds9-en.jsonl data/triage/kinds9-ko.jsonl; do \
	    echo "triage $$f"; python3 tools/triage_eval.py --sealctl $(BUILD_ASAN)/tools/sealctl \
	        --jobs $(JOBS) --fail-under 0,0,1.0 $$f || exit 1; done
	@# Measured, not gated: the independent sets (holdout3 to holdout7: never tuned on) do not
	@# yet reach P1 recall 1.000 (data/triage/README.md; issue 17 stays open until they do).
	@for f in data/triage/holdout3-zh.jsonl \
	    data/triage/holdout3-en.jsonl data/triage/holdout3-ko.jsonl data/triage/holdout4-zh.jsonl \
	    data/triage/holdout4-en.jsonl data/triage/holdout4-ko.jsonl data/triage/holdout5-zh.jsonl \
	    data/triage/holdout5-en.jsonl data/triage/holdout5-ko.jsonl data/triage/holdout6-zh.jsonl \
	    data/triage/holdout6-en.jsonl data/triage/holdout6-ko.jsonl data/triage/holdout7-zh.jsonl \
	    data/triage/holdout7-en.jsonl data/triage/holdout7-ko.jsonl; do \
	    echo "triage $$f (not gated)"; python3 tools/triage_eval.py \
	        --sealctl $(BUILD_ASAN)/tools/sealctl --jobs $(JOBS) $$f; done
	@# KB search on the first held-out questions (a dev set since round 5: its misses were
	@# studied) and the held-out unanswerable ones: recall@1, recall@3, share of unanswerable
	@# questions with no article (README "KB search quality"; dev reaches 0.973/0.992/0.867).
	@echo "kb dev (kb_holdout)"; python3 tools/kb_eval.py --sealctl $(BUILD_ASAN)/tools/sealctl \
	    --jobs $(JOBS) --split holdout --fail-under 0.96,0.98,0.83 \
	    tests/data/kb_holdout.jsonl tests/data/kb_unanswerable.jsonl
	@# Round 6 sets (data/kb/questions/dev3): the tuning part (reaches 0.832/0.932/0.839) and
	@# the 30 % held out from it, never tuned on (reaches 0.797/0.885/0.867).
	@echo "kb dev3 (tuning)"; python3 tools/kb_eval.py --sealctl $(BUILD_ASAN)/tools/sealctl \
	    --jobs $(JOBS) --fail-under 0.81,0.91,0.81 \
	    tests/data/kb_dev3.jsonl tests/data/kb_unanswerable3.jsonl
	@echo "kb dev3 held out"; python3 tools/kb_eval.py --sealctl $(BUILD_ASAN)/tools/sealctl \
	    --jobs $(JOBS) --fail-under 0.77,0.86,0.84 \
	    tests/data/kb_dev3_holdout.jsonl tests/data/kb_unanswerable3_holdout.jsonl
	@# Round 7 sets (data/kb/questions/dev4): the tuning part (reaches 0.839/0.929/0.847) and
	@# the 30 % held out from it, never tuned on (reaches 0.799/0.884/0.810).
	@echo "kb dev4 (tuning)"; python3 tools/kb_eval.py --sealctl $(BUILD_ASAN)/tools/sealctl \
	    --jobs $(JOBS) --fail-under 0.82,0.91,0.82 \
	    tests/data/kb_dev4.jsonl tests/data/kb_unanswerable4.jsonl
	@echo "kb dev4 held out"; python3 tools/kb_eval.py --sealctl $(BUILD_ASAN)/tools/sealctl \
	    --jobs $(JOBS) --fail-under 0.77,0.86,0.78 \
	    tests/data/kb_dev4_holdout.jsonl tests/data/kb_unanswerable4_holdout.jsonl
	@# Round 8 sets (data/kb/questions/dev5): the tuning part (reaches 0.861/0.952/0.800) and
	@# the 30 % held out from it, never tuned on (reaches 0.824/0.922/0.737).
	@echo "kb dev5 (tuning)"; python3 tools/kb_eval.py --sealctl $(BUILD_ASAN)/tools/sealctl \
	    --jobs $(JOBS) --fail-under 0.84,0.93,0.77 \
	    tests/data/kb_dev5.jsonl tests/data/kb_unanswerable5.jsonl
	@echo "kb dev5 held out"; python3 tools/kb_eval.py --sealctl $(BUILD_ASAN)/tools/sealctl \
	    --jobs $(JOBS) --fail-under 0.80,0.90,0.71 \
	    tests/data/kb_dev5_holdout.jsonl tests/data/kb_unanswerable5_holdout.jsonl

# kill -9 under sealbench load, 100 trials (tests/crash/; `make test` runs 10).
crash-test: build
	@cd $(BUILD) && CRASH_TRIALS=$${CRASH_TRIALS:-100} ctest --output-on-failure -L crash

# Longer fuzzing: FUZZ_SECONDS per harness.
fuzz: build-fuzz
	@tools/setup/fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

run: build
	@tools/setup/devrun.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ) $(BUILD_REL) $(BUILD_CLANG) $(BUILD_ANALYZER)

# The cluster (issue 18): the kill trials of tests/cluster CLUSTER_TRIALS times (20; `make test`
# runs each once), then Create/s and p99 of one node against the 3-node cluster; prints failover
# min/median/max, acknowledged creates lost (must be 0) and the etcd kill stalls.
cluster-test: build
	@rm -f $(CURDIR)/$(BUILD)/cluster-figures.txt
	@export SD_BIN=$(CURDIR)/$(BUILD)/tools SD_TEST_BIN=$(CURDIR)/$(BUILD)/tests \
	    SD_SOURCE_DIR=$(CURDIR) CLUSTER_FIGURES=$(CURDIR)/$(BUILD)/cluster-figures.txt; \
	  CLUSTER_TRIALS=$${CLUSTER_TRIALS:-20} bash tests/cluster/test_failover.sh && \
	  CLUSTER_ETCD_TRIALS=$${CLUSTER_TRIALS:-20} bash tests/cluster/test_etcd_kill.sh && \
	  bash tests/cluster/bench.sh && \
	  python3 tests/cluster/figures.py $(CURDIR)/$(BUILD)/cluster-figures.txt
