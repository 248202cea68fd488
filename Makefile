# plinth — see README.md. `make demo` runs the main job on the embedded example; `make test` runs the tests.
export GOTOOLCHAIN := local
GO      ?= go
BIN     ?= bin/plinth
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
# -s -w: no symbol table or DWARF (go tool pprof and panics still symbolize from .gopclntab).
# CGO_ENABLED=0: a static binary with the pure-Go resolver; with cgo, the "plugin" package that
# kustomize's plugin loader imports makes the linker export every symbol dynamically (18 MB more).
LDFLAGS := -s -w -X main.version=$(VERSION)
# The binary must stay under this size (60 MB = 60,000,000 bytes, issue 15); make build fails above it.
MAX_BIN_BYTES ?= 60000000
DEMO    ?= /tmp/plinth-demo

.PHONY: all build test lint demo bench schemas fuzz clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/plinth
	@size=$$(wc -c < $(BIN)); echo "$(BIN): $$size bytes (limit $(MAX_BIN_BYTES))"; \
	if [ "$$size" -ge $(MAX_BIN_BYTES) ]; then echo "$(BIN) is not under the size limit: see docs/development.md#binary-size"; exit 1; fi

test:
	$(GO) test -count=1 -timeout 40m ./...

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

demo: build
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	@echo "== plinth init: the drone-delivery example platform"
	$(BIN) init $(DEMO)/platform
	$(BIN) validate $(DEMO)/platform
	@echo "== plinth generate: Flux + Kustomize tree, validated offline"
	$(BIN) generate $(DEMO)/platform --out $(DEMO)/fleet
	@echo "== plinth publish: commit it to a local bare GitOps repository"
	git init -q --bare -b main $(DEMO)/gitops.git
	$(BIN) publish $(DEMO)/platform --repo $(DEMO)/gitops.git --author "plinth demo <demo@plinth.dev>"
	$(BIN) publish $(DEMO)/platform --repo $(DEMO)/gitops.git --author "plinth demo <demo@plinth.dev>"
	git --git-dir=$(DEMO)/gitops.git log --stat=120 | head -40
	@echo "== plinth report: the baseline checklist of the repository"
	$(BIN) report --repo $(DEMO)/gitops.git --format text
	@echo "== plinth report --evidence: the declared settings against the clusters' own az aks show / az aks nodepool list output"
	$(BIN) report --repo $(DEMO)/gitops.git --evidence testdata/evidence/demo --format text
	$(BIN) report --repo $(DEMO)/gitops.git --evidence testdata/evidence/demo --month $$(date -u +%Y-%m) --format pdf --out $(DEMO)/report.pdf
	$(BIN) report --repo $(DEMO)/gitops.git --evidence testdata/evidence/demo --month $$(date -u +%Y-%m) --format pdf --lang ko --out $(DEMO)/report-ko.pdf
	@echo "demo done: $(DEMO)/report.pdf and $(DEMO)/report-ko.pdf"

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count=1 -timeout 60m ./...

FUZZTIME ?= 30s
# Runs every fuzz target for FUZZTIME each (make fuzz FUZZTIME=5m).
fuzz:
	@set -e; grep -rl --include='*_test.go' '^func Fuzz' . | xargs -n1 dirname | sort -u | while read -r pkg; do \
		for target in $$(grep -h '^func Fuzz' $$pkg/*_test.go | sed 's/func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
			echo "== $$pkg $$target"; $(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg; \
		done; \
	done

# Installs the peer CLIs make bench compares with (kustomize, kubeconform) and kube-score.
peer-tools:
	bash .ci/steps.d/tools.sh

# Regenerates the embedded validation schemas (Kubernetes OpenAPI per minor, CRDs) from the Go module proxy.
schemas:
	$(GO) run ./hack/schemagen -out generator/validate/schemas

clean:
	rm -rf bin
