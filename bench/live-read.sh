#!/usr/bin/env bash
# End-to-end live read (target 2): VGate's BinlogClient vs mariadb-binlog over TCP from a local throwaway mariadbd.
#
#   bench/live-read.sh [ROWS=1000000] [MODE=single|multi|mixed] [RUNS=3]
#
# MODE=single: ROWS single-row INSERT statements (ANNOTATE_ROWS + TABLE_MAP + one 1-row WRITE_ROWS event per row),
#              committed every 1000 rows. This is the OLTP shape and the one the target is stated for.
# MODE=multi:  INSERT … SELECT from the Sequence engine, 10,000 rows per statement; the server packs them into
#              WRITE_ROWS events of up to binlog_row_event_max_size (ROW_EVENT_MAX, default 8192 bytes: ~100 rows).
# MODE=mixed:  about ROWS row changes of the mixed workload (VGate.LoadHarness mixed-load: every column type, multi-row
#              INSERT/UPDATE/DELETE, 1–70 KB texts and blobs, JSON, utf8mb4; about 2 KB of binlog per row change).
#
# Each run reads the whole binlog once with each reader, in turn (same binlog, same server, same run):
#   vgate-walk   bench/VGate.LoadHarness: BinlogClient (StopAtEnd) from binlog.000001:4, walks every row's cells
#   vgate-text   the same, also rendering every cell to text with ColumnValueDecoder.WriteText
#   vgate-binlog `vgate binlog --from binlog.000001:4 --stop-at-end > /dev/null` (the CLI: every event as a JSON line)
#   mdb-binlog-raw mariadb-binlog --read-from-remote-server … binlog.000001 --to-last-log --raw into a temp dir (transport)
#   mdb-binlog   the same without --raw > /dev/null (default output: row events as base64 BINLOG statements)
#   mdb-binlog-v   the same with -v --base64-output=DECODE-ROWS (decodes every row as text)
#   mdb-binlog-vv  the same with -vv (also prints each column's type)
# and prints wall time (process start to exit, from /usr/bin/time), rows/s, row events/s, MB/s, max RSS and CPU time.
# Everything talks to 127.0.0.1; the server and its temp dir are removed on exit.
set -euo pipefail
ROWS=${1:-1000000}
MODE=${2:-single}
RUNS=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=lib/throwaway-mariadb.sh
. "$here/lib/throwaway-mariadb.sh"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    dotnet build "$here/VGate.LoadHarness/VGate.LoadHarness.csproj" -c Release -nologo -v q >/dev/null
fi
harness="$repo/artifacts/bin/VGate.LoadHarness/release/VGate.LoadHarness.dll"
[ -f "$harness" ] || { echo "missing $harness (build bench/VGate.LoadHarness -c Release)" >&2; exit 1; }
vgate="$(dirname "$harness")/vgate.dll"

MDB_EXTRA_ARGS="--binlog-row-event-max-size=${ROW_EVENT_MAX:-8192}"
mdb_start
echo "mariadbd $MDB_VERSION on 127.0.0.1:$MDB_PORT ($MDB_ROOT)"
mdb_create_schema
load_start=$(date +%s.%N)
case $MODE in
    single) mdb_sql "CALL load_single(1, $ROWS, 1000)" ;;
    multi) mdb_load_multi "$ROWS" 10000 ;;
    mixed) dotnet "$harness" mixed-load "mysql://$MDB_USER:$MDB_PASSWORD@127.0.0.1:$MDB_PORT" bench "$ROWS" ;;
    *) echo "MODE must be single, multi or mixed" >&2; exit 2 ;;
esac
echo "loaded $ROWS rows ($MODE) in $(printf '%.1f' "$(echo "$(date +%s.%N) - $load_start" | bc)") s"
binlog_bytes=$(mdb_sql "SHOW BINARY LOGS" | awk '{ s += $2 } END { print s }')
first_binlog=$(mdb_sql "SHOW BINARY LOGS" | awk 'NR == 1 { print $1 }')
echo "binlog: $(mdb_sql "SHOW BINARY LOGS" | wc -l) file(s), $binlog_bytes bytes, first $first_binlog"

uri="mysql://$MDB_USER:$MDB_PASSWORD@127.0.0.1:$MDB_PORT"
mdb_args=(--no-defaults --read-from-remote-server --host=127.0.0.1 --port="$MDB_PORT" --user="$MDB_USER"
    --password="$MDB_PASSWORD" "$first_binlog" --to-last-log)
results="$MDB_ROOT/results.txt"
: >"$results"

# run NAME CMD…: runs CMD under /usr/bin/time, appends "NAME wall maxrss_kb cpu_s harness-line" to $results.
run() {
    local name=$1; shift
    local out="$MDB_ROOT/out.txt" timing="$MDB_ROOT/time.txt"
    /usr/bin/time -f '%e %M %U %S' -o "$timing" "$@" >"$out" 2>"$MDB_ROOT/err.txt" \
        || { echo "$name failed:" >&2; tail -5 "$MDB_ROOT/err.txt" >&2; exit 1; }
    read -r wall rss user sys <"$timing"
    echo "$name $wall $rss $(echo "$user + $sys" | bc) $(grep '^RESULT' "$out" 2>/dev/null || true)" >>"$results"
}

echo "load before: $(uptime)"
for i in $(seq 1 "$RUNS"); do
    run vgate-walk dotnet "$harness" "$uri" "$first_binlog"
    run vgate-text dotnet "$harness" "$uri" "$first_binlog" --text
    run vgate-binlog sh -c 'exec dotnet "$0" binlog --source "$1" --from "$2:4" --stop-at-end --skip-checks >/dev/null' \
        "$vgate" "$uri" "$first_binlog"
    run mdb-binlog-raw sh -c 'rm -rf "$0" && mkdir "$0" && exec mariadb-binlog "$@" --raw --result-file="$0/"' "$MDB_ROOT/raw" "${mdb_args[@]}"
    run mdb-binlog sh -c 'exec mariadb-binlog "$@" >/dev/null' _ "${mdb_args[@]}"
    run mdb-binlog-v sh -c 'exec mariadb-binlog "$@" -v --base64-output=DECODE-ROWS >/dev/null' _ "${mdb_args[@]}"
    run mdb-binlog-vv sh -c 'exec mariadb-binlog "$@" -vv --base64-output=DECODE-ROWS >/dev/null' _ "${mdb_args[@]}"
done
echo "load after:  $(uptime)"

# Counts come from the VGate harness (same binlog for every reader).
line=$(grep '^vgate-walk' "$results" | head -1)
get() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
events=$(get events); row_events=$(get row_events); rows=$(get rows)
echo
echo "$MODE: $rows rows in $row_events row events ($(echo "scale=1; $rows / $row_events" | bc) rows/event), $events events, $binlog_bytes binlog bytes"
printf '%-14s %4s %8s %12s %12s %12s %8s %9s %8s %s\n' reader run wall_s rows/s row_ev/s events/s MB/s maxRSS_MB cpu_s "in-process (connect→end) s"
declare -A seen
while read -r name wall rss cpu rest; do
    seen[$name]=$(( ${seen[$name]:-0} + 1 ))
    inproc=$(echo "$rest" | tr ' ' '\n' | sed -n 's/^seconds=//p')
    printf '%-14s %4s %8.2f %12.0f %12.0f %12.0f %8.1f %9.1f %8.2f %s\n' "$name" "${seen[$name]}" "$wall" \
        "$(echo "$rows / $wall" | bc -l)" "$(echo "$row_events / $wall" | bc -l)" "$(echo "$events / $wall" | bc -l)" \
        "$(echo "$binlog_bytes / 1000000 / $wall" | bc -l)" "$(echo "$rss / 1000" | bc -l)" "$cpu" "${inproc:--}"
done <"$results"
echo
echo "median wall time per reader, and mariadb-binlog / VGate ratio (higher = VGate faster):"
median() { grep "^$1 " "$results" | awk '{ print $2 }' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for name in vgate-walk vgate-text vgate-binlog mdb-binlog-raw mdb-binlog mdb-binlog-v mdb-binlog-vv; do printf '  %-14s %8.2f s\n' "$name" "$(median $name)"; done
for v in vgate-walk vgate-text vgate-binlog; do
    for m in mdb-binlog-raw mdb-binlog mdb-binlog-v mdb-binlog-vv; do
        printf '  %-14s vs %-14s %5.2fx\n' "$v" "$m" "$(echo "$(median $m) / $(median $v)" | bc -l)"
    done
done
echo
echo "VGate harness lines:"
grep '^vgate' "$results" | cut -d' ' -f1,5-
