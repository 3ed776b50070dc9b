# factdesk: the commands a newcomer needs are `make run` and `make test`.
GO        ?= go
BIN       := bin/factdesk
PKGS      := ./...
CONFIG    ?= configs/factdesk.example.yaml
# staticcheck is run at a pinned version through the module proxy, so no
# install step is needed and everyone lints with the same rules.
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Test services (PostgreSQL, a Matrix homeserver) write their variables here.
TESTENV   := .testenv
# goolm: Matrix end-to-end encryption in pure Go (mautrix's Olm), so every
# build stays CGO_ENABLED=0. A build without it runs with encryption off.
TAGS      := goolm
export GOFLAGS := $(strip $(shell $(GO) env GOFLAGS) -tags=$(TAGS))

.PHONY: run build test test-unit testenv testenv-down bench lint fmt fuzz clean

## run: the desk in this terminal, on SQLite under ./data, no tokens needed
run: build
	./$(BIN) run --config $(CONFIG)

## build: the factdesk binary in bin/
build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/factdesk

## testenv: start (or reuse) the throwaway PostgreSQL and Matrix homeserver
testenv:
	bash scripts/testenv/up.sh

testenv-down:
	-bash scripts/testenv/dendrite.sh down
	-bash scripts/testenv/postgres.sh down

## test: everything, against real SQLite, PostgreSQL and a Matrix homeserver
test: testenv lint
	set -a && . ./$(TESTENV) && set +a && $(GO) test -count=1 -timeout 30m $(PKGS)

## test-unit: the tests that need no services (the others skip outside CI)
test-unit:
	$(GO) test -count=1 $(PKGS)

## bench: benchmarks, then one `name: value` line per figure
bench: build
	bash scripts/bench.sh

## fuzz: a short run of each fuzz target
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime 30s ./bot
	$(GO) test -run '^$$' -fuzz FuzzExtract -fuzztime 30s ./workflows/extract
	$(GO) test -run '^$$' -fuzz FuzzParseFigure -fuzztime 30s ./workflows/extract
	$(GO) test -run '^$$' -fuzz FuzzSlackCodec -fuzztime 30s ./bot/slack/mrkdwn

## lint: gofmt, go vet and staticcheck
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(STATICCHECK) $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin data
