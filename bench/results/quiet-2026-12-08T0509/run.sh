#!/usr/bin/env bash
# The lead's quiet-machine measurements for issue 16 (session 11), in one sequence.
cd "$(dirname "$0")/../../.."   # the repository root
export SKIP_BUILD=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
out=/tmp/quiet2
log=$out/sequence-log.txt
step() { echo "=== $(date -u +%H:%M:%S) $* (load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a $log; }
step live-read mixed; bench/live-read.sh 200000 mixed 3 > $out/live-mixed.txt 2>&1
step e2e throughput narrow; bench/e2e.sh throughput 250000 5 > $out/tp-narrow.txt 2>&1
for i in 1 2 3 4 5; do step latency $i; bench/e2e.sh latency 5000 20 > $out/lat-$i.txt 2>&1; done
for i in 1 2 3 4 5; do step subscribers $i; bench/e2e.sh subscribers 1,100 1000 15 > $out/sub-$i.txt 2>&1; done
step e2e throughput mixed; bench/e2e.sh throughput 40000 6 --workload mixed > $out/tp-mixed.txt 2>&1
step kafka narrow; WARM_DRAINS=3 bench/kafka-sink.sh 300000 > $out/kafka-narrow.txt 2>&1
step kafka mixed; WARM_DRAINS=3 WORKLOAD=mixed bench/kafka-sink.sh 60000 > $out/kafka-mixed.txt 2>&1
step copy mixed; bench/copy-read.sh 1000000 3 mixed > $out/copy-mixed.txt 2>&1
step cold-start; bench/cold-start.sh 500000 3 jit r2r > $out/cold-start.txt 2>&1

step ab throughput gcConcurrent=1; VGATE_BENCH_SERVER_ENV="DOTNET_gcConcurrent=1" bench/e2e.sh throughput 250000 5 > $out/ab-tp-gc1.txt 2>&1
step ab latency gcConcurrent=1; VGATE_BENCH_SERVER_ENV="DOTNET_gcConcurrent=1" bench/e2e.sh latency 5000 20 > $out/ab-lat-gc1.txt 2>&1
step ab done
