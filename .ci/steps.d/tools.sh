#!/usr/bin/env bash
# Installs the peer CLI tools into $(go env GOPATH)/bin: the kustomize CLI and
# kubeconform (make bench compares plinth's generate with them, see
# test/bench), kube-score (linter the tests run on production output), and
# the helm and jsonnet CLIs (test/corpus checks the hand-written corpus
# expectations against kustomize, helm and jsonnet; helm is pinned to go.mod's
# helm.sh/helm/v3). Versions are pinned to the newest releases that build with Go 1.26
# (kustomize v5.8.3 needs Go 1.27).
# Idempotent: a tool already installed at the pinned version is kept.
set -euo pipefail
export GOTOOLCHAIN=local
bin="$(go env GOPATH)/bin"

install() { # module-path version binary
  local mod="$1" version="$2" name="$3"
  if [ -x "$bin/$name" ] && go version -m "$bin/$name" 2>/dev/null | grep -q "mod.*$version"; then
    echo "$name $version: installed"
    return
  fi
  echo "$name $version: installing"
  go install "$mod@$version"
}

install sigs.k8s.io/kustomize/kustomize/v5 v5.8.2 kustomize
install github.com/yannh/kubeconform/cmd/kubeconform v0.8.0 kubeconform
install github.com/zegl/kube-score/cmd/kube-score v1.20.0 kube-score
install helm.sh/helm/v3/cmd/helm v3.22.0 helm
install github.com/google/go-jsonnet/cmd/jsonnet v0.22.0 jsonnet
