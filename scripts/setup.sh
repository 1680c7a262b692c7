#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian/Ubuntu machine: system packages,
# Node modules, cargo tools, and in test mode the Fabric release binaries. Idempotent and quick
# when everything is already there.
# Usage: scripts/setup.sh [run|test]   ("test" adds the test-only packages and tools)
#   FABRIC_ARCHIVES=DIR  the Fabric release archives and their SHA256SUMS, unpacked into .fabric/
#                        in test mode (relative to the checkout; default ../shared/fabric if there)
set -euo pipefail
mode=${1:-run}
cd "$(dirname "$0")/.."

build_pkgs=(libwebkit2gtk-4.1-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
  build-essential curl wget file libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  pkg-config libdbus-1-dev xvfb xauth nodejs npm protobuf-compiler libprotobuf-dev)
test_pkgs=(webkit2gtk-driver chromium gnome-keyring dbus dbus-daemon dbus-x11 libsecret-tools
  xdotool python3-gi gir1.2-gtk-3.0 imagemagick fonts-dejavu-core procps
  libsqlite3-0  # libsqlite3-0: fabric-ca-server links it (the real-network suites)
  rpm desktop-file-utils)  # test-package: reads the built .rpm, validates the desktop entry

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
  shift
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund "$@")
  fi
}
npm_ci ui
[ "$mode" = test ] && npm_ci tests/e2e
# The asset contract the real-network suites serve as chaincode-as-a-service.
[ "$mode" = test ] && npm_ci crates/testnet/chaincode/asset --ignore-scripts

# The Fabric and Fabric CA release archives (hyperledger-fabric-linux-<arch>-2.5.x.tar.gz,
# hyperledger-fabric-ca-linux-<arch>-1.5.x.tar.gz, the newest of each) from FABRIC_ARCHIVES,
# checked against its SHA256SUMS, unpacked into .fabric/ (bin/, config/, builders/ccaas/). A stamp
# holding the sums makes a second run skip the work; the Makefile's test targets then set
# FABRIC_BIN and FABRIC_CFG_PATH to .fabric/.
fabric_unpack() {
  local src=${FABRIC_ARCHIVES:-} dest=.fabric
  if [ -z "$src" ] && [ -d ../shared/fabric ]; then src=../shared/fabric; fi
  if [ -z "$src" ]; then
    echo "setup: no Fabric archives (FABRIC_ARCHIVES unset, no ../shared/fabric): the real-network suites will be skipped; set FABRIC_ARCHIVES=<folder with the release archives and SHA256SUMS>, or FABRIC_BIN/FABRIC_CFG_PATH to an unpacked release, to run them"
    return 0
  fi
  if [ ! -d "$src" ] || [ ! -f "$src/SHA256SUMS" ]; then
    echo "setup: FABRIC_ARCHIVES=$src is not a folder holding the Fabric release archives and a SHA256SUMS" >&2
    exit 1
  fi
  local arch
  case $(uname -m) in x86_64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
  local archives=() sums=() stamp="" prefix file expected actual i
  for prefix in hyperledger-fabric hyperledger-fabric-ca; do
    file=$(cd "$src" && ls -1d "$prefix-linux-$arch-"[0-9]*.tar.gz 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -z "$file" ]; then
      echo "setup: no $prefix-linux-$arch-<version>.tar.gz in $src" >&2
      exit 1
    fi
    expected=$(awk -v f="$file" '$2 == f || $2 == "*" f { print $1; exit }' "$src/SHA256SUMS")
    if [ -z "$expected" ]; then
      echo "setup: $src/SHA256SUMS has no sum for $file; refusing to unpack it" >&2
      exit 1
    fi
    archives+=("$file")
    sums+=("$expected")
    stamp+="$expected  $file"$'\n'
  done
  # Already unpacked from these very archives: nothing to do (no hashing either).
  if [ -x "$dest/bin/peer" ] && [ -f "$dest/.sha256sums" ] && [ "$(cat "$dest/.sha256sums")"$'\n' = "$stamp" ]; then
    return 0
  fi
  for i in "${!archives[@]}"; do
    actual=$(sha256sum "$src/${archives[$i]}" | cut -d' ' -f1)
    if [ "$actual" != "${sums[$i]}" ]; then
      echo "setup: SHA-256 mismatch for $src/${archives[$i]} (SHA256SUMS says ${sums[$i]}, the file is $actual); refusing to unpack it" >&2
      exit 1
    fi
  done
  echo "setup: unpacking ${archives[*]} into $dest/"
  # Unpacked beside .fabric/ and moved into place whole: an interrupted run leaves no half folder.
  local tmp
  tmp=$(mktemp -d .fabric.XXXXXX)
  trap "rm -rf '$tmp'" EXIT
  for file in "${archives[@]}"; do
    tar -xzf "$src/$file" -C "$tmp" --no-same-owner
  done
  for file in bin/peer bin/orderer bin/fabric-ca-server config/core.yaml builders/ccaas/bin/detect; do
    if [ ! -e "$tmp/$file" ]; then
      echo "setup: the archives in $src hold no $file; not a Fabric release" >&2
      exit 1
    fi
  done
  printf '%s' "$stamp" >"$tmp/.sha256sums"
  chmod 755 "$tmp"
  rm -rf "$dest"
  mv "$tmp" "$dest"
  trap - EXIT
}

if [ "$mode" = test ]; then
  command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked
  command -v tauri-driver >/dev/null || cargo install tauri-driver --version '^2' --locked
  command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
  fabric_unpack
fi
echo "setup: ready ($mode)"
