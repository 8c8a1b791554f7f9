#!/usr/bin/env bash
# Builds the stock Go client offline from Debian's packages: ./examples/go/build.sh [output-binary]
#
# Needs (Debian 12 names): golang-go protobuf-compiler protoc-gen-go protoc-gen-go-grpc golang-google-grpc-dev
# golang-github-golang-protobuf-1-5-dev. Installs nothing (scripts/test.sh does, for the tests).
#
# 1. protoc + protoc-gen-go + protoc-gen-go-grpc turn proto/*.proto into Go packages under
#    $VGATE_GO_WORK/src/vitess.io/vitess/go/vt/proto/<package>, the import paths their go_package options name (the
#    same as Vitess's, so the client's imports are those of any Vitess Go program).
# 2. go builds main.go in GOPATH mode (GO111MODULE=off) with GOPATH = that work directory + /usr/share/gocode, where
#    Debian's golang-*-dev packages put their sources: no module proxy, no network (GOPROXY=off).
#
# The generated code is not checked in: it is a function of proto/ and the installed generators, and regenerating it
# each time is what proves that proto/ compiles with stock tools.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
output="${1:-$here/bin/vgate-go-client}"
work="${VGATE_GO_WORK:-$here/.build}"
# Both are used after cd, and GOPATH entries must be absolute.
[[ "$output" == /* ]] || output="$PWD/$output"
[[ "$work" == /* ]] || work="$PWD/$work"
gocode="${VGATE_GOCODE:-/usr/share/gocode}"

for tool in go protoc protoc-gen-go protoc-gen-go-grpc; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "build.sh: $tool not found; install golang-go protobuf-compiler protoc-gen-go protoc-gen-go-grpc" >&2
        exit 1
    }
done
for package in google.golang.org/grpc google.golang.org/protobuf github.com/golang/protobuf/ptypes; do
    [[ -d "$gocode/src/$package" ]] || {
        echo "build.sh: $gocode/src/$package is missing; install golang-google-grpc-dev and golang-github-golang-protobuf-1-5-dev" >&2
        exit 1
    }
done

rm -rf "$work/src/vitess.io"
mkdir -p "$work/src" "$(dirname "$output")"
protoc -I "$repo_root/proto" --go_out="$work/src" --go-grpc_out="$work/src" "$repo_root"/proto/*.proto

# GOCACHE must be writable; a CI user without a home gets one inside the work directory.
# grpc-go 1.33 marshals through github.com/golang/protobuf; 1.3 of it (golang-github-golang-protobuf-1-3-dev, which apt
# picks for golang-google-grpc-dev unless told otherwise) builds fine but panics on the first message it decodes.
if ! grep -q 'google.golang.org/protobuf' "$gocode/src/github.com/golang/protobuf/go.mod" 2>/dev/null; then
    echo "build.sh: $gocode/src/github.com/golang/protobuf is older than 1.4; install golang-github-golang-protobuf-1-5-dev (it replaces golang-github-golang-protobuf-1-3-dev)" >&2
    exit 1
fi

cache="$(go env GOCACHE 2>/dev/null || true)"
if [[ -z "$cache" || "$cache" == off ]]; then
    export GOCACHE="$work/cache"
fi
cd "$here"
GO111MODULE=off GOPROXY=off GOFLAGS= GOPATH="$work:$gocode" go build -o "$output" main.go
echo "$output"
