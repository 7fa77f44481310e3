# The two entry points named at the top of the README. Both install what
# they need first and are safe to run again.
#
# Everything builds in one profile (dev, with dependencies optimised; see
# Cargo.toml), so `make run` and `make test` share one build.

CARGO ?= cargo
FAILCAST := target/debug/failcast
MODEL ?= smollm2-135m

.PHONY: run test setup build model lint unit editors pytest-lsp fuzz

setup:
	@scripts/setup.sh

build: setup
	$(CARGO) build --workspace --all-targets

model: build
	$(FAILCAST) model fetch $(MODEL)

# The main job: predictions for the sample project, with the default model.
run: model
	$(FAILCAST) check examples/shop

lint: build
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

unit: model
	$(CARGO) test --workspace --all-targets

editors: build
	editors/test.sh

# A client we did not write: pytest-lsp (UTF-16 only, no documentChanges).
pytest-lsp: build
	python3 -m pytest -q -p no:cacheprovider tests/pytest_lsp

# Each fuzz target for FUZZ_SECONDS, starting from the checked-in seed
# corpus (new inputs go to server/fuzz/work/, never into the corpus; the
# corpus itself is replayed by `cargo test` in `unit`). Stable Rust runs
# cargo-fuzz through RUSTC_BOOTSTRAP. No sanitizer: failcast forbids unsafe
# code and cargo-fuzz does not instrument the C grammars, so ASan would
# only slow the build. Not part of `test`: see the note in server/fuzz/README.md.
FUZZ_SECONDS ?= 20
FUZZ_TARGETS := document framing model_output

fuzz: setup
	command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked
	cd server/fuzz && for target in $(FUZZ_TARGETS); do \
		mkdir -p work/$$target && \
		RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run -s none $$target work/$$target corpus/$$target -- \
			-max_total_time=$(FUZZ_SECONDS) -artifact_prefix=work/ || exit 1; \
	done

test: lint unit editors pytest-lsp
