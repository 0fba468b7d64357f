#!/usr/bin/env bash
# Runs a whole community on this machine: the gateway (embedded MQTT broker, dashboard and API, SQLite) and an
# edge agent that plays the demo scenario (deploy/demo-scenario.json) with simulated devices and synthetic camera
# streams. Foreground until Ctrl-C, which stops every process it started (ffmpeg included). Safe to run again.
#
# Usage: ./run.sh [--http-port N] [--mqtt-port N] [--stream-port N] [--sip-port N] [--demo-speed X] [--data-dir DIR] [--no-build]
# The same settings as environment variables: SC_HTTP_PORT (8080), SC_MQTT_PORT (1883), SC_STREAM_PORT (8554),
# SC_SIP_PORT (5060, GB/T 28181 on 127.0.0.1), SC_DEMO_SPEED (1), SC_DATA_DIR (./data), SC_ADMIN_PASSWORD
# (admin-demo-2026). Options win over variables.
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

http_port=${SC_HTTP_PORT:-8080}
mqtt_port=${SC_MQTT_PORT:-1883}
stream_port=${SC_STREAM_PORT:-8554}
sip_port=${SC_SIP_PORT:-5060}
demo_speed=${SC_DEMO_SPEED:-1}
data_dir=${SC_DATA_DIR:-$PWD/data}
build=1
usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --http-port) http_port=${2:?}; shift 2 ;;
    --mqtt-port) mqtt_port=${2:?}; shift 2 ;;
    --stream-port) stream_port=${2:?}; shift 2 ;;
    --sip-port) sip_port=${2:?}; shift 2 ;;
    --demo-speed) demo_speed=${2:?}; shift 2 ;;
    --data-dir) data_dir=${2:?}; shift 2 ;;
    --http-port=*|--mqtt-port=*|--stream-port=*|--sip-port=*|--demo-speed=*|--data-dir=*)
      set -- "${1%%=*}" "${1#*=}" "${@:2}" ;;
    --no-build) build=0; shift ;;
    -h|--help) usage ;;
    *) echo "run.sh: unknown option '$1'" >&2; usage ;;
  esac
done
for port in "$http_port" "$mqtt_port" "$stream_port" "$sip_port"; do
  [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || { echo "run.sh: '$port' is not a port (1-65535)" >&2; exit 2; }
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "run.sh: port $port is already in use (another ./run.sh?). Choose others with --http-port, --mqtt-port, --stream-port, --sip-port." >&2
    exit 1
  fi
done
[[ "$demo_speed" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "run.sh: --demo-speed '$demo_speed' must be a number such as 1, 2 or 0.5" >&2; exit 2; }
mkdir -p "$data_dir/logs"
data_dir=$(cd "$data_dir" && pwd)

deploy/scripts/install-deps.sh run
if [ "$build" = 1 ]; then
  # The dashboard's front-end libraries, exactly as pinned in its lockfile (no build step: the gateway serves them).
  # npm ci empties node_modules first, so it runs only when the lockfile changed since the last install.
  [ dashboards/web/node_modules/.package-lock.json -nt dashboards/web/package-lock.json ] \
    || (cd dashboards/web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  # Only what runs: the test projects are not needed here.
  dotnet build gateway/SmartCommunity.Gateway -c Release -nologo -clp:ErrorsOnly
  dotnet build edge-agents/SmartCommunity.EdgeAgent -c Release -nologo -clp:ErrorsOnly
fi
gateway_dll=gateway/SmartCommunity.Gateway/bin/Release/net10.0/SmartCommunity.Gateway.dll
agent_dll=edge-agents/SmartCommunity.EdgeAgent/bin/Release/net10.0/SmartCommunity.EdgeAgent.dll

# Each process runs in its own session (setsid), so stopping kills its whole group: the ffmpeg processes the
# gateway (recording, analysis) and the agent (camera streams) start go with it, and none is left behind.
pids=()
stop() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -eq 0 ] && return
  echo "Stopping..."
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 1 100); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && break
    sleep 0.1
  done
  if [ $alive = 1 ]; then
    echo "Some processes did not stop within 10 s; killing them." >&2
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    # A killed process lingers for a moment: return only once none is left, so nothing outlives this script.
    for _ in $(seq 1 50); do
      alive=0
      for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
      [ $alive = 0 ] && break
      sleep 0.1
    done
  fi
  pids=()
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

# The agent first: it renders the scenario's camera clips and serves them as live streams before the gateway
# starts recording and analysing them. It reaches the broker once the gateway is up (it reconnects on its own).
Broker__Port=$mqtt_port Demo__Speed=$demo_speed Demo__StreamPort=$stream_port Demo__Gb28181__GatewayPort=$sip_port Demo__GatewayUrl="http://127.0.0.1:$http_port" \
  Demo__DataDirectory="$data_dir/demo" Agent__DataDirectory="$data_dir/edge-agent" \
  setsid dotnet "$agent_dll" --config "$PWD/deploy/demo-agent.json" >"$data_dir/logs/agent.log" 2>&1 &
pids+=($!)
agent=$!
echo "Preparing the demo scenario (camera clips, pace x$demo_speed)..."
for _ in $(seq 1 600); do
  (exec 3<>"/dev/tcp/127.0.0.1/$stream_port") 2>/dev/null && break
  kill -0 $agent 2>/dev/null || { echo "The edge agent stopped; see $data_dir/logs/agent.log:" >&2; tail -n 20 "$data_dir/logs/agent.log" >&2; exit 1; }
  sleep 0.2
done

# Demo settings: the seed's people log in with the password in deploy/demo-community; the admin's is below.
# Upsert: the seed (with the scenario's stream addresses) is the truth at every start. The scenario compresses a
# flood into minutes, so a spot's risk may fall after 30 s of lower water instead of 10 minutes (RiskHoldDown);
# the rise rate keeps the gateway's defaults, as a real station's would.
export Auth__InitialAdminPassword="${SC_ADMIN_PASSWORD:-admin-demo-2026}"
Seed__File="$data_dir/demo/seed" Seed__Mode=Upsert Storage__DataDirectory="$data_dir" \
  Dashboard__WebRoot="$PWD/dashboards/web" \
  WaterSafety__RiskHoldDown=00:00:30 \
  Gb28181__Enabled=true Gb28181__BindAddress=127.0.0.1 Gb28181__Port="$sip_port" \
  setsid dotnet "$gateway_dll" --contentRoot "$PWD/$(dirname "$gateway_dll")" \
  --Urls "http://0.0.0.0:$http_port" --Broker:Port "$mqtt_port" >"$data_dir/logs/gateway.log" 2>&1 &
pids+=($!)
gateway=$!
for _ in $(seq 1 300); do
  (exec 3<>"/dev/tcp/127.0.0.1/$http_port") 2>/dev/null && break
  kill -0 $gateway 2>/dev/null || { echo "The gateway stopped; see $data_dir/logs/gateway.log:" >&2; tail -n 20 "$data_dir/logs/gateway.log" >&2; exit 1; }
  sleep 0.2
done

cat <<EOF

SmartCommunity is running.
  Dashboard      http://127.0.0.1:$http_port/?demo   (API reference: /api/reference, metrics: /metrics)
  MQTT broker    127.0.0.1:$mqtt_port
  GB/T 28181     SIP on 127.0.0.1:$sip_port (UDP and TCP): the Ferry NVR registers there
  Sign in as     admin / $Auth__InitialAdminPassword, or ps-li, em-zhao, wa-chen, guard-wang (password demo-password-2026)
  Logs           $data_dir/logs/gateway.log and agent.log
What to watch (the scenario repeats; at pace x1 everything happens within 5 minutes of start):
  - the Sandbar Beach river rises through its warning and danger levels, then falls (spot risk, 6-hour chart);
  - a walker on the beach camera steps into the water: loudspeaker voice warning and a red alert with a snapshot;
  - the water authority (wa-chen) issues a reservoir discharge notice: sirens and loudspeakers acknowledge;
  - the school gym shelter fills past 80 % and to full (redirect suggested), then empties; a door is forced.
Ctrl-C stops everything.
EOF
status=0
wait -n "$gateway" "$agent" || status=$?
echo "run.sh: a process stopped on its own (exit $status); see $data_dir/logs/." >&2
exit 1
