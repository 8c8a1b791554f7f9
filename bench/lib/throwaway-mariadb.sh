# Sourced by bench/record-binlog.sh and bench/live-read.sh: a throwaway mariadbd on 127.0.0.1.
#
#   mdb_start          creates $MDB_ROOT (a temp dir), initialises a datadir, starts mariadbd on a free port with
#                      binlog ROW / FULL image / FULL metadata, CRC32 checksums, and a user bench/bench for TCP.
#   mdb_sql "SQL"      runs SQL as root over the Unix socket (database `bench`).
#   mdb_stop           shuts the server down and removes $MDB_ROOT. Installed as an EXIT trap by mdb_start.
#
# Extra server options can be passed in MDB_EXTRA_ARGS (e.g. --binlog-row-event-max-size=…).

MDB_USER=bench
MDB_PASSWORD=bench
MDB_HOST=127.0.0.1

mdb_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

mdb_sql() {
    mariadb --no-defaults --socket="$MDB_ROOT/mysqld.sock" -uroot --batch --skip-column-names bench -e "$1"
}

mdb_start() {
    MDB_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/vgate-bench-XXXXXX")
    trap mdb_stop EXIT
    trap 'exit 130' INT TERM
    local user_arg=()
    [ "$(id -u)" = 0 ] && user_arg=(--user=root)
    mariadb-install-db --no-defaults --auth-root-authentication-method=socket --datadir="$MDB_ROOT/data" \
        --skip-test-db --skip-name-resolve "${user_arg[@]}" >"$MDB_ROOT/install.log" 2>&1 \
        || { cat "$MDB_ROOT/install.log" >&2; return 1; }
    mkdir -p "$MDB_ROOT/tmp"
    MDB_PORT=$(mdb_free_port)
    # shellcheck disable=SC2086
    mariadbd --no-defaults --datadir="$MDB_ROOT/data" --port="$MDB_PORT" --bind-address=127.0.0.1 \
        --socket="$MDB_ROOT/mysqld.sock" --tmpdir="$MDB_ROOT/tmp" --pid-file="$MDB_ROOT/mariadbd.pid" --server-id=1 \
        --log-bin="$MDB_ROOT/binlog" --binlog-format=ROW --binlog-row-image=FULL --binlog-row-metadata=FULL \
        --binlog-checksum=CRC32 --max-binlog-size=1G --sync-binlog=0 --innodb-flush-log-at-trx-commit=0 \
        --innodb-buffer-pool-size=256M --skip-name-resolve --skip-log-error "${user_arg[@]}" ${MDB_EXTRA_ARGS:-} \
        >"$MDB_ROOT/mariadbd.log" 2>&1 &
    MDB_PID=$!
    for _ in $(seq 1 300); do
        if mariadb --no-defaults --socket="$MDB_ROOT/mysqld.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; then
            break
        fi
        kill -0 "$MDB_PID" 2>/dev/null || { echo "mariadbd exited:" >&2; tail -20 "$MDB_ROOT/mariadbd.log" >&2; return 1; }
        sleep 0.1
    done
    mariadb --no-defaults --socket="$MDB_ROOT/mysqld.sock" -uroot -e "
        SET sql_log_bin = 0;
        CREATE USER '$MDB_USER'@'127.0.0.1' IDENTIFIED BY '$MDB_PASSWORD';
        GRANT ALL ON *.* TO '$MDB_USER'@'127.0.0.1';
        CREATE DATABASE bench;" || return 1
    MDB_VERSION=$(mdb_sql 'SELECT VERSION()')
}

mdb_stop() {
    # Runs as the EXIT trap of scripts under `set -e`: nothing here may abort the cleanup.
    set +e
    if [ -n "${MDB_PID:-}" ] && kill -0 "$MDB_PID" 2>/dev/null; then
        kill "$MDB_PID" 2>/dev/null
        for _ in $(seq 1 300); do kill -0 "$MDB_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$MDB_PID" 2>/dev/null
    fi
    MDB_PID=
    [ -n "${MDB_ROOT:-}" ] && rm -rf "$MDB_ROOT"
    MDB_ROOT=
}

# The 10-column table of the benchmarks and a procedure that inserts rows [first, first+count) as one INSERT
# statement per row (so one TABLE_MAP + one single-row WRITE_ROWS event per row), committing every `batch` rows.
mdb_create_schema() {
    mdb_sql "
CREATE TABLE t10 (
    id INT NOT NULL PRIMARY KEY,
    big BIGINT NOT NULL,
    name VARCHAR(64) NOT NULL,
    amount DECIMAL(12,2) NOT NULL,
    created DATETIME(6) NOT NULL,
    ratio DOUBLE NOT NULL,
    flag TINYINT NOT NULL,
    code CHAR(8) NOT NULL,
    day DATE NOT NULL,
    counter INT UNSIGNED NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
    mariadb --no-defaults --socket="$MDB_ROOT/mysqld.sock" -uroot --delimiter='$$' bench < "$(dirname "${BASH_SOURCE[0]}")/load-single.sql"
}

# Same rows, but as multi-row INSERT … SELECT statements of `per_statement` rows from the Sequence engine: the server
# packs the rows of one statement into WRITE_ROWS events of up to binlog_row_event_max_size bytes.
mdb_load_multi() {
    local count=$1 per_statement=$2 first=1
    while [ "$first" -le "$count" ]; do
        local last=$((first + per_statement - 1))
        [ "$last" -gt "$count" ] && last=$count
        mdb_sql "INSERT INTO t10 SELECT seq, seq * 1000003, CONCAT('customer-name-', seq), (seq % 100000) / 100 + 0.25,
            TIMESTAMP('2026-11-25 09:00:00') + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND,
            seq / 7, seq % 128, CONCAT('C', LPAD(seq % 10000000, 7, '0')), DATE('2026-01-01') + INTERVAL (seq % 3650) DAY, seq * 3
            FROM seq_${first}_to_${last}" || return 1
        first=$((last + 1))
    done
}
