#!/usr/bin/env bash
# Gateway → Kafka throughput and latency (issue 6): a throwaway mariadbd with ROWS rows of the 10-column table
# bench.t10 loaded after a recorded GTID position (10,000 rows per transaction), then VGate.LoadHarness kafka runs the
# VGate gRPC server and the Kafka sink (exactly-once on: transactions + checkpoints) against librdkafka's mock cluster
# in one process: it drains the rows, then measures commit latency under a paced live load of LIVE_RATE rows/s.
#
#   bench/kafka-sink.sh [ROWS] [LIVE_RATE]
#   WORKLOAD=mixed bench/kafka-sink.sh [ROW_CHANGES=100000] [LIVE_RATE]
#                                          the drains read the mixed workload instead (VGate.LoadHarness mixed-load:
#                                          every column type, multi-row events, 1–70 KB texts/blobs, JSON); the live
#                                          phase still inserts into t10
#   SCHEMAS=false bench/kafka-sink.sh …   records without the JSON converter's schema part (default: with schemas)
#   COMPRESSION=lz4 LINGER_MS=20 KAFKA=batch.size=4000000,batch.num.messages=20000 bench/kafka-sink.sh …
#                                          producer settings other than the sink's defaults (comma-separated key=value)
#   SKIP_BUILD=1 bench/kafka-sink.sh …      use the harness as last built
#   WARM_DRAINS=3 bench/kafka-sink.sh …     warm drains after the cold one (default 1): DRAIN, DRAIN_2, DRAIN_3…, each a
#                                          new connector over the same rows; the later ones have no JIT left in them
#   PERF=file.data bench/kafka-sink.sh …    record the harness with perf (perf map on, W^X off so JIT frames resolve): cut
#                                          to a drain with `perf report -i file.data --time <steady_window_mono_s>`;
#                                          PERF_ARGS="-F 999 -g" for call graphs (default -F 1999)
#   RETAIN_NATIVE_MEMORY_MB=0 bench/kafka-sink.sh …   glibc malloc defaults instead of the vgate-kafka process's
#                                          setting (the harness applies RetainNativeMemoryMb as the command does)
set -euo pipefail
WORKLOAD=${WORKLOAD:-narrow}
case "$WORKLOAD" in
    narrow) ROWS=${1:-300000} ;;
    mixed) ROWS=${1:-100000} ;;
    *) echo "WORKLOAD must be narrow or mixed, not '$WORKLOAD'" >&2; exit 2 ;;
esac
LIVE_RATE=${2:-2000}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=lib/throwaway-mariadb.sh
. "$here/lib/throwaway-mariadb.sh"

[ "${SKIP_BUILD:-0}" = 1 ] || dotnet build "$here/VGate.LoadHarness/VGate.LoadHarness.csproj" -c Release -nologo -v q >/dev/null
# HARNESS=/path/VGate.LoadHarness.dll: another build of the harness (A/B against a copy of an earlier build).
harness=${HARNESS:-"$repo/artifacts/bin/VGate.LoadHarness/release/VGate.LoadHarness.dll"}

# vgate and vgate-kafka run without dynamic PGO (TieredPGO false in their projects: no instrumented tier, less JIT
# work); the harness hosts both, so it runs the same way unless DOTNET_TieredPGO is set.
export DOTNET_TieredPGO=${DOTNET_TieredPGO:-0}

mdb_start
echo "mariadbd $MDB_VERSION on 127.0.0.1:$MDB_PORT ($MDB_ROOT)"
mdb_create_schema
start=$(mdb_sql 'SELECT @@gtid_binlog_pos')
uri="mysql://$MDB_USER:$MDB_PASSWORD@127.0.0.1:$MDB_PORT"
load_start=$(date +%s)
binlog_before=$(mdb_sql 'SHOW BINARY LOGS' | awk '{ s += $2 } END { print s }')
if [ "$WORKLOAD" = mixed ]; then
    # The mixed tables are created by mixed-load itself, after the start position: the drains stream that DDL too.
    dotnet "$harness" mixed-load "$uri" bench "$ROWS" >/dev/null
else
    mdb_load_multi "$ROWS" 10000
fi
binlog_after=$(mdb_sql 'SHOW BINARY LOGS' | awk '{ s += $2 } END { print s }')
echo "workload=$WORKLOAD loaded $ROWS rows after GTID $start in $(( $(date +%s) - load_start )) s, binlog_bytes=$((binlog_after - binlog_before)); load: $(uptime)"
if [ -n "${PERF:-}" ]; then
    DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record ${PERF_ARGS:--F 1999} -k CLOCK_MONOTONIC -o "$PERF" -- dotnet "$harness" kafka "$uri" bench "$start" "$LIVE_RATE"
else
    dotnet "$harness" kafka "$uri" bench "$start" "$LIVE_RATE"
fi
echo "load after: $(uptime)"
