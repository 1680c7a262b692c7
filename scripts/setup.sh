#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian/Ubuntu machine: system packages,
# Node modules, cargo tools. Idempotent and quick when everything is already there.
# Usage: scripts/setup.sh [run|test]   ("test" adds the test-only packages and tools)
set -euo pipefail
mode=${1:-run}
cd "$(dirname "$0")/.."

build_pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
  build-essential curl wget file libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  pkg-config libdbus-1-dev xvfb xauth nodejs npm)
test_pkgs=(webkit2gtk-driver chromium gnome-keyring dbus dbus-daemon dbus-x11 libsecret-tools
  xdotool python3-gi gir1.2-gtk-3.0 imagemagick fonts-dejavu-core procps)

pkgs=("${build_pkgs[@]}")
[ "$mode" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  # nodejs/npm may come from elsewhere (nvm, NodeSource): a working command is enough.
  case $p in nodejs) command -v node >/dev/null && continue ;; npm) command -v npm >/dev/null && continue ;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "setup: missing system packages (${missing[*]}); see README for macOS/Windows" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Node modules, from the lock files (no browser downloads: tests use Debian's chromium).
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1
npm_ci() {
  local dir=$1
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund)
  fi
}
npm_ci ui
[ "$mode" = test ] && npm_ci tests/e2e

if [ "$mode" = test ]; then
  command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked
  command -v tauri-driver >/dev/null || cargo install tauri-driver --version '^2' --locked
  command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
fi
echo "setup: ready ($mode)"
