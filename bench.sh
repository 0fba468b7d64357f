#!/usr/bin/env bash
# Runs the benchmarks (each a ratio against a baseline measured in the same run) and prints Markdown
# tables for docs/benchmarks.md. Usage: ./bench.sh [--quick] [all|NAME...]   (no NAME lists them)
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
deploy/scripts/install-deps.sh test
dotnet build tests/SmartCommunity.Benchmarks -c Release -nologo -clp:ErrorsOnly
dotnet tests/SmartCommunity.Benchmarks/bin/Release/net10.0/SmartCommunity.Benchmarks.dll "$@"
