#!/usr/bin/env bash
# Generates the Python message modules of proto/*.proto for vstream.py: ./examples/python/build.sh [output-dir]
#
# Needs (Debian 12): protobuf-compiler python3-grpcio (which brings python3-protobuf). Installs nothing.
# Only protoc's own --python_out is used: Debian's python3-grpc-tools (1.14) bundles protoc 3.5, which cannot read
# proto3 `optional` (query.proto has one) and writes modules that python3-protobuf 3.21 refuses. vstream.py therefore
# calls the service through grpcio's generic stubs (channel.unary_stream) instead of a generated *_pb2_grpc module.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
output="${1:-$here/generated}"

command -v protoc >/dev/null 2>&1 || { echo "build.sh: protoc not found; install protobuf-compiler" >&2; exit 1; }
mkdir -p "$output"
protoc -I "$repo_root/proto" --python_out="$output" "$repo_root"/proto/*.proto
echo "$output"
