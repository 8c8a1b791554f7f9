#!/usr/bin/env bash
# Bounded memory with one huge transaction (issue 13 §4): a throwaway mariadbd, one INSERT … SELECT transaction of about
# MB megabytes (rows of ~1 KB), then `vgate serve` and the `vgate-kafka` sink as two separate processes (exactly-once on:
# Kafka transactions + checkpoints) against a librdkafka mock cluster in a third process. The sink starts before the
# transaction and runs until its checkpoint is past it. Prints the time and the peak RSS (VmHWM) of each process.
#
#   bench/large-transaction.sh [MB]          default 200; 2000 for the 2 GB target (needs ~8 GB free disk)
#   SCHEMAS=false bench/large-transaction.sh …   records without the JSON converter's schema part
#   SINK_ARGS="--retain-native-memory-mb 0" bench/large-transaction.sh …   extra vgate-kafka options
#   SKIP_BUILD=1 bench/large-transaction.sh …   use the Release builds already in artifacts/
#   RSS_TRACE=file.csv bench/large-transaction.sh …   also write seconds,gateway_rss_mb,sink_rss_mb every 0.5 s
#   SINK_LOG=file bench/large-transaction.sh …   keep the sink's log (with --status-interval 1: memory every second)
set -euo pipefail
MB=${1:-200}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=lib/throwaway-mariadb.sh
. "$here/lib/throwaway-mariadb.sh"

if [ -z "${SKIP_BUILD:-}" ]; then
    for project in src/VGate.Cli connectors/VGate.Kafka.Cli bench/VGate.LoadHarness; do
        dotnet build "$repo/$project" -c Release -nologo -v q >/dev/null
    done
fi
vgate="$repo/artifacts/bin/VGate.Cli/release/vgate.dll"
sink="$repo/artifacts/bin/VGate.Kafka.Cli/release/vgate-kafka.dll"
harness="$repo/artifacts/bin/VGate.LoadHarness/release/VGate.LoadHarness.dll"

# A transaction this large needs room in the binlog cache (spilled to tmpdir) and in InnoDB's redo log.
MDB_EXTRA_ARGS="--max-binlog-cache-size=16G --binlog-cache-size=1M --innodb-log-file-size=1G --innodb-buffer-pool-size=512M"
mdb_start
echo "mariadbd $MDB_VERSION on 127.0.0.1:$MDB_PORT ($MDB_ROOT); machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GB"
mdb_sql "CREATE TABLE big (id INT NOT NULL PRIMARY KEY, v VARCHAR(1000) NOT NULL)"
start=$(mdb_sql 'SELECT @@gtid_binlog_pos')
rows=$(( MB * 1000000 / 1030 ))
load_start=$(date +%s.%N)
mdb_sql "INSERT INTO big SELECT seq, REPEAT(CHAR(97 + seq % 26), 1000) FROM seq_1_to_$rows"
end=$(mdb_sql 'SELECT @@gtid_binlog_pos')
binlog_bytes=$(mdb_sql 'SHOW BINARY LOGS' | awk '{s += $2} END {print s}')
printf 'one transaction of %d rows (binlog %.0f MB) written in %.1f s; GTID %s -> %s\n' \
    "$rows" "$(echo "$binlog_bytes / 1000000" | bc -l)" "$(echo "$(date +%s.%N) - $load_start" | bc -l)" "$start" "$end"

run="$MDB_ROOT/run"
mkdir -p "$run"
cleanup() {
    set +e
    [ -n "${sink_pid:-}" ] && kill "$sink_pid" 2>/dev/null && wait "$sink_pid" 2>/dev/null
    [ -n "${gateway_pid:-}" ] && kill "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null
    exec 3>&- 2>/dev/null
    [ -n "${mock_pid:-}" ] && wait "$mock_pid" 2>/dev/null
    mdb_stop
}
trap cleanup EXIT

port=$(mdb_free_port)
dotnet "$vgate" serve --listen "127.0.0.1:$port" --shard "bench/0=mysql://$MDB_USER:$MDB_PASSWORD@127.0.0.1:$MDB_PORT" >"$run/gateway.log" 2>&1 &
gateway_pid=$!
mkfifo "$run/mock.in"
dotnet "$harness" mock-kafka bench-offsets <"$run/mock.in" >"$run/mock.out" 2>&1 &
mock_pid=$!
exec 3>"$run/mock.in"
for _ in $(seq 1 300); do grep -q '^BOOTSTRAP ' "$run/mock.out" && break; sleep 0.1; done
bootstrap=$(awk '/^BOOTSTRAP /{print $2}' "$run/mock.out")
for _ in $(seq 1 300); do (exec 9<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

sink_start=$(date +%s.%N)
dotnet "$sink" --gateway "127.0.0.1:$port" --keyspace bench \
    --from "[{\"keyspace\":\"bench\",\"shard\":\"0\",\"gtid\":\"MariaDB/$start\"}]" \
    --bootstrap-servers "$bootstrap" --topic-prefix bench --offsets-topic bench-offsets --status-interval 1 \
    --schemas "${SCHEMAS:-true}" --kafka transaction.timeout.ms=900000 ${SINK_ARGS:-} >"$run/sink.log" 2>&1 &
sink_pid=$!
rss() { awk '/VmRSS/{printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null; }
[ -n "${RSS_TRACE:-}" ] && echo "seconds,gateway_rss_mb,sink_rss_mb" >"$RSS_TRACE"
until grep -q "MariaDB/$end" "$run/sink.log"; do
    [ -n "${RSS_TRACE:-}" ] && printf '%.1f,%s,%s\n' "$(echo "$(date +%s.%N) - $sink_start" | bc -l)" \
        "$(rss "$gateway_pid")" "$(rss "$sink_pid")" >>"$RSS_TRACE"
    kill -0 "$sink_pid" 2>/dev/null || { echo "the sink exited:" >&2; tail -20 "$run/sink.log" >&2; exit 1; }
    kill -0 "$gateway_pid" 2>/dev/null || { echo "the gateway exited:" >&2; tail -20 "$run/gateway.log" >&2; exit 1; }
    sleep 0.5
done
seconds=$(echo "$(date +%s.%N) - $sink_start" | bc -l)

hwm() { awk '/VmHWM/{printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
records=$(grep -o '[0-9]* records' "$run/sink.log" | tail -1)
printf 'RESULT mb=%d rows=%d seconds=%.1f gateway_peak_rss_mb=%s sink_peak_rss_mb=%s mock_kafka_peak_rss_mb=%s (%s)\n' \
    "$MB" "$rows" "$seconds" "$(hwm "$gateway_pid")" "$(hwm "$sink_pid")" "$(hwm "$mock_pid")" "$records"
grep -i 'spill\|Progress\|checkpoint' "$run/sink.log" | tail -3
[ -n "${SINK_LOG:-}" ] && cp "$run/sink.log" "$SINK_LOG"
