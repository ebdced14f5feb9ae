#!/usr/bin/env bash
# Renders a run's report.html in headless Chromium, offline, and saves the picture README.md shows (docs/report.png).
# Usage: docs/screenshot.sh [RUN_DIR] [OUT.png]
#   without RUN_DIR: trains scripts/mnist-mlp.csx (5 epochs, about a minute) into a fresh run folder first.
# Chromium runs with every network path closed (no DNS, no background fetches): the page must draw from the file alone.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-}
out=${2:-docs/report.png}

if ! command -v chromium >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

if [ -z "$run" ]; then
  run=$(mktemp -d)/mnist-mlp
  dotnet run --project ScriptHost -c Release -- --out "$run" scripts/mnist-mlp.csx
else
  dotnet run --project ScriptHost -c Release -- report "$run"
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --host-resolver-rules='MAP * ~NOTFOUND' --hide-scrollbars \
  --user-data-dir="$profile" --window-size=1400,2960 --screenshot="$out" "file://$(realpath "$run")/report.html" 2>/dev/null
echo "screenshot: $out (from $run/report.html)"
