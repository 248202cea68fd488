#!/usr/bin/env bash
# Builds kube-apiserver (k8s.io/kubernetes v1.37.2 from the Go module proxy, via the wrapper
# module in .ci/apiserver) into .ci/cache/kube-apiserver for test/conformance, and makes
# sure etcd (Debian etcd-server) is installed. Idempotent: skips what is already there.
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
cd "$(dirname "$0")/../.."
export GOTOOLCHAIN=local

if ! command -v etcd >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends etcd-server >/dev/null
fi
etcd --version | sed -n 1p  # sed reads it all: head would exit first and pipefail turn SIGPIPE into a failure

cache="$PWD/.ci/cache"
bin="$cache/kube-apiserver"
stamp="$cache/kube-apiserver.stamp"
mkdir -p "$cache"
# Rebuild when the wrapper module or this script changes (go.mod/go.sum pin the version).
want=$(cat .ci/apiserver/go.mod .ci/apiserver/go.sum "$self" | sha256sum | cut -d' ' -f1)
version=$(cd .ci/apiserver && go list -m -f '{{.Version}}' k8s.io/kubernetes)
minor=$(echo "$version" | cut -d. -f2)
pkg=k8s.io/component-base/version
ldflags="-X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
if [ -x "$bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "kube-apiserver: cached at $bin"
  exit 0
fi
echo "kube-apiserver: building (takes several minutes)"
(cd .ci/apiserver && go build -trimpath -ldflags "$ldflags" -o "$bin.tmp" k8s.io/kubernetes/cmd/kube-apiserver)
mv "$bin.tmp" "$bin"
echo "$want" >"$stamp"
"$bin" --version
