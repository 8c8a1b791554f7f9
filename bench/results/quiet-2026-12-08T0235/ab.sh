#!/usr/bin/env bash
cd "$(dirname "$0")/../../.."   # the repository root
export SKIP_BUILD=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
log=/tmp/quiet/log.txt
step() { echo "=== $(date -u +%H:%M:%S) $* (load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a $log; }
for i in 1 2; do
step ab default $i; bench/e2e.sh throughput 250000 4 > /tmp/quiet/ab-default-$i.txt 2>&1
step ab runtime-defaults $i; VGATE_BENCH_SERVER_ENV="DOTNET_gcConcurrent=1 DOTNET_TieredPGO=1 DOTNET_TC_QuickJitForLoops=1" bench/e2e.sh throughput 250000 4 > /tmp/quiet/ab-rtdef-$i.txt 2>&1
done
for i in 1 2; do
step ab latency gcConcurrent=1 $i; VGATE_BENCH_SERVER_ENV="DOTNET_gcConcurrent=1" bench/e2e.sh latency 5000 20 > /tmp/quiet/ab-lat-gc1-$i.txt 2>&1
done
step ab done
