#!/usr/bin/env bash
# Runs a whole community on this machine: the gateway (embedded MQTT broker on 1883, dashboard and API on
# 8080, SQLite under ./data) and an edge agent with simulated devices. Foreground until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

deploy/scripts/install-deps.sh run
# The dashboard's front-end libraries, exactly as pinned in its lockfile (no build step: the gateway serves them).
(cd dashboards/web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
# Only what runs: the test projects are not needed here.
dotnet build gateway/SmartCommunity.Gateway -c Release -nologo -clp:ErrorsOnly
dotnet build edge-agents/SmartCommunity.EdgeAgent -c Release -nologo -clp:ErrorsOnly

mkdir -p data
gateway_dll=gateway/SmartCommunity.Gateway/bin/Release/net10.0/SmartCommunity.Gateway.dll
agent_dll=edge-agents/SmartCommunity.EdgeAgent/bin/Release/net10.0/SmartCommunity.EdgeAgent.dll

# Demo settings: the seed's people log in with the password in deploy/demo-community; the admin's is below.
export Seed__File="$PWD/deploy/demo-community"
export Storage__DataDirectory="$PWD/data"
export Auth__InitialAdminPassword="${SC_ADMIN_PASSWORD:-admin-demo-2026}"
export Dashboard__WebRoot="$PWD/dashboards/web"

# The demo cameras' streams (deploy/demo-community/20-cameras.json): synthetic H.264 clips made once by ffmpeg and
# read in a loop at their own rate, so recording, footage and clips work with no camera on the network.
demo_video=/tmp/smartcommunity-demo/video
mkdir -p "$demo_video"
for clip in beach:testsrc2 bridge:smptebars gate:rgbtestsrc; do
  name=${clip%%:*} source=${clip#*:}
  [ -s "$demo_video/$name.ts" ] || ffmpeg -nostdin -v error -f lavfi -i "$source=size=640x360:rate=10" -t 300 \
    -c:v libx264 -preset ultrafast -g 10 -pix_fmt yuv420p -f mpegts "$demo_video/$name.ts.part" && mv "$demo_video/$name.ts.part" "$demo_video/$name.ts"
done
export Video__AllowFileUrls=true

dotnet "$gateway_dll" --contentRoot "$PWD/$(dirname "$gateway_dll")" &
gateway=$!
trap 'kill $gateway ${agent:-} 2>/dev/null; wait 2>/dev/null' INT TERM EXIT

# The agent connects with the seed's device credentials and reconnects on its own if it starts first.
for _ in $(seq 1 100); do
  (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null && break
  kill -0 $gateway 2>/dev/null || exit 1
  sleep 0.2
done
dotnet "$agent_dll" --config "$PWD/deploy/demo-agent.json" &
agent=$!

echo "SmartCommunity is running: dashboard http://127.0.0.1:8080  API reference http://127.0.0.1:8080/api/reference  MQTT 127.0.0.1:1883"
echo "Sign in as admin / $Auth__InitialAdminPassword, or as a demo person (see README). Ctrl-C stops everything."
wait $gateway
