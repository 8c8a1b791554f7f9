#!/usr/bin/env bash
# usage: lat.sh OUT SCENARIO v1 v2 ... (v as in bisect.sh); SCENARIO latency|subscribers
cd REPO
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 SKIP_BUILD=1
out=$1; scen=$2; shift 2
for v in "$@"; do
  unset VGATE_BENCH_SERVER_DIR VGATE_BENCH_SERVER_ENV
  case $v in head*) [ "$v" != head ] && export VGATE_BENCH_SERVER_ENV="${v#head:}";; *) export VGATE_BENCH_SERVER_DIR=REPO-$v/artifacts/bin/VGate.Cli/release;; esac
  echo "== $v load $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ $scen = latency ]; then bench/e2e.sh latency 5000 20; else bench/e2e.sh subscribers 1,100 1000 15; fi 2>&1 | grep -E '^e2e|Unhandled|rror' | cut -c1-460
done 2>&1 | tee -a $out | grep -oE '== .*|p50_ms=[0-9.]+|p99_ms=[0-9.]+|p999_ms=[0-9.]+|n=[0-9]+|server_cpu_s=[0-9.]+|peak_rss_mb=[0-9]+|ratio=[0-9.]+|Unhandled.*' | paste -sd' ' | sed 's/==/\n==/g'
