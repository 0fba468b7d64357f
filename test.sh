#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs, builds once, runs every test project,
# and ends with one line "N passed, N failed". Long benchmarks are separate: ./bench.sh
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

deploy/scripts/install-deps.sh test
# The dashboard's front-end libraries and its linter, exactly as pinned in its lockfile (the browser tests load them).
(cd dashboards/web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
dotnet build SmartCommunity.sln -c Release -nologo -clp:ErrorsOnly

log=$(mktemp)
status=0
# ESLint over the dashboard's modules (dashboards/web/eslint.config.mjs) counts as one test.
lint_passed=0 lint_failed=0
if (cd dashboards/web && npx --no-install eslint --max-warnings 0 .); then lint_passed=1; else lint_failed=1; status=1; echo "ESLint found problems in dashboards/web (above)"; fi
dotnet test SmartCommunity.sln -c Release --no-build -nologo --blame-hang-timeout 10m 2>&1 | tee "$log" || status=$?
# The gateway suite again on PostgreSQL: the tests start one cluster (initdb in a temp folder) and give every
# gateway a database of its own (tests/SmartCommunity.Testing/PostgresProcess.cs).
SC_TEST_DATABASE=PostgreSql dotnet test tests/SmartCommunity.Gateway.Tests/SmartCommunity.Gateway.Tests.csproj -c Release --no-build -nologo \
  --blame-hang-timeout 10m 2>&1 | tee -a "$log" || status=$?

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk -v l=$lint_passed '{s+=$2} END {print s+l}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk -v l=$lint_failed '{s+=$2} END {print s+l}')
rm -f "$log"
echo
echo "$passed passed, $failed failed"
exit $status
