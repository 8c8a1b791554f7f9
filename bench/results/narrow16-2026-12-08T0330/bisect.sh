#!/usr/bin/env bash
# usage: bisect.sh OUT v1 v2 ... ; v = commit hash (a REPO-<hash> build) or head[:ENV]
cd REPO
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 SKIP_BUILD=1
out=$1; shift
for v in "$@"; do
  unset VGATE_BENCH_SERVER_DIR VGATE_BENCH_SERVER_ENV
  case $v in head*) [ "$v" != head ] && export VGATE_BENCH_SERVER_ENV="${v#head:}";; *) export VGATE_BENCH_SERVER_DIR=REPO-$v/artifacts/bin/VGate.Cli/release;; esac
  echo "== $v load $(cut -d' ' -f1-3 /proc/loadavg)"
  bench/e2e.sh throughput 250000 2 2>&1 | grep -E '^e2e|Unhandled|rror' | cut -c1-420
done 2>&1 | tee -a $out | grep -oE '== .*|run=[0-9]|seconds=[0-9.]+|server_cpu_s=[0-9.]+|peak_rss_mb=[0-9]+|Unhandled.*' | paste -sd' ' | sed 's/==/\n==/g'
