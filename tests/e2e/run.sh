#!/usr/bin/env bash
# Runs the WebDriver tests against the real app: a private X server (Xvfb) and a real, unlocked
# gnome-keyring on a private D-Bus session, so the app keeps its master key where it would on a
# desktop. Usage: tests/e2e/run.sh APP_BINARY CLI_BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export APP_BIN=$(realpath "$1") CLI_BIN=$(realpath "$2")
command -v tauri-driver >/dev/null || { echo "tauri-driver missing: run scripts/setup.sh test" >&2; exit 1; }
command -v WebKitWebDriver >/dev/null || { echo "WebKitWebDriver missing: apt-get install webkit2gtk-driver" >&2; exit 1; }
cd "$here"
exec "$here/../keyring/run.sh" xvfb-run -a -s "-screen 0 2200x1000x24" node --test --test-concurrency=1 ./*.test.mjs
