#!/usr/bin/env bash
# End-to-end benchmarks through the gateway (issue 5 §5): two real mariadbd shards, `vgate serve` as its own
# process, gRPC VStream clients in the harness. Every scenario prints one summary line starting with "e2e".
#
#   bench/e2e.sh [SCENARIO [ARGS…]]
#
#   throughput [ROWS_PER_SHARD=250000] [RUNS=2]   row events/s streaming both shards' binlogs from before a load
#                                                  of single-row INSERTs (run 1 includes JIT warm-up)
#   throughput [ROW_CHANGES_PER_SHARD=100000] [RUNS=2] --workload mixed   (or WORKLOAD=mixed bench/e2e.sh throughput …)
#                                                  the same from before the mixed workload (every column type, multi-row
#                                                  events, 1–70 KB texts/blobs): adds binlog MB/s delivered (the shards'
#                                                  binlog growth / seconds) and the bytes of row values the client got
#   latency [TX_PER_S=5000] [SECONDS=20]           commit→client p50/p90/p99/p999/max at a steady rate
#   subscribers [COUNTS=1,100] [TX_PER_S=1000] [SECONDS=15]
#                                                  server CPU and RSS with N clients streaming the same load
#   all (default)                                  the three with their defaults
#
# The output (with load averages before and after) is also written to bench/results/e2e-<scenario>-<date>.txt.
# Environment: VGATE_BENCH_CONNECTIONS=per-subscriber gives each subscriber its own HTTP/2 connection (default: one
# shared channel, whose single connection carries up to 100 streams); VGATE_BENCH_SERVER_ENV="NAME=VALUE …" sets runtime
# variables for the `vgate serve` process only (e.g. DOTNET_PerfMapEnabled=1 for perf); VGATE_BENCH_TRACE=FILE makes the
# latency scenario write one CSV line per measured transaction (id, sent, acknowledged, received, and the event's
# current_time on the same clock, all in Stopwatch ticks), to see where a tail comes from.
# Needs mariadbd and mariadb-install-db on PATH (or /usr/sbin); the shards live in throwaway directories under
# $TMPDIR/vgate-test-servers and are removed on exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
scenario=${1:-all}
[ $# -gt 0 ] && shift

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    dotnet build "$here/VGate.LoadHarness/VGate.LoadHarness.csproj" -c Release -nologo -v q >/dev/null
fi
harness="$repo/artifacts/bin/VGate.LoadHarness/release/VGate.LoadHarness.dll"
[ -f "$harness" ] || { echo "missing $harness (build bench/VGate.LoadHarness -c Release)" >&2; exit 1; }

mkdir -p "$here/results"
out="$here/results/e2e-$scenario-$(date -u +%Y-%m-%dT%H%M).txt"
{
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC') bench/e2e.sh $scenario $*; $(uname -sr); dotnet $(dotnet --version)"
    echo "# load before: $(uptime)"
    dotnet "$harness" gateway "$scenario" "$@"
} 2>&1 | tee "$out"
echo "(saved to ${out#"$repo"/})"
