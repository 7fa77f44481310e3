# The two entry points named at the top of the README. Both install what
# they need first and are safe to run again. `make run` builds only the
# `failcast` binary and installs only what it needs; `make test` builds
# every target and installs the test-only tools (`setup-test`).
#
# Everything builds in one profile (dev, with dependencies optimised; see
# Cargo.toml), so `make run` and `make test` share the dependencies' build;
# only the fuzz targets (`fuzz-smoke` in `test`) build apart, instrumented.
#
# `make test` lints while it builds: clippy-driver is the workspace's
# compiler (RUSTC_WORKSPACE_WRAPPER, as `cargo clippy` sets it), with every
# warning an error. Clippy-driver is rustc plus lints, so the build it makes
# is the one the tests run; `cargo clippy` would instead check every
# dependency a second time in metadata-only mode (minutes on two cores).
# Our crates are built again when switching between `make run` and `make
# test` (the wrapper is part of their fingerprint).
#
# `make test` builds the binary with everything else, in one `cargo test
# --no-run`, instead of `cargo build` first: the tests' dev-dependencies
# turn on features of crates the binary also uses (criterion and
# prost-derive ask for itertools' `use_std`, which bindgen shares), so a
# build of the binary alone has a different bindgen, a different
# llama-cpp-sys-2 build script, and builds llama.cpp a second time, with
# our crates and a dozen others. The test build leaves the same binary in
# target/debug. After `make run`, `make test` still builds those a second
# time, once.

CARGO ?= cargo
FAILCAST := target/debug/failcast
MODEL ?= smollm2-135m
BUILD = $(CARGO) build -p failcast --bin failcast

.PHONY: run test setup setup-test build model lint fmt unit editors pytest-lsp fuzz fuzz-smoke realbugs realbugs-smoke

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

build: setup
	$(BUILD)

model: build
	$(FAILCAST) model fetch $(MODEL)

# The main job: predictions for the sample project, with the default model.
run: model
	$(FAILCAST) check examples/shop

fmt:
	$(CARGO) fmt --all --check

# The same lints on their own, for working by hand.
lint: fmt
	$(CARGO) clippy --workspace --all-targets -- -D warnings

unit: setup-test model
	$(CARGO) test --workspace --all-targets

editors: setup-test build
	editors/test.sh

# A client we did not write: pytest-lsp (UTF-16 only, no documentChanges).
pytest-lsp: setup-test build
	python3 -m pytest -q -p no:cacheprovider tests/pytest_lsp

# Each fuzz target for FUZZ_SECONDS, starting from the checked-in seed
# corpus (new inputs go to server/failcast/fuzz/work/, never into the corpus; the
# corpus itself is replayed by `cargo test` in `unit`). Stable Rust runs
# cargo-fuzz through RUSTC_BOOTSTRAP (setup installs cargo-fuzz). No
# sanitizer: failcast forbids unsafe code and cargo-fuzz does not instrument
# the C grammars, so ASan would only slow the build. 16 codegen units
# instead of cargo-fuzz's 1: the release build on two cores takes 4 min
# instead of 8.5, for 10-20% fewer inputs a second. An input slower
# than FUZZ_TIMEOUT seconds counts as a crash (a hang), so a run never
# outlasts its budget by much. A crash stops the loop; the input is left
# in work/ (work/smoke/ for fuzz-smoke), named crash-* or timeout-*.
FUZZ_SECONDS ?= 20
FUZZ_SMOKE_SECONDS ?= 15
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS := document framing ingest model_output
# Without the clippy wrapper `make test` exports: the fuzz crate is its own
# workspace, built with its own flags.
FUZZ := env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS RUSTC_BOOTSTRAP=1 $(CARGO) fuzz
FUZZ_BUILD_FLAGS := -s none --codegen-units 16

fuzz: setup-test
	cd server/failcast/fuzz && for target in $(FUZZ_TARGETS); do \
		mkdir -p work/$$target && \
		$(FUZZ) run $(FUZZ_BUILD_FLAGS) $$target work/$$target corpus/$$target -- \
			-max_total_time=$(FUZZ_SECONDS) -timeout=$(FUZZ_TIMEOUT) -artifact_prefix=work/ || exit 1; \
	done

# The same briefly, as part of `test`: one build, then every target for
# FUZZ_SMOKE_SECONDS from the seed corpus into a scratch corpus emptied
# first, so each run starts alike. libFuzzer runs on one core, so FUZZ_JOBS
# targets run at once, each on a core of its own: on two cores the four
# runs take 30 s instead of 60. A crash stops the others from starting.
# The smoke builds in the dev profile (debug assertions on): about 2 min
# from clean on two cores instead of the release build's 5 (a fresh
# `.ci/run` took 28.5 min with it), for fewer inputs a second; a smoke
# checks that every target builds and survives its seeds and some
# thousands of new inputs, and `make fuzz` is for finding bugs. See
# server/failcast/fuzz/README.md.
FUZZ_JOBS ?= 2
FUZZ_SMOKE_FLAGS := -s none --dev
fuzz-smoke: setup-test
	cd server/failcast/fuzz && $(FUZZ) build $(FUZZ_SMOKE_FLAGS)
	$(MAKE) --no-print-directory -j$(FUZZ_JOBS) --output-sync=target $(addprefix fuzz-smoke-,$(FUZZ_TARGETS))

fuzz-smoke-%:
	cd server/failcast/fuzz && rm -rf work/smoke/$* && mkdir -p work/smoke/$* && \
		$(FUZZ) run $(FUZZ_SMOKE_FLAGS) $* work/smoke/$* corpus/$* -- \
			-max_total_time=$(FUZZ_SMOKE_SECONDS) -timeout=$(FUZZ_TIMEOUT) -artifact_prefix=work/smoke/

# The real-bug benchmark (benchmark/README.md): every case laid out from
# its registry releases, then scored, model off (MODEL_EVAL=name to ask a
# model), and the noise on clean code nobody here wrote.
realbugs: build
	python3 scripts/realbugs.py fetch --quiet
	python3 scripts/realbugs.py noise
	$(FAILCAST) eval target/realbugs $(if $(MODEL_EVAL),--model $(MODEL_EVAL)) --json target/realbugs.json
	$(FAILCAST) eval --noise target/noise

# A few cases of the benchmark, one or two per language, as a snapshot:
# each one's outcome must stay as benchmark/smoke.expected says; a change
# to the rules that moves one updates that file in the same commit.
REALBUGS_SMOKE := python-requests-windows-proxy-registry-int-parse,python-tqdm-unit-scale-total-none,rust-phonenumber-rfc3966-empty-phone-context-index,javascript-ws-upgrade-header-missing,typescript-rxjs-ajax-invalid-json,go-progressbar-describe-unlocked-config-write,go-memberlist-handlecommand-empty-buffer-index,java-commons-pool-gkop-deregister-clear-race
realbugs-smoke: build
	python3 scripts/realbugs.py fetch --quiet --id $(REALBUGS_SMOKE) --out target/realbugs-smoke
	$(FAILCAST) eval target/realbugs-smoke --cases | grep -E '^[^ ]+ \[' > target/realbugs-smoke.txt
	diff -u benchmark/smoke.expected target/realbugs-smoke.txt
	@echo "realbugs-smoke: $$(wc -l < target/realbugs-smoke.txt) cases as expected"

# CLIPPY_ARGS is how `cargo clippy -- -D warnings` hands its arguments to
# clippy-driver (joined by that separator); clippy-driver records it in the
# build's dependency info, so changing it rebuilds our crates.
test: export RUSTC_WORKSPACE_WRAPPER = clippy-driver
test: export CLIPPY_ARGS = -D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__
test: BUILD = $(CARGO) test --workspace --all-targets --no-run
test: fmt unit realbugs-smoke editors pytest-lsp fuzz-smoke
