#!/usr/bin/env bash
# A/B of the Kafka sink, alternating: A = main before this branch (3f443e1), B = h/sink16; WARM_DRAINS=3.
cd "$(dirname "$0")/../../.."   # the repository root (was the helper worktree)
for workload in mixed narrow; do
  rows=60000; [ $workload = narrow ] && rows=300000
  for pass in 1 2 3; do
    for side in A B; do
      dir=/tmp/sink16-base; [ $side = B ] && dir=/tmp/sink16-new
      echo "=== $workload pass $pass side $side ($dir) $(date -u +%H:%M:%S) load: $(cat /proc/loadavg)"
      SKIP_BUILD=1 HARNESS=$dir/VGate.LoadHarness.dll WARM_DRAINS=3 WORKLOAD=$workload bench/kafka-sink.sh $rows 2>&1 | grep -v "^mixed-load"
    done
  done
done
echo "=== done $(date -u +%H:%M:%S)"
