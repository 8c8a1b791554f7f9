#!/usr/bin/env bash
# Cold start vs warm through the gateway (issue 16 target 4): publishes `vgate` the ways listed below into
# artifacts/coldstart/<name>, writes the e2e throughput load once (two mariadbd shards, single-row INSERTs), then for
# each variant and round starts a fresh `vgate serve`, streams the load twice and prints ROW events/s over the first
# 10 s of the first stream (cold) and of the whole second stream (warm), then medians per variant.
#
#   bench/cold-start.sh [ROWS_PER_SHARD=500000] [ROUNDS=3] [VARIANT…]
#
# Variants (default: all but sc-composite):
#   jit               the build output, no ReadyToRun (what bench/e2e.sh runs)
#   r2r               the Dockerfile's publish command (ReadyToRun; TieredPGO off from vgate's runtimeconfig)
#   r2r-composite     the app's assemblies in one composite ReadyToRun image
#   sc-composite      self-contained: app, .NET and ASP.NET Core in one composite image (one version bubble; slow to build)
#   r2r-pgo           r2r with DOTNET_TieredPGO=1 (the runtime's default, vgate's until issue 16)
#   r2r-nopgo         r2r with DOTNET_TieredPGO=0 (the same as r2r now; kept to compare old result files)
#   r2r-nodelay       r2r with DOTNET_TC_CallCountingDelayMs=0
#   r2r-noquickloops  r2r with DOTNET_TC_QuickJitForLoops=0
#   r2r-noquickjit    r2r with DOTNET_TC_QuickJit=0
#   r2r-notiered      r2r with DOTNET_TieredCompilation=0
#   LABEL:DIR[:NAME=VALUE,…]  any other build directory and runtime variables
# A published build runs through its apphost (artifacts/coldstart/<name>/vgate), as the image runs it. Each result line
# also has cold_extra_cpu_s: the first stream's CPU minus the second's (the same work), the start-up cost in CPU
# seconds, which a busy machine disturbs far less than the wall-clock rates.
# Output also goes to bench/results/cold-start-<date>.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
ROWS=${1:-500000}
ROUNDS=${2:-3}
shift $(( $# < 2 ? $# : 2 ))
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(jit r2r r2r-composite r2r-pgo r2r-nopgo r2r-nodelay r2r-noquickloops r2r-noquickjit r2r-notiered)

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    dotnet build "$here/VGate.LoadHarness/VGate.LoadHarness.csproj" -c Release -nologo -v q >/dev/null
fi
harness="$repo/artifacts/bin/VGate.LoadHarness/release/VGate.LoadHarness.dll"
publish() { # name, extra publish arguments…
    local name=$1; shift
    local dir="$repo/artifacts/coldstart/$name"
    if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$dir/vgate.dll" ]; then
        rm -rf "$dir"
        dotnet publish "$repo/src/VGate.Cli" -c Release -r linux-x64 -nologo -v q -o "$dir" "$@" >/dev/null
    fi
    echo "$dir"
}
args=()
for v in "${variants[@]}"; do
    case $v in
        jit) args+=("jit:build") ;;
        r2r) args+=("r2r:$(publish r2r --self-contained false -p:PublishReadyToRun=true)") ;;
        r2r-composite) args+=("r2r-composite:$(publish r2r-composite --self-contained false -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true)") ;;
        sc-composite) args+=("sc-composite:$(publish sc-composite --self-contained true -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true)") ;;
        r2r-nopgo) args+=("r2r-nopgo:$(publish r2r --self-contained false -p:PublishReadyToRun=true):DOTNET_TieredPGO=0") ;;
        r2r-pgo) args+=("r2r-pgo:$(publish r2r --self-contained false -p:PublishReadyToRun=true):DOTNET_TieredPGO=1") ;;
        r2r-nodelay) args+=("r2r-nodelay:$(publish r2r --self-contained false -p:PublishReadyToRun=true):DOTNET_TC_CallCountingDelayMs=0") ;;
        r2r-noquickloops) args+=("r2r-noquickloops:$(publish r2r --self-contained false -p:PublishReadyToRun=true):DOTNET_TC_QuickJitForLoops=0") ;;
        r2r-noquickjit) args+=("r2r-noquickjit:$(publish r2r --self-contained false -p:PublishReadyToRun=true):DOTNET_TC_QuickJit=0") ;;
        r2r-notiered) args+=("r2r-notiered:$(publish r2r --self-contained false -p:PublishReadyToRun=true):DOTNET_TieredCompilation=0") ;;
        *:*) args+=("$v") ;; # label:directory[:NAME=VALUE,…] as the harness takes it
        *) echo "unknown variant $v" >&2; exit 2 ;;
    esac
done

mkdir -p "$here/results"
out="$here/results/cold-start-$(date -u +%Y-%m-%dT%H%M).txt"
{
    echo "# $(date -u '+%Y-%m-%d %H:%M UTC') bench/cold-start.sh $ROWS $ROUNDS ${variants[*]}; $(uname -sr); dotnet $(dotnet --version); $(nproc) CPUs"
    echo "# load before: $(uptime)"
    dotnet "$harness" gateway coldstart "$ROWS" "$ROUNDS" "${args[@]}"
} 2>&1 | tee "$out"
echo "(saved to ${out#"$repo"/})"
