#!/usr/bin/env bash
# Records the binlog the parse benchmarks read: a throwaway mariadbd (binlog ROW / FULL / FULL, CRC32), the 10-column
# table t10 (INT PK, BIGINT, VARCHAR(64), DECIMAL(12,2), DATETIME(6), DOUBLE, TINYINT, CHAR(8), DATE, INT UNSIGNED),
# ROWS rows inserted as one single-row INSERT statement each (ANNOTATE_ROWS + TABLE_MAP + one WRITE_ROWS event per
# row) in transactions of BATCH rows. The binlog is copied to bench/data/t10-single.binlog with a provenance note
# next to it; bench/data/ is git-ignored.
#
#   bench/record-binlog.sh [ROWS=100000] [BATCH=1000]
set -euo pipefail
ROWS=${1:-100000}
BATCH=${2:-1000}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/throwaway-mariadb.sh
. "$here/lib/throwaway-mariadb.sh"

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
