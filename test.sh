#!/usr/bin/env bash
# Builds AgentMesh and runs every test project; ends with "tests: N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET 10 SDK is required (dotnet on PATH)" >&2
  exit 2
fi

# Services the tests start on loopback, from the machine's packages; installed when missing and the script
# may install packages (root with apt-get). A test whose service is still missing fails on CI.
install_package() { # <package> <check command...>
  local package=$1; shift
  if "$@" >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then return; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "$package" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq --no-install-recommends "$package" >/dev/null 2>&1; } \
    || echo "test.sh: could not install $package; the tests that need it fail in CI and are skipped elsewhere" >&2
}
install_package prometheus command -v promtool
install_package postgresql sh -c 'ls /usr/lib/postgresql/*/bin/pg_ctl'
install_package nats-server sh -c 'command -v nats-server || test -x /usr/sbin/nats-server'
install_package redis-server sh -c 'command -v redis-server'
install_package rsyslog sh -c 'command -v rsyslogd || test -x /usr/sbin/rsyslogd'

if ! dotnet build AgentMesh.slnx -c Release -nologo -v quiet -clp:ErrorsOnly; then
  echo "test.sh: build failed" >&2
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

passed=0 failed=0 skipped=0 status=0
results=$(mktemp -d)
for proj in tests/*.Tests/*.csproj; do
  name=$(basename "$proj" .csproj)
  dll="$(dirname "$proj")/bin/Release/net10.0/$name.dll"
  log="$results/$name.log"
  echo "== $name"
  dotnet "$dll" -noColor -parallel collections ${TEST_FILTER:+$TEST_FILTER} 2>&1 | tee "$log" | grep -E '\[FAIL\]|Total:' || true
  line=$(grep -E "^\s*$name\s+Total:" "$log" | tail -n 1)
  if [ -z "$line" ]; then
    echo "test.sh: $name printed no summary (crashed?)" >&2
    tail -n 30 "$log" >&2
    failed=$((failed + 1)); status=1; continue
  fi
  t=$(sed -E 's/.*Total: ([0-9]+).*/\1/' <<<"$line")
  e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
  f=$(sed -E 's/.*Failed: ([0-9]+).*/\1/' <<<"$line")
  s=$(sed -E 's/.*Skipped: ([0-9]+).*/\1/' <<<"$line")
  n=$(sed -E 's/.*Not Run: ([0-9]+).*/\1/' <<<"$line")
  passed=$((passed + t - f - s - n))
  failed=$((failed + f + e))
  skipped=$((skipped + s + n))
  if [ "$f" -ne 0 ] || [ "$e" -ne 0 ]; then
    status=1
    # Each failure as xunit printed it: the message, then the first frames of its stack.
    grep -A 25 '\[FAIL\]' "$log" >&2 || true
  fi
done
rm -rf "$results"

summary="tests: $passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
if [ "$passed" -eq 0 ]; then status=1; fi
echo "$summary"
exit $status
