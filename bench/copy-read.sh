#!/usr/bin/env bash
# Copy-phase throughput (issue 4): a throwaway mariadbd with the 10-column table bench.t10 holding ROWS rows
# (default 1,000,000), then VGate.LoadHarness runs one shard's VStream copy phase over it (consistent snapshot,
# rows in primary-key order, ROW VEvents in packets) until COPY_COMPLETED, RUNS times. Prints rows/s per run.
#
#   bench/copy-read.sh [ROWS] [RUNS]
set -euo pipefail
ROWS=${1:-1000000}
RUNS=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
# shellcheck source=lib/throwaway-mariadb.sh
. "$here/lib/throwaway-mariadb.sh"

dotnet build "$here/VGate.LoadHarness/VGate.LoadHarness.csproj" -c Release -nologo -v q >/dev/null
harness="$repo/artifacts/bin/VGate.LoadHarness/release/VGate.LoadHarness.dll"

mdb_start
echo "mariadbd $MDB_VERSION on 127.0.0.1:$MDB_PORT ($MDB_ROOT)"
mdb_create_schema
load_start=$(date +%s)
mdb_load_multi "$ROWS" 10000
echo "loaded $ROWS rows in $(( $(date +%s) - load_start )) s; load: $(uptime)"
uri="mysql://$MDB_USER:$MDB_PASSWORD@127.0.0.1:$MDB_PORT"
for run in $(seq 1 "$RUNS"); do
    echo "run $run: $(dotnet "$harness" copy "$uri" bench)"
done
echo "load after: $(uptime)"
