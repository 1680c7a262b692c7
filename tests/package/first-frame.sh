#!/usr/bin/env bash
# Starts the app (inside an X session and D-Bus session set up by the caller) and waits, bounded,
# until it has painted its first frame: the app prints `ready <ms>` once the UI has mounted and
# painted (FABRIC_HA_REPORT_READY), and its window must then be mapped and visible. Stops the app.
# Usage: first-frame.sh APP DATA_DIR
set -euo pipefail
app=$1
data=$2
timeout_s=${PACKAGE_READY_TIMEOUT:-60}
out=$(mktemp)
pid=""
# The app runs in its own process group (setsid) with its WebKit processes: stopping it stops
# them all, and waits until they are gone (they write into HOME, which the caller removes next).
stop() {
  if [ -n "$pid" ] && kill -0 -- "-$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$out"
}
trap stop EXIT

start=$(date +%s%N)
FABRIC_HA_REPORT_READY=1 setsid "$app" --data-dir "$data" >"$out" 2>&1 &
pid=$!
deadline=$((SECONDS + timeout_s))
while ! grep -q '^ready ' "$out"; do
  if ! kill -0 "$pid" 2>/dev/null; then
    cat "$out" >&2
    echo "test-package: the app exited before its first frame" >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    cat "$out" >&2
    echo "test-package: no first frame within ${timeout_s}s" >&2
    exit 1
  fi
  sleep 0.1
done
elapsed=$((($(date +%s%N) - start) / 1000000))
ready=$(grep -m1 '^ready ' "$out")
# The window itself: mapped and visible, with the app's title.
windows=$(xdotool search --onlyvisible --name '^Fabric HA Desktop$' 2>/dev/null || true)
if [ -z "$windows" ]; then
  echo "test-package: the app reported '$ready' but no visible window titled 'Fabric HA Desktop' is mapped" >&2
  exit 1
fi
geometry=$(xdotool getwindowgeometry "$(head -n 1 <<<"$windows")" | sed -n 's/^ *Geometry: //p')
echo "test-package: first frame after ${elapsed} ms (app: '$ready'), window ${geometry:-?} mapped"
