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

# The labelled triage sets (data/triage/README.md): SET-LANG.jsonl for each SET and language.
triage_sets = $(foreach set,$(1),$(foreach lang,$(or $(2),zh en ko),data/triage/$(set)-$(lang).jsonl))
# Gated at P1 recall 1.000 by `make test`: the development set and every set tuned on.
TRIAGE_GATED = ../shared/data/triage-dev.jsonl \
    $(call triage_sets,train holdout holdout2 train4 train5 kinds8 train6 train8 train9 train10 train11 \
        train12 train13) \
    $(call triage_sets,kinds9 kinds9e kinds9f kinds10 kinds10q kinds11g kinds12 kinds12g \
        kinds12q kinds13 kinds13f kinds14f kinds14c) \
    $(call triage_sets,train7,en ko zh)
# Measured, not gated: the independent sets, never tuned on (train14, round 14's blind set, is
# measured until a merge trains on it and gates it like train13).
TRIAGE_MEASURED = $(call triage_sets,holdout3 holdout4 holdout5 holdout6 holdout7 holdout8 holdout9 \
    holdout10 holdout11 holdout12 holdout13 holdout14 train14)

comma := ,
space := $(subst ,, )

# $(call triage_gate,FILES,LABEL_SUFFIX,EVAL_OPTIONS,ON_FAILURE): tools/triage_eval.py over
# each labelled set in FILES, one by one.
define triage_gate
@for f in $(1); do \
    echo "triage $$f$(2)"; python3 tools/triage_eval.py --sealctl $(BUILD_ASAN)/tools/sealctl \
        --jobs $(JOBS)$(if $(3), $(3)) $$f$(if $(4), $(4)); done
endef

# $(call kb_gate,LABEL,FLOORS,ANSWERABLE,UNANSWERABLE[,OPTIONS]): tools/kb_eval.py on
# tests/data/ANSWERABLE.jsonl and tests/data/UNANSWERABLE.jsonl; fails under any of FLOORS,
# three numbers: recall@1, recall@3, share of unanswerable questions with no article.
define kb_gate
@echo "$(1)"; python3 tools/kb_eval.py --sealctl $(BUILD_ASAN)/tools/sealctl \
    --jobs $(JOBS)$(if $(5), $(5)) --fail-under $(subst $(space),$(comma),$(strip $(2))) \
    tests/data/$(3).jsonl tests/data/$(4).jsonl
endef

# $(call kb_dev_gates,N,TUNING_FLOORS,HELD_OUT_FLOORS): the two gates of a round's KB dev set
# (data/kb/questions/devN): its tuning part (kb_devN, kb_unanswerableN) and the 30 % held out
# from it, never tuned on (kb_devN_holdout, kb_unanswerableN_holdout).
define kb_dev_gates
$(call kb_gate,kb dev$(1) (tuning),$(2),kb_dev$(1),kb_unanswerable$(1))
$(call kb_gate,kb dev$(1) held out,$(3),kb_dev$(1)_holdout,kb_unanswerable$(1)_holdout)
endef

# Every test, built with AddressSanitizer + UndefinedBehaviorSanitizer, then each libFuzzer
# harness for FUZZ_SECONDS_CI seconds.
test: build-asan build-release build-clang static build-fuzz
	@cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j $(JOBS)
	@cd $(BUILD_REL) && ctest --output-on-failure -j $(JOBS) -L valgrind
	@tools/setup/fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS_CI)
	@# P1 (fund safety) recall 1.000 on every labelled set in the repo (data/triage/README.md).
	$(call triage_gate,$(TRIAGE_GATED),,--fail-under 0$(comma)0$(comma)1.0,|| exit 1)
	@# Measured, not gated: the independent sets (holdout3 to 14, train14: never tuned on) do not
	@# yet reach P1 recall 1.000 (data/triage/README.md; issue 17 stays open until they do).
	$(call triage_gate,$(TRIAGE_MEASURED), (not gated))
	@# KB search on the first held-out questions (a dev set since round 5: its misses were
	@# studied) and the held-out unanswerable ones: recall@1, recall@3, share of unanswerable
	@# questions with no article (README "KB search quality"; dev reaches 0.973/0.992/0.867).
	$(call kb_gate,kb dev (kb_holdout),0.96 0.98 0.83,kb_holdout,kb_unanswerable,--split holdout)
	@# Round 6 sets (data/kb/questions/dev3): the tuning part reaches 0.888/0.951/0.857 (round 9,
	@# the articles' asks), the held-out part 0.839/0.911/0.933.
	$(call kb_dev_gates,3,0.87 0.93 0.83,0.82 0.89 0.90)
	@# Round 7 sets (dev4): tuning reaches 0.902/0.951/0.875, held out 0.824/0.899/0.857.
	$(call kb_dev_gates,4,0.88 0.93 0.85,0.80 0.88 0.83)
	@# Round 8 sets (dev5): tuning reaches 0.915/0.966/0.810, held out 0.863/0.928/0.807.
	$(call kb_dev_gates,5,0.89 0.94 0.78,0.84 0.91 0.78)
	@# Round 9 sets (data/kb/questions6, written blind by W2): tuning reaches 0.929/0.973/0.726,
	@# held out 0.934/0.967/0.703 (round 12: K2's lexicon, K3's product glossary).
	$(call kb_dev_gates,6,0.90 0.94 0.69,0.91 0.94 0.67)
	@# Round 10 sets (data/kb/questions7, written blind by WK: search-box keywords, pasted error
	@# text): tuning reaches 0.928/0.971/0.570 (round 10 K2 lexicon; first measured 0.911/0.952/
	@# 0.570), held out 0.934/0.973/0.698; round 12 (product glossary) 0.620 and 0.746 refused.
	$(call kb_dev_gates,7,0.91 0.95 0.59,0.91 0.95 0.71)
	@# Round 11 sets (data/kb/questions8, written blind by WK: voice-to-text, stories, two-letter
	@# typos, asked for someone else): first measured tuning 0.902/0.950/0.660, held out
	@# 0.917/0.966/0.579; tuning 0.908/0.956/0.660 with the Cantonese stop pieces (held out same);
	@# round 12 (K2 lexicon, K3 product glossary) tuning 0.917/0.962/0.744, held out 0.917/0.966/0.649.
	$(call kb_dev_gates,8,0.89 0.93 0.71,0.89 0.94 0.61)
	@# Round 14 blind set (data/kb/README.md "Round 14, brief W": titles and first paragraphs
	@# only; voice-to-text, slang, asked for a parent; no tuning part): 0.928/0.971/0.756.
	$(call kb_gate,kb dev9 held out,0.90 0.95 0.71,kb_dev9_holdout,kb_unanswerable9_holdout)

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
