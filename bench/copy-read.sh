#!/usr/bin/env bash
# Copy-phase throughput (issues 4 and 16): a throwaway mariadbd holding ROWS rows (default 1,000,000) in one table, then,
# RUNS times in turn, VGate.LoadHarness runs one shard's VStream copy phase over it (ShardStreamer in the harness's
# process: consistent snapshot, rows in primary-key order, ROW VEvents in packets, until COPY_COMPLETED) and, with
# `mixed`, the same copy through `vgate serve` to a gRPC client (vgate-gateway) and `mariadb-dump --quick` of the same
# table to /dev/null. Each run's wall time, CPU
# (user+sys) and peak RSS come from /usr/bin/time; then the medians and the dump/copy ratio.
#
#   bench/copy-read.sh [ROWS] [RUNS] [narrow|mixed]
#
# narrow (default): bench.t10, the 10-column table of the other benchmarks (~90 bytes a row).
# mixed: copybench.mixed, many column types (ints, unsigned, DECIMAL, DOUBLE, FLOAT, DATETIME(6), TIMESTAMP(3), DATE,
#        TIME, YEAR, ENUM, CHAR, utf8mb4 VARCHAR, a small TEXT and BLOB, JSON, some NULLs), ~450 bytes a row, generated
#        with INSERT … SELECT from the Sequence engine in 100,000-row statements.
# The copy reads with the binary protocol (prepared statements); COPY_TEXT=1 also runs it with the text protocol only.
# The copy runs with DOTNET_TieredPGO=0, as vgate's runtimeconfig has it (COPY_TIERED_PGO=1 for the runtime default).
# Output also goes to bench/results/copy-read-<kind>-<date>.txt.
set -euo pipefail
ROWS=${1:-1000000}
RUNS=${2:-3}
KIND=${3:-narrow}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=lib/throwaway-mariadb.sh
. "$here/lib/throwaway-mariadb.sh"
# A buffer pool that holds the 1M-row mixed table (~450 MB), so runs read memory, not disk, after the warm-up scan.
MDB_EXTRA_ARGS="--innodb-buffer-pool-size=${COPY_BUFFER_POOL:-1G} ${MDB_EXTRA_ARGS:-}"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    dotnet build "$here/VGate.LoadHarness/VGate.LoadHarness.csproj" -c Release -nologo -v q >/dev/null
fi
harness="$repo/artifacts/bin/VGate.LoadHarness/release/VGate.LoadHarness.dll"

load_mixed() {
    local count=$1 per_statement=100000 first=1
    mdb_sql "CREATE DATABASE copybench; CREATE TABLE copybench.mixed (
        id BIGINT NOT NULL PRIMARY KEY,
        small SMALLINT NOT NULL, medium MEDIUMINT NULL, count INT UNSIGNED NOT NULL, big BIGINT UNSIGNED NOT NULL,
        amount DECIMAL(18,4) NOT NULL, price DECIMAL(10,2) NULL, ratio DOUBLE NOT NULL, score FLOAT NOT NULL,
        created DATETIME(6) NOT NULL, changed TIMESTAMP(3) NULL, day DATE NOT NULL, during TIME(3) NOT NULL, yr YEAR NOT NULL,
        state ENUM('new','active','suspended','closed') NOT NULL, code CHAR(8) NOT NULL,
        name VARCHAR(64) NOT NULL, title VARCHAR(255) NULL, note TEXT NULL, payload BLOB NULL, doc JSON NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
    while [ "$first" -le "$count" ]; do
        local last=$((first + per_statement - 1))
        [ "$last" -gt "$count" ] && last=$count
        mdb_sql "INSERT INTO copybench.mixed SELECT seq, seq % 32000 - 16000, IF(seq % 10 = 0, NULL, seq % 8000000), seq * 7 % 4000000000,
            seq * 1000003, (seq % 10000000) / 10000 - 500, IF(seq % 7 = 0, NULL, (seq % 1000000) / 100), seq / 7, seq % 1000 / 8,
            TIMESTAMP('2026-11-25 09:00:00') + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND,
            IF(seq % 5 = 0, NULL, TIMESTAMP('2025-01-01') + INTERVAL seq * 3 SECOND + INTERVAL (seq % 1000) * 1000 MICROSECOND),
            DATE('2020-01-01') + INTERVAL (seq % 3650) DAY, SEC_TO_TIME(seq % 86400) + INTERVAL (seq % 1000) * 1000 MICROSECOND,
            1990 + seq % 100, 1 + seq % 4, CONCAT('C', LPAD(seq % 10000000, 7, '0')),
            CONCAT('Kundin Müller-', seq, ' Åsa'), IF(seq % 3 = 0, NULL, CONCAT('Grüße aus Zürich № ', seq, ' — ', REPEAT('ünïcödé ', 1 + seq % 8))),
            IF(seq % 4 = 0, NULL, CONCAT('note ', seq, ': ', REPEAT('lorem ipsum dolor sit amet ', 1 + seq % 5), '“quoted” \\\\ back\\'slash')),
            IF(seq % 6 = 0, NULL, CONCAT(UNHEX(SHA2(seq, 256)), UNHEX(MD5(seq)), CHAR(0, 10, 13, 39, 92))),
            IF(seq % 8 = 0, NULL, JSON_OBJECT('id', seq, 'tags', JSON_ARRAY('a', 'ß', seq % 10), 'price', (seq % 1000) / 4, 'ok', seq % 2 = 0))
            FROM (SELECT CAST(seq AS SIGNED) AS seq FROM seq_${first}_to_${last}) AS numbers" || return 1
        first=$((last + 1))
    done
}

mdb_start
echo "mariadbd $MDB_VERSION on 127.0.0.1:$MDB_PORT ($MDB_ROOT)"
load_start=$(date +%s)
if [ "$KIND" = mixed ]; then
    db=copybench; table=mixed
    load_mixed "$ROWS"
else
    db=bench; table=t10
    mdb_create_schema
    mdb_load_multi "$ROWS" 10000
fi
size=$(mdb_sql "SELECT ROUND(DATA_LENGTH / 1e6), ROUND(AVG_ROW_LENGTH) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$db' AND TABLE_NAME = '$table'")
echo "loaded $ROWS rows into $db.$table in $(( $(date +%s) - load_start )) s (InnoDB data MB, avg row bytes: $size); load: $(uptime)"
uri="mysql://$MDB_USER:$MDB_PASSWORD@127.0.0.1:$MDB_PORT"
# Warm-up (not measured): one full scan brings the table into the buffer pool, so the first run is not the only one
# that reads from disk.
mdb_sql "CHECKSUM TABLE $db.$table" >/dev/null

mkdir -p "$here/results"
out="$here/results/copy-read-$KIND-$(date -u +%Y-%m-%dT%H%M).txt"
# CPU seconds (user+sys) mariadbd has used so far, from /proc (USER_HZ 100).
server_cpu() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$MDB_PID/stat"; }
# measure LABEL COMMAND…: one line with wall, CPU and peak RSS from /usr/bin/time, mariadbd's CPU over the run, plus
# the command's own last line.
measure() {
    local label=$1; shift
    local timing; timing=$(mktemp)
    local said before after
    before=$(server_cpu)
    said=$(/usr/bin/time -f '%e %U %S %M' -o "$timing" "$@" | tail -1)
    after=$(server_cpu)
    read -r wall user sys rss_kb <"$timing"; rm -f "$timing"
    printf '%-12s wall_s=%s cpu_s=%.2f max_rss_mb=%.0f server_cpu_s=%.2f %s\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" \
        "$(echo "$rss_kb / 1024" | bc)" "$(echo "$after - $before" | bc)" "$said"
}
{
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC') bench/copy-read.sh $ROWS $RUNS $KIND; mariadbd $MDB_VERSION; $(nproc) CPUs; load: $(uptime)"
    for run in $(seq 1 "$RUNS"); do
        # The harness runs the copy with the runtime settings vgate ships (TieredPGO off, src/VGate.Cli/VGate.Cli.csproj).
        measure "vgate-copy" env DOTNET_TieredPGO="${COPY_TIERED_PGO:-0}" dotnet "$harness" copy "$uri" "$db"
        if [ "${COPY_TEXT:-0}" = 1 ]; then
            # The same copy with the text protocol only (COM_QUERY; the server formats every value): before/after of
            # the binary protocol in the same run.
            measure "vgate-copy-text" env DOTNET_TieredPGO="${COPY_TIERED_PGO:-0}" dotnet "$harness" copy "$uri" "$db" text
        fi
        if [ "$KIND" = mixed ]; then
            # Through `vgate serve`, a child process of the harness: the result line has its CPU and peak RSS and the
            # gRPC client's CPU apart; the cpu_s and max_rss_mb columns of /usr/bin/time cover both processes.
            measure "vgate-gateway" env DOTNET_TieredPGO="${COPY_TIERED_PGO:-0}" dotnet "$harness" copy-gateway "$uri" "$db"
        fi
        if [ "$KIND" = mixed ]; then
            measure "mariadb-dump" sh -c "mariadb-dump --no-defaults --socket='$MDB_ROOT/mysqld.sock' -uroot --quick --single-transaction $db $table >/dev/null; echo dumped"
        fi
    done
    echo "# load after: $(uptime)"
} 2>&1 | tee "$out"
awk '/^(vgate-copy|vgate-copy-text|vgate-gateway|mariadb-dump) /{split($2,w,"="); split($3,c,"="); split($4,r,"="); split($5,sc,"="); n[$1]++; W[$1,n[$1]]=w[2]; C[$1,n[$1]]=c[2]; R[$1,n[$1]]=r[2]; S[$1,n[$1]]=sc[2]}
     function med(a, k, m,   i, j, t, v) { for (i = 1; i <= m; i++) v[i] = a[k, i]; for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }; return v[int((m + 1) / 2)] }
     END { for (k in n) { mw[k] = med(W, k, n[k]); printf "median %-12s wall_s=%s cpu_s=%s max_rss_mb=%s server_cpu_s=%s (%d runs)\n", k, mw[k], med(C, k, n[k]), med(R, k, n[k]), med(S, k, n[k]), n[k] }
           if (("mariadb-dump" in n) && ("vgate-copy" in n)) printf "ratio mariadb-dump/vgate-copy wall=%.2f\n", mw["mariadb-dump"] / mw["vgate-copy"]
           if (("mariadb-dump" in n) && ("vgate-copy-text" in n)) printf "ratio mariadb-dump/vgate-copy-text wall=%.2f\n", mw["mariadb-dump"] / mw["vgate-copy-text"]
           if (("mariadb-dump" in n) && ("vgate-gateway" in n)) printf "ratio mariadb-dump/vgate-gateway wall=%.2f\n", mw["mariadb-dump"] / mw["vgate-gateway"] }' "$out" | tee -a "$out"
echo "(saved to ${out#"$repo"/})"
