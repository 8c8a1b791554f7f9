#!/usr/bin/env bash
# The test command of the project: ./scripts/test.sh [extra dotnet test arguments, e.g. --filter Category=Integration]
#
# 1. Makes sure MariaDB's server binaries exist (the integration tests start their own throwaway mariadbd
#    processes; the system's MariaDB service is neither needed nor started), installing them with apt if missing;
#    likewise the Debian packages the stock Go and Python client tests (examples/) build with.
# 2. Runs every test project of VGate.sln in Release, writing one TRX file per project to artifacts/test-results.
# 3. Prints one line per test, then exactly one summary line "N passed, M failed[, K skipped]".
# Exits non-zero when any test failed, when no test ran, or when dotnet test itself failed (build error, crash).
#
# Environment: CI=true makes a server that cannot start fail the run (see tests/README.md);
# VGATE_TEST_RESULTS overrides the results directory.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

log() { printf '==> %s\n' "$*" >&2; }

have_mariadb() {
    local dir
    for dir in $(printf '%s' "${PATH:-}" | tr ':' ' ') /usr/sbin /usr/bin; do
        if [[ -x "$dir/mariadbd" || -x "$dir/mysqld" ]] \
            && [[ -x "$dir/mariadb-install-db" || -x "$dir/mysql_install_db" || -x /usr/bin/mariadb-install-db ]]; then
            return 0
        fi
    done
    return 1
}

install_mariadb() {
    local sudo=()
    if [[ "$(id -u)" != 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            log "mariadbd is missing and this user is not root and has no sudo: install mariadb-server and mariadb-client"
            exit 1
        fi
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        log "mariadbd is missing and apt-get is not available: install mariadb-server and mariadb-client"
        exit 1
    fi

    log "mariadbd not found: installing mariadb-server and mariadb-client with apt-get"
    # The tests start their own servers; keep the package's service from starting during installation
    # (policy-rc.d exit code 101 = "action forbidden"), unless the machine already has a policy of its own.
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
        "${sudo[@]}" chmod 755 "$policy"
        created_policy=1
    fi
    local status=0
    "${sudo[@]}" apt-get update \
        && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y mariadb-server mariadb-client \
        || status=$?
    if [[ "$created_policy" == 1 ]]; then
        "${sudo[@]}" rm -f "$policy"
    fi
    if [[ "$status" != 0 ]]; then
        log "apt-get failed with exit code $status"
        exit "$status"
    fi
    have_mariadb || { log "mariadbd is still missing after installation"; exit 1; }
}

if ! have_mariadb; then
    install_mariadb
fi

# The stock clients of examples/ (tests/VGate.EndToEnd.Tests/Stock*ClientTests) are built offline from Debian's
# packages: Go + protoc plugins + grpc-go, and python3-grpcio. golang-github-golang-protobuf-1-5-dev is named so that
# it replaces the 1.3 package apt would pick for golang-google-grpc-dev, with which the Go client compiles but panics
# decoding its first response. When they cannot be installed the run goes on: those tests then say what is missing
# (skipped, or failed under CI=true).
stock_client_packages=(golang-go protobuf-compiler protoc-gen-go protoc-gen-go-grpc golang-google-grpc-dev
    golang-github-golang-protobuf-1-5-dev python3-grpcio)

have_stock_client_packages() {
    local tool
    for tool in go protoc protoc-gen-go protoc-gen-go-grpc; do
        command -v "$tool" >/dev/null 2>&1 || return 1
    done
    [[ -d /usr/share/gocode/src/google.golang.org/grpc ]] \
        && grep -q google.golang.org/protobuf /usr/share/gocode/src/github.com/golang/protobuf/go.mod 2>/dev/null \
        && [[ -x /usr/bin/python3 ]] && /usr/bin/python3 -c 'import grpc, google.protobuf' 2>/dev/null
}

install_stock_client_packages() {
    local sudo=()
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null 2>&1 || { log "not root and no sudo: install ${stock_client_packages[*]} for the stock client tests"; return 0; }
        sudo=(sudo)
    fi
    command -v apt-get >/dev/null 2>&1 || { log "apt-get not available: install ${stock_client_packages[*]} for the stock client tests"; return 0; }
    log "stock client packages missing: installing ${stock_client_packages[*]} with apt-get"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${stock_client_packages[@]}" \
        || { "${sudo[@]}" apt-get update && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${stock_client_packages[@]}"; } \
        || log "apt-get could not install the stock client packages; the stock client tests will say so"
}

if ! have_stock_client_packages; then
    install_stock_client_packages
fi

# Debian's docker-compose (1.29, Python) validates docker-compose.yml without a Docker daemon
# (tests/VGate.Cli.Tests/DeploymentFilesTests.cs; under CI=true those tests fail rather than skip without it).
# --no-install-recommends: the Docker engine it recommends is not needed to validate.
if ! command -v docker-compose >/dev/null 2>&1; then
    compose_sudo=()
    if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null 2>&1; then
        compose_sudo=(sudo)
    fi
    if command -v apt-get >/dev/null 2>&1 && { [[ "$(id -u)" == 0 ]] || (( ${#compose_sudo[@]} )); }; then
        log "docker-compose not found: installing it with apt-get"
        "${compose_sudo[@]}" apt-get update \
            && "${compose_sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker-compose \
            || log "apt-get could not install docker-compose; the compose validation tests will fail under CI=true"
    else
        log "docker-compose is missing and cannot be installed here (no apt-get or no root/sudo): compose tests skip unless CI=true"
    fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
    log "dotnet is not on PATH: install the .NET SDK named in global.json"
    exit 1
fi

results="${VGATE_TEST_RESULTS:-$repo_root/artifacts/test-results}"
rm -rf "$results"
mkdir -p "$results"

log "dotnet test VGate.sln -c Release $*"
console_log="$results/dotnet-test.log"
extra=()
if [[ "${CI:-}" == "true" ]]; then
    # On CI a hung test must not hang the job: dump and kill the test host after 15 minutes without progress.
    extra+=(--blame-hang-timeout 15m)
fi
set +e
dotnet test VGate.sln -c Release \
    --logger "trx;LogFilePrefix=vgate" \
    --logger "console;verbosity=minimal" \
    --results-directory "$results" \
    "${extra[@]}" "$@" 2>&1 | tee "$console_log"
test_status=${PIPESTATUS[0]}
set -e

# Every test assembly writes its own TRX file; make sure none overwrote another's (same name in the same second).
reported=$(grep -c '^Results File: ' "$console_log" || true)
distinct=$(grep '^Results File: ' "$console_log" | sort -u | wc -l || true)
if (( reported != distinct )); then
    log "two test assemblies wrote the same TRX file, so the counts below would be incomplete; run again"
    exit 1
fi

shopt -s nullglob
trx_files=("$results"/*.trx)
shopt -u nullglob

# One line per test (outcome, duration, name) from the UnitTestResult elements of every TRX file, and the totals
# counted from those outcomes: NotExecuted is a skipped test, anything but Passed/NotExecuted a failure. The
# <Counters/> of each file are a cross-check: a run that errored or aborted counts as failed even without results.
summary="$(awk '
    function attr(line, name,    m) {
        if (match(line, " " name "=\"[^\"]*\"")) {
            m = substr(line, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
            gsub(/&quot;/, "\"", m); gsub(/&apos;/, "\047", m); gsub(/&lt;/, "<", m); gsub(/&gt;/, ">", m); gsub(/&amp;/, "\\&", m)
            return m
        }
        return ""
    }
    /<UnitTestResult / {
        outcome = attr($0, "outcome")
        if (outcome == "Passed") { label = "PASS"; rank = 1; passed++ }
        else if (outcome == "NotExecuted") { label = "SKIP"; rank = 2; skipped++ }
        else { label = "FAIL"; rank = 3; failed++ }
        split(attr($0, "duration"), hms, ":")
        ms = int((hms[1] * 3600 + hms[2] * 60 + hms[3]) * 1000 + 0.5)
        printf "%d %s %7d ms  %s\n", rank, label, ms, attr($0, "testName")
    }
    /<Counters / {
        counted_failed += attr($0, "failed") + attr($0, "error") + attr($0, "timeout") + attr($0, "aborted")
    }
    END {
        if (counted_failed > failed) failed = counted_failed
        printf "TOTALS %d %d %d %d\n", passed + failed + skipped, passed, failed, skipped
    }
' /dev/null "${trx_files[@]}")"

# Passed first, then skipped, then failed, so failures end up right above the summary line.
printf '%s\n' "$summary" | grep -v '^TOTALS ' | sort -k1,1n -k5 | cut -d' ' -f2- || true
read -r _ total passed failed skipped <<<"$(printf '%s\n' "$summary" | grep '^TOTALS ')"

# For every failed test, its message and the top of its stack trace (at most 40 lines each), so that the end of
# the output alone tells what broke.
if (( failed > 0 )); then
    awk '
        function unescape(s) {
            gsub(/&quot;/, "\"", s); gsub(/&apos;/, "\047", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&#xD;/, "", s); gsub(/&amp;/, "\\&", s)
            return s
        }
        /<UnitTestResult / {
            failing = ($0 !~ / outcome="(Passed|NotExecuted)"/)
            if (failing && match($0, / testName="[^"]*"/)) { printf "\n--- FAILED %s\n", unescape(substr($0, RSTART + 11, RLENGTH - 12)); shown = 0 }
        }
        failing && /<Message>|<StackTrace>/ { inside = 1 }
        failing && inside && shown < 40 {
            line = $0; gsub(/<\/?(Message|StackTrace|ErrorInfo)>/, "", line); sub(/^[ \t]+/, "", line)
            if (line != "") { print "    " unescape(line); shown++ }
        }
        /<\/Message>|<\/StackTrace>/ { inside = 0 }
        /<\/UnitTestResult>/ { failing = 0; inside = 0 }
    ' "${trx_files[@]}"
    echo
fi

line="$passed passed, $failed failed"
if (( skipped > 0 )); then
    line+=", $skipped skipped"
fi
echo "$line"

if (( failed > 0 )); then
    exit 1
fi
if (( passed + failed == 0 )); then
    log "no tests ran ($total found, all skipped or none matched)"
    exit 1
fi
if (( test_status != 0 )); then
    log "dotnet test exited with code $test_status"
    exit "$test_status"
fi
