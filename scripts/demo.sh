#!/usr/bin/env bash
# VGate demo: installs MariaDB if needed, starts two throwaway local MariaDB shards (-80 and 80-) of keyspace
# "commerce", starts the gateway (`vgate serve`) and shows the merged VStream with `vgate stream`:
#   1. a copy of both shards' rows, then
#   2. after more writes on both shards, a resumed stream that carries exactly the new transactions, then
#   3. live, when run on a terminal (or for VGATE_DEMO_SECONDS seconds): a small workload on both shards and the merged
#      stream as it happens (transactions per second per shard, the current VGTID, a sample event), until Ctrl-C.
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
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
user_args=()
if [ "$(id -u)" -eq 0 ]; then user_args=(--user=root); fi
pids=()

cleanup() {
  # The gateway is our child; the shards were started in command substitutions, so they are found by pid file.
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pidfile in "$demo"/*/mariadbd.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  for _ in $(seq 1 40); do pgrep -f -- "--datadir=$demo/" >/dev/null || break; sleep 0.25; done
  rm -rf "$demo"
}
trap cleanup EXIT

# start_shard NAME DOMAIN: a MariaDB with row-based binlogs and full metadata, user vgate / demo-password.
start_shard() {
  local name=$1 domain=$2 dir="$demo/$1" port
  port=$(free_port)
  mkdir -p "$dir" "$dir/tmp"
  "$install_db" --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal --skip-test-db "${user_args[@]}" >"$dir/install.log" 2>&1
  "$mariadbd" --no-defaults --datadir="$dir/data" --port="$port" --bind-address=127.0.0.1 \
    --socket="$dir/mysqld.sock" --tmpdir="$dir/tmp" --pid-file="$dir/mariadbd.pid" --log-bin="$dir/data/binlog" --server-id="$domain" --gtid-domain-id="$domain" \
    --binlog-format=ROW --binlog-row-image=FULL --binlog-row-metadata=FULL \
    --innodb-buffer-pool-size=32M --skip-name-resolve "${user_args[@]}" >"$dir/mariadbd.log" 2>&1 &
  for _ in $(seq 1 120); do
    "$client" --no-defaults -S "$dir/mysqld.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
  "$client" --no-defaults -S "$dir/mysqld.sock" -uroot -e "
    CREATE USER 'vgate'@'%' IDENTIFIED BY 'demo-password';
    GRANT REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR, SELECT, RELOAD ON *.* TO 'vgate'@'%';
    CREATE DATABASE commerce;
    CREATE TABLE commerce.customers (id INT PRIMARY KEY, name VARCHAR(64), balance DECIMAL(10,2), joined DATETIME(3));"
  echo "$port"
}
sql() { "$client" --no-defaults -S "$demo/$1/mysqld.sock" -uroot -e "$2"; }

log "Starting two MariaDB shards of keyspace commerce (-80 and 80-)"
port_a=$(start_shard a 1)
port_b=$(start_shard b 2)
sql a "INSERT INTO commerce.customers VALUES (1, 'Ada', 10.50, '2026-11-25 10:00:00.123'), (2, 'Grace', 99.99, NOW(3));"
sql b "INSERT INTO commerce.customers VALUES (3, 'Edsger', 5.00, NOW(3));"

gateway_port=$(free_port)
log "Starting the gateway on 127.0.0.1:$gateway_port"
$vgate serve --listen "127.0.0.1:$gateway_port" \
  --shard "commerce/-80=mysql://vgate:demo-password@127.0.0.1:$port_a" \
  --shard "commerce/80-=mysql://vgate:demo-password@127.0.0.1:$port_b" >"$demo/gateway.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  (exec 3<>"/dev/tcp/127.0.0.1/$gateway_port") 2>/dev/null && break
  sleep 0.5
done

log "vgate stream --from copy: both shards copied (ROW events), then COPY_COMPLETED; position saved to vgtid.json"
$vgate stream --gateway "127.0.0.1:$gateway_port" --keyspace commerce --from copy \
  --resume-file "$demo/vgtid.json" --until-idle 3

log "Writing on both shards while no client is connected"
sql a "UPDATE commerce.customers SET balance = balance + 1, name = 'Ada L.' WHERE id = 1;"
sql b "INSERT INTO commerce.customers VALUES (4, 'Barbara', 42.00, NOW(3)); DELETE FROM commerce.customers WHERE id = 3;"

log "Resuming from vgtid.json: exactly the three new transactions, each BEGIN … VGTID, COMMIT with the full VGTID"
cat "$demo/vgtid.json"; echo
$vgate stream --gateway "127.0.0.1:$gateway_port" --keyspace commerce --resume-file "$demo/vgtid.json" --until-idle 3

# 3. Live. On a terminal it runs until Ctrl-C; elsewhere (CI, a pipe) only when VGATE_DEMO_SECONDS asks for it.
live_seconds="${VGATE_DEMO_SECONDS:-}"
if [ -z "$live_seconds" ] && [ -t 0 ] && [ -t 1 ]; then live_seconds=0; fi
[ -n "$live_seconds" ] || exit 0

workload() {
  local id=100
  while true; do
    id=$((id + 1))
    # The demo writes to each shard directly (no routing by key); each statement is one transaction.
    sql a "INSERT INTO commerce.customers VALUES ($id, 'live-$id', $((id % 50)).25, NOW(3));" 2>/dev/null || return 0
    sql b "INSERT INTO commerce.customers VALUES ($((id + 100000)), 'live-$id', 1.00, NOW(3)); UPDATE commerce.customers SET balance = balance + 1 WHERE id = 4;" 2>/dev/null || return 0
    sleep 0.1
  done
}

# Reads the stream's JSON lines; once a second prints transactions/s per shard, the current VGTID and the last ROW event.
summarize() {
  local line shard out last=$SECONDS vgtid="" row=""
  declare -A commits=()
  while IFS= read -r line; do
    case "$line" in
      *'"type": "COMMIT"'*) shard=${line#*\"shard\": \"}; shard=${shard%%\"*}; commits[$shard]=$(( ${commits[$shard]:-0} + 1 )) ;;
      *'"type": "VGTID"'*) vgtid=${line#*\"shardGtids\": }; vgtid=${vgtid% \}, \"keyspace\"*} ;;
      *'"type": "ROW"'* | *'"type":"ROW"'*) row=$line ;;
    esac
    if (( SECONDS > last )); then
      out=""
      for shard in "${!commits[@]}"; do out+="  $shard: $(( commits[$shard] / (SECONDS - last) )) tx/s"; done
      printf '\n%s\n  VGTID %s\n  sample %.240s\n' "$out" "$vgtid" "$row"
      commits=()
      last=$SECONDS
    fi
  done
}

log "Live: a workload on both shards and the merged stream from vgtid.json (Ctrl-C ends, then everything is removed)"
workload &
pids+=($!)
if [ "$live_seconds" -gt 0 ]; then
  timeout "$live_seconds" $vgate stream --gateway "127.0.0.1:$gateway_port" --keyspace commerce --resume-file "$demo/vgtid.json" --format decoded | summarize || true
else
  $vgate stream --gateway "127.0.0.1:$gateway_port" --keyspace commerce --resume-file "$demo/vgtid.json" --format decoded | summarize || true
fi
