# The two entry points named at the top of the README. Both install what
# they need first and are safe to run again.
#
# Everything builds in one profile (dev, with dependencies optimised; see
# Cargo.toml), so `make run` and `make test` share one build.

CARGO ?= cargo
FAILCAST := target/debug/failcast
MODEL ?= smollm2-135m

.PHONY: run test setup build model lint unit editors pytest-lsp

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

test: lint unit editors pytest-lsp
