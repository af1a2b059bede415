#!/usr/bin/env bash
# Builds the Jaeger v2 all-in-one binary from the Go module proxy, once, into a cache outside the repo,
# and prints its path. Reused on every later call.
#
# Why not `go install github.com/jaegertracing/jaeger/cmd/jaeger@<version>`: Go refuses `install pkg@v`
# for modules whose go.mod has a replace directive (Jaeger's does), and the module proxy reachable here
# serves tagged versions only, not bare commits. So we fetch the tagged module and build inside a copy of
# it, where its replace directive applies exactly as upstream intends.
#
# Module tag v1.76.0 is the same commit as Jaeger's v2.13.0 release; docker-compose.yml pins the matching
# image (jaegertracing/jaeger:2.13.0).
set -euo pipefail

JAEGER_MODULE_VERSION="${JAEGER_MODULE_VERSION:-v1.76.0}"
cache_root="${WIDELINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wideline}"
out_dir="$cache_root/jaeger-$JAEGER_MODULE_VERSION"
out="$out_dir/jaeger"

if [[ -x "$out" ]]; then
  echo "$out"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "jaeger-build: 'go' is not on PATH. Install Go >= 1.24 (apt-get install golang-go, or from go.dev)," >&2
  echo "              or run the stack with Docker: docker compose up -d" >&2
  exit 1
fi

echo "jaeger-build: building Jaeger (module $JAEGER_MODULE_VERSION) into $out_dir; the first build takes several minutes" >&2
src_dir="$(go mod download -json "github.com/jaegertracing/jaeger@$JAEGER_MODULE_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
if [[ -z "$src_dir" || ! -d "$src_dir" ]]; then
  echo "jaeger-build: could not download github.com/jaegertracing/jaeger@$JAEGER_MODULE_VERSION from the Go module proxy ($(go env GOPROXY))" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$src_dir/." "$work/"
chmod -R u+w "$work"
mkdir -p "$out_dir"
started=$SECONDS
(cd "$work" && GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w" -o "$out.tmp" ./cmd/jaeger)
mv "$out.tmp" "$out"
echo "jaeger-build: built in $((SECONDS - started)) s, $(du -h "$out" | cut -f1)" >&2
echo "$out"
