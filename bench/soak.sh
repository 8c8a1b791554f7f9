#!/usr/bin/env bash
# The fault-injection soak (issue 14 §7; not in CI): the fault chain of tests/VGate.EndToEnd.Tests/Faults for MINUTES
# minutes. Two real mariadbd shards take a seeded write workload while a seeded schedule kills with SIGKILL the
# gateway (`vgate serve`), a shard's mariadbd (restarted on the same data and port) and the Kafka sink
# (`vgate kafka-sink`, librdkafka's mock cluster in the test process), one after the other, 0.3–2.5 s apart. Then the
# resuming gRPC client and a read_committed Kafka consumer must each hold every committed change exactly once, and
# replaying either must equal SELECT.
#
#   bench/soak.sh [MINUTES=10] [SEED=random]
#
# Environment (optional): VGATE_FAULT_TRANSACTIONS (the run goes on until at least this many transactions committed,
# default 100000), VGATE_FAULT_RATE (transactions a second per shard writer, default 150; 0 = as fast as possible),
# VGATE_FAULT_PARTITIONS (data-topic partitions; the mock cluster keeps 5 MiB per partition; default 8 per minute,
# at least 32), SKIP_BUILD=1.
# Writes bench/results/soak-<date>.csv (one sample every 5 s: transactions, faults, client events, sink checkpoint lag,
# RSS of gateway and sink) and bench/results/soak-<date>.txt (the run's log and summary). docs/security/faults.md
# explains the figures.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
minutes=${1:-10}
seed=${2:-$(( (RANDOM << 15 | RANDOM) % 2000000000 ))}

export VGATE_FAULT_MINUTES=$minutes
export VGATE_FAULT_SEED=$seed
export VGATE_FAULT_TRANSACTIONS=${VGATE_FAULT_TRANSACTIONS:-100000}
export VGATE_FAULT_RATE=${VGATE_FAULT_RATE:-150}
export VGATE_FAULT_PARTITIONS=${VGATE_FAULT_PARTITIONS:-$(( minutes * 8 > 32 ? minutes * 8 : 32 ))}

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    dotnet build "$repo/tests/VGate.EndToEnd.Tests" -c Release -nologo -v q
fi

mkdir -p "$here/results"
stamp=$(date -u +%Y-%m-%dT%H%M)
export VGATE_FAULT_CSV="$here/results/soak-$stamp.csv"
out="$here/results/soak-$stamp.txt"
status=0
{
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC') bench/soak.sh $minutes $seed; at least $VGATE_FAULT_TRANSACTIONS transactions," \
        "$VGATE_FAULT_RATE tx/s per writer, $VGATE_FAULT_PARTITIONS partitions"
    echo "# load before: $(uptime)"
    dotnet test "$repo/tests/VGate.EndToEnd.Tests" -c Release --no-build --filter "FullyQualifiedName~FaultChainTests" \
        --logger "console;verbosity=detailed" || status=1
    echo "# load after: $(uptime)"
    echo "# RSS over time (MiB; from soak-$stamp.csv):"
    awk -F, 'NR > 1 && $8 > 0 { g[++n] = $8; if ($8 > gmax) gmax = $8 }
             NR > 1 && $9 > 0 { s[++m] = $9; if ($9 > smax) smax = $9 }
             END { if (n) printf "#   gateway: first %s, last %s, peak %s (%d samples)\n", g[1], g[n], gmax, n;
                   if (m) printf "#   sink:    first %s, last %s, peak %s (%d samples)\n", s[1], s[m], smax, m }' "$VGATE_FAULT_CSV" || true
    echo "# seed $seed: $([ $status = 0 ] && echo passed || echo FAILED)"
    [ $status = 0 ]
} 2>&1 | sed -u "s#$repo/##g" | tee "$out"
