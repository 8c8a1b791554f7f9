#!/usr/bin/env bash
# Records the binlog the parse benchmarks read: a throwaway mariadbd (binlog ROW / FULL / FULL, CRC32), the 10-column
# table t10 (INT PK, BIGINT, VARCHAR(64), DECIMAL(12,2), DATETIME(6), DOUBLE, TINYINT, CHAR(8), DATE, INT UNSIGNED),
# ROWS rows inserted as one single-row INSERT statement each (ANNOTATE_ROWS + TABLE_MAP + one WRITE_ROWS event per
# row) in transactions of BATCH rows. The binlog is copied to bench/data/t10-single.binlog with a provenance note
# next to it; bench/data/ is git-ignored.
#
#   bench/record-binlog.sh [ROWS=100000] [BATCH=1000]
#
# `bench/record-binlog.sh mixed [ROW_CHANGES=200000] [SEED]` records the mixed workload instead (VGate.LoadHarness
# mixed-load: the differential test's tables with every column type, multi-row INSERT/UPDATE/DELETE, 1–70 KB texts and
# blobs, JSON, utf8mb4) into bench/data/mixed.binlog (about 2 KB per row change).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=lib/throwaway-mariadb.sh
. "$here/lib/throwaway-mariadb.sh"

if [ "${1:-}" = mixed ]; then
    CHANGES=${2:-200000}
    SEED=${3:-20261208}
    if [ "${SKIP_BUILD:-0}" != 1 ]; then
        dotnet build "$here/VGate.LoadHarness/VGate.LoadHarness.csproj" -c Release -nologo -v q >/dev/null
    fi
    mdb_start
    echo "mariadbd $MDB_VERSION on 127.0.0.1:$MDB_PORT in $MDB_ROOT"
    dotnet "$repo/artifacts/bin/VGate.LoadHarness/release/VGate.LoadHarness.dll" mixed-load \
        "mysql://$MDB_USER:$MDB_PASSWORD@127.0.0.1:$MDB_PORT" bench "$CHANGES" "$SEED"
    mdb_sql "FLUSH BINARY LOGS"
    [ "$(mdb_sql "SHOW BINARY LOGS" | wc -l)" = 2 ] || { echo "the workload did not fit one binlog file (max 1 GB)" >&2; exit 1; }
    mkdir -p "$here/data"
    cp "$MDB_ROOT/binlog.000001" "$here/data/mixed.binlog"
    cat >"$here/data/mixed.binlog.txt" <<INFO
Recorded by bench/record-binlog.sh mixed $CHANGES $SEED on $(date -u +%Y-%m-%dT%H:%M:%SZ)
Server: $MDB_VERSION (binlog_format=ROW, binlog_row_image=FULL, binlog_row_metadata=FULL, binlog_checksum=CRC32,
        binlog_annotate_row_events=ON (default))
Workload: about $CHANGES row changes of the mixed workload (seed $SEED) in database bench
Size: $(stat -c %s "$here/data/mixed.binlog") bytes
INFO
    cat "$here/data/mixed.binlog.txt"
    exit 0
fi

ROWS=${1:-100000}
BATCH=${2:-1000}
mdb_start
echo "mariadbd $MDB_VERSION on 127.0.0.1:$MDB_PORT in $MDB_ROOT"
mdb_create_schema
start=$(date +%s.%N)
mdb_sql "CALL load_single(1, $ROWS, $BATCH)"
echo "inserted $ROWS rows in $(echo "$(date +%s.%N) - $start" | bc) s"
# Rotate so the recorded file is closed cleanly (its FORMAT_DESCRIPTION no longer says "in use").
mdb_sql "FLUSH BINARY LOGS"
mkdir -p "$here/data"
cp "$MDB_ROOT/binlog.000001" "$here/data/t10-single.binlog"
cat >"$here/data/t10-single.binlog.txt" <<INFO
Recorded by bench/record-binlog.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ)
Server: $MDB_VERSION (binlog_format=ROW, binlog_row_image=FULL, binlog_row_metadata=FULL, binlog_checksum=CRC32,
        binlog_annotate_row_events=ON (default))
Rows: $ROWS single-row INSERT statements into bench.t10, committed every $BATCH rows
Size: $(stat -c %s "$here/data/t10-single.binlog") bytes
INFO
cat "$here/data/t10-single.binlog.txt"
