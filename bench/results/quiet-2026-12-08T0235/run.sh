#!/usr/bin/env bash
# The lead's quiet-machine measurements for issue 16, in one sequence.
cd "$(dirname "$0")/../../.."   # the repository root
export SKIP_BUILD=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
log=/tmp/quiet/log.txt
step() { echo "=== $(date -u +%H:%M:%S) $* (load: $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a $log; }
step live-read mixed; bench/live-read.sh 200000 mixed 3 > /tmp/quiet/live-mixed.txt 2>&1
step live-read single; bench/live-read.sh 500000 single 3 > /tmp/quiet/live-single.txt 2>&1
step quick; dotnet run -c Release --no-build --project bench/VGate.Benchmarks -- quick 3 > /tmp/quiet/quick.txt 2>&1
step e2e throughput narrow; bench/e2e.sh throughput 250000 5 > /tmp/quiet/tp-narrow.txt 2>&1
step e2e throughput mixed; bench/e2e.sh throughput 40000 6 --workload mixed > /tmp/quiet/tp-mixed.txt 2>&1
for i in 1 2 3 4 5; do step latency $i; bench/e2e.sh latency 5000 20 > /tmp/quiet/lat-$i.txt 2>&1; done
for i in 1 2 3 4 5; do step subscribers $i; bench/e2e.sh subscribers 1,100 1000 15 > /tmp/quiet/sub-$i.txt 2>&1; done
step kafka narrow; bench/kafka-sink.sh 300000 > /tmp/quiet/kafka-narrow.txt 2>&1
step kafka mixed; WORKLOAD=mixed bench/kafka-sink.sh 60000 > /tmp/quiet/kafka-mixed.txt 2>&1
step copy mixed; bench/copy-read.sh 1000000 3 mixed > /tmp/quiet/copy-mixed.txt 2>&1
step done
