#!/usr/bin/env bash
# A long run of the hostile-bytes fuzz test (issue 14 §5, tests/VGate.MySql.Tests/Binlog/BinlogFuzzTests.cs): mutated
# events of the captured MariaDB and MySQL binlogs through the event parser and the row decoding of every cell, whole
# files through the file reader, binary JSON values through its decoder, and mutated packet framings through the packet
# channel. CI runs 20,000 event cases with a fixed seed; this runs COUNT event cases (and COUNT JSON values, COUNT/20
# files, COUNT/10 packet framings) with SEED, printing both. A failure names the seed, the case and the bytes.
#
#   bench/fuzz.sh [COUNT=2000000] [SEED=random]
#
# Environment (optional): SKIP_BUILD=1. The output is also written to bench/results/fuzz-<date>.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
count=${1:-2000000}
seed=${2:-$(( (RANDOM << 15 | RANDOM) % 2000000000 + 1 ))}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    dotnet build "$repo/tests/VGate.MySql.Tests" -c Release -nologo -v q
fi

mkdir -p "$here/results"
out="$here/results/fuzz-$(date -u +%Y%m%d-%H%M%S).txt"
echo "fuzz: seed=$seed count=$count" | tee "$out"
VGATE_FUZZ_SEED=$seed VGATE_FUZZ_ITERATIONS=$count \
    dotnet test "$repo/tests/VGate.MySql.Tests" -c Release --no-build \
    --filter "FullyQualifiedName~BinlogFuzzTests.Mutated" \
    --logger "console;verbosity=detailed" 2>&1 | grep -Ev '^\s+at |^$' | sed "s|$repo/||g" | tee -a "$out"
