#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing, so a second run costs nothing.
# Usage: deploy/scripts/install-deps.sh run|test
set -euo pipefail

run_packages=(ffmpeg libgtk-3-0)
test_packages=(
  mosquitto mosquitto-clients            # real MQTT broker for external-broker and agent tests
  influxdb influxdb-client               # InfluxDB 1.6.7 for the time-series integration tests
  postgresql-15                          # the gateway suite's second run (Database:Provider=PostgreSql) starts its own cluster
  ffmpeg libgtk-3-0                      # video decoding; OpenCvSharp's native library links GTK
  python3-gi python3-gst-1.0 gir1.2-gst-rtsp-server-1.0 gstreamer1.0-tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly   # a real RTSP server
  python3-opencv python3-paho-mqtt       # the Python baselines the benchmarks compare against
  chromium                               # the dashboard's browser tests (Playwright drives Debian's Chromium)
  sip-tester                             # SIPp, the real SIP peer of the GB/T 28181 tests (camera, superior platform)
)

case "${1:-test}" in
  run) wanted=("${run_packages[@]}") ;;
  test) wanted=("${test_packages[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The dashboard's front-end libraries come from the npm registry. Any npm will do (a Node.js from elsewhere
# brings its own), so Debian's is installed only when there is none.
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
# Debian starts these services on install where it can; tests start their own on free ports.
for service in mosquitto influxdb postgresql; do
  $sudo service "$service" stop >/dev/null 2>&1 || true
done
