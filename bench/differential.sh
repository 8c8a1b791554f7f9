#!/usr/bin/env bash
# The randomized differential tests at full size (issue 13 §5): the chain test (tests/VGate.EndToEnd.Tests/Differential:
# `vgate binlog`, VStream with resumes/pauses/chunking, the Kafka sink, each judged against mariadb-binlog -vv and
# SELECT) and the binlog client's own differential test (tests/VGate.IntegrationTests/Replication), with large
# transactions of ROWS rows (one INSERT of ROWS rows, then one UPDATE of all of them).
#
#   bench/differential.sh [ROWS=1000000] [SEED=random]
#
# Environment (optional): VGATE_TEST_KAFKA (a real broker for the Kafka judge; without one it runs on librdkafka's
# mock cluster, and only up to 100,000 rows), VGATE_DIFF_FEATURES (extra feature switches, e.g. "+xa,+statement" or "all"; see
# tests/README.md), VGATE_DIFF_CHAIN_TRANSACTIONS (default 2000), VGATE_DIFF_TRANSACTIONS (default 2000),
# SKIP_BUILD=1. The output is also written to bench/results/differential-<date>.txt; every failure names the seed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
rows=${1:-1000000}
seed=${2:-$(( (RANDOM << 15 | RANDOM) % 2000000000 ))}

client_rows=$(( rows < 100000 ? rows : 100000 ))
extra_features=${VGATE_DIFF_FEATURES:-}

export VGATE_DIFF_SEED=$seed
export VGATE_DIFF_FEATURES="large=$rows${extra_features:+,$extra_features}"
export VGATE_DIFF_CHAIN_TRANSACTIONS=${VGATE_DIFF_CHAIN_TRANSACTIONS:-2000}
export VGATE_DIFF_TRANSACTIONS=${VGATE_DIFF_TRANSACTIONS:-2000}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    dotnet build "$repo/tests/VGate.EndToEnd.Tests" -c Release -nologo -v q
    dotnet build "$repo/tests/VGate.IntegrationTests" -c Release -nologo -v q
fi

mkdir -p "$here/results"
out="$here/results/differential-$(date -u +%Y-%m-%dT%H%M).txt"
status=0
{
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC') bench/differential.sh $rows $seed; VGATE_DIFF_FEATURES=$VGATE_DIFF_FEATURES;" \
        "chain transactions $VGATE_DIFF_CHAIN_TRANSACTIONS, binlog-client transactions $VGATE_DIFF_TRANSACTIONS"
    echo "# load before: $(uptime)"
    filter="FullyQualifiedName~Differential"
    if [ "$rows" -gt 100000 ] && [ -z "${VGATE_TEST_KAFKA:-}" ]; then
        # librdkafka's mock cluster keeps 5 MiB per partition, which one hot key of the large-value table exceeds.
        echo "# the Kafka judge is skipped above 100,000 rows without a real broker (set VGATE_TEST_KAFKA=host:port)"
        filter="$filter&FullyQualifiedName!~KafkaSink"
    fi
    dotnet test "$repo/tests/VGate.EndToEnd.Tests" -c Release --no-build --filter "$filter" \
        --logger "console;verbosity=detailed" || status=1
    # The binlog client's test keeps every row image of both decoders in memory (over 20 GB at 1,000,000 rows), so its
    # large transactions are capped at 100,000 rows.
    VGATE_DIFF_FEATURES="large=$client_rows${extra_features:+,$extra_features}" \
        dotnet test "$repo/tests/VGate.IntegrationTests" -c Release --no-build --filter "FullyQualifiedName~DifferentialTests" \
        --logger "console;verbosity=detailed" || status=1
    echo "# load after: $(uptime)"
    echo "# seed $seed: $([ $status = 0 ] && echo passed || echo FAILED)"
    [ $status = 0 ]
} 2>&1 | tee "$out"
