#!/usr/bin/env bash
# VGate demo: installs MariaDB if needed, starts a throwaway local shard, writes a few transactions
# and shows them decoded from the binlog by `vgate binlog` (one JSON object per event).
# Everything lives under .vgate/demo in the repository and is removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

find_tool() {
  for candidate in "$(command -v "$1" 2>/dev/null || true)" "/usr/sbin/$1" "/usr/bin/$1"; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

if ! find_tool mariadbd >/dev/null; then
  log "Installing MariaDB (mariadb-server, mariadb-client) with apt"
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq mariadb-server mariadb-client >/dev/null
fi
mariadbd=$(find_tool mariadbd)
install_db=$(find_tool mariadb-install-db)
client=$(find_tool mariadb)

log "Building VGate"
dotnet build "$root/src/VGate.Cli/VGate.Cli.csproj" -c Release -v quiet -nologo >/dev/null
vgate="dotnet $root/artifacts/bin/VGate.Cli/release/vgate.dll"

demo="$root/.vgate/demo"
rm -rf "$demo"; mkdir -p "$demo"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo 33306)
user_args=()
if [ "$(id -u)" -eq 0 ]; then user_args=(--user=root); fi

cleanup() {
  if [ -f "$demo/mariadbd.pid" ]; then kill "$(cat "$demo/mariadbd.pid")" 2>/dev/null || true; fi
  sleep 1; rm -rf "$demo"
}
trap cleanup EXIT

log "Starting a MariaDB shard on 127.0.0.1:$port (data in .vgate/demo)"
"$install_db" --no-defaults --datadir="$demo/data" --auth-root-authentication-method=normal --skip-test-db "${user_args[@]}" >"$demo/install.log" 2>&1
"$mariadbd" --no-defaults --datadir="$demo/data" --port="$port" --bind-address=127.0.0.1 \
  --socket="$demo/mysqld.sock" --pid-file="$demo/mariadbd.pid" --log-bin="$demo/data/binlog" \
  --server-id=1 --gtid-domain-id=1 --binlog-format=ROW --binlog-row-image=FULL --binlog-row-metadata=FULL \
  --innodb-buffer-pool-size=32M --skip-name-resolve "${user_args[@]}" >"$demo/mariadbd.log" 2>&1 &
for _ in $(seq 1 120); do
  "$client" --no-defaults -S "$demo/mysqld.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.5
done

sql() { "$client" --no-defaults -S "$demo/mysqld.sock" -uroot -e "$1"; }
sql "CREATE USER 'vgate'@'%' IDENTIFIED BY 'demo-password';
     GRANT REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR, SELECT, RELOAD ON *.* TO 'vgate'@'%';
     CREATE DATABASE shop;
     CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(64), balance DECIMAL(10,2), joined DATETIME(3), tags SET('new','vip'));"
start=$(sql "SELECT @@gtid_binlog_pos" -N -B 2>/dev/null || true)
start=$("$client" --no-defaults -S "$demo/mysqld.sock" -uroot -N -B -e "SELECT @@gtid_binlog_pos")

log "Writing three transactions"
sql "INSERT INTO shop.customers VALUES (1, 'Ada', 10.50, '2026-11-25 10:00:00.123', 'new'), (2, 'Grace', 99.99, NOW(3), 'vip,new');
     UPDATE shop.customers SET balance = balance + 1, name = 'Ada L.' WHERE id = 1;
     DELETE FROM shop.customers WHERE id = 2;"

log "Reading the binlog from GTID $start with vgate binlog"
$vgate binlog --source "mysql://vgate:demo-password@127.0.0.1:$port" --from "$start" --until-idle 2
