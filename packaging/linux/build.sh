#!/usr/bin/env bash
# Packs the release build into a .deb (recompressed with xz) and an .rpm (Tauri's bundler), with
# the fabric-ha CLI as /usr/bin/fabric-ha, the icons, a desktop entry and the MIME type of the offline bundles
# (tauri.conf.json, bundle section; packaging/linux/). An AppImage too, but only when its tools
# (linuxdeploy) are already in Tauri's tool cache: the bundler would otherwise download them.
# Prints the sizes and fails when the app binary or the .deb is larger than allowed.
#
# Run it through `make package`, which builds the UI and the release binaries first.
#   CARGO_TARGET_DIR        where the release build is (default target/)
#   PACKAGE_APPIMAGE=auto   auto (default): when the tools are cached; 1: always (may download); 0: never
#   PACKAGE_MAX_BIN_BYTES   largest allowed release binary (default 25000000, 25 MB)
#   PACKAGE_MAX_DEB_BYTES   largest allowed .deb (default 15000000, 15 MB)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)

target=${CARGO_TARGET_DIR:-target}
case $target in /*) ;; *) target=$root/$target ;; esac
app=$target/release/fabric-ha-desktop
cli=$target/release/fabric-ha
bundle=$target/release/bundle
max_bin=${PACKAGE_MAX_BIN_BYTES:-25000000}
max_deb=${PACKAGE_MAX_DEB_BYTES:-15000000}
tauri=$root/ui/node_modules/.bin/tauri

fail() {
  echo "package: $*" >&2
  exit 1
}
size() { stat -c %s "$1"; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }

for f in "$app" "$cli"; do
  [ -x "$f" ] || fail "$f is missing: build it first (make app, or cargo build --release -p fabric-ha-desktop -p fabric-ha-cli)"
done
[ -x "$tauri" ] || fail "the Tauri CLI ($tauri) is missing: run scripts/setup.sh (npm ci in ui/)"

# Sizes of the binaries first: no point packing a binary that is too large.
for f in "$app" "$cli"; do
  s=$(size "$f")
  printf 'package: %-40s %10d bytes (%s)\n' "${f#"$root"/}" "$s" "$(mb "$s")"
  if [ "$s" -gt "$max_bin" ]; then
    fail "$(basename "$f") is $s bytes, over the limit of $max_bin ($(mb "$max_bin")); check [profile.release] in Cargo.toml (strip, lto, opt-level) and what was added to the binary"
  fi
done

# The bundler copies the CLI from here (bundle.linux.deb/rpm.files in tauri.conf.json).
install -D -m 0755 "$cli" packaging/linux/stage/fabric-ha

bundles=deb,rpm
linuxdeploy=${XDG_CACHE_HOME:-$HOME/.cache}/tauri/linuxdeploy-$(uname -m).AppImage
case ${PACKAGE_APPIMAGE:-auto} in
  1 | yes | true) bundles+=,appimage ;;
  0 | no | false) ;;
  auto)
    if [ -x "$linuxdeploy" ]; then
      bundles+=,appimage
    else
      echo "package: no AppImage (linuxdeploy is not in ${linuxdeploy%/*}; PACKAGE_APPIMAGE=1 lets the bundler download it)"
    fi
    ;;
  *) fail "PACKAGE_APPIMAGE must be auto, 1 or 0, not '$PACKAGE_APPIMAGE'" ;;
esac

# Only this build's packages in the output folders.
rm -rf "$bundle/deb" "$bundle/rpm" "$bundle/appimage"
echo "package: bundling $bundles"
TAURI_APP_PATH=src-tauri TAURI_FRONTEND_PATH=ui CARGO_TARGET_DIR=$target \
  "$tauri" bundle --bundles "$bundles" --ci

shopt -s nullglob
debs=("$bundle"/deb/*.deb)
rpms=("$bundle"/rpm/*.rpm)
[ ${#debs[@]} -eq 1 ] || fail "expected one .deb in $bundle/deb, found ${#debs[@]}"
[ ${#rpms[@]} -eq 1 ] || fail "expected one .rpm in $bundle/rpm, found ${#rpms[@]}"

# Tauri writes the .deb's data with gzip; dpkg's own default, xz, makes it about a third smaller
# (the binaries compress far better; the UI's fonts hardly at all). Repacked from the same tree,
# control file and md5sums included.
if command -v dpkg-deb >/dev/null; then
  gz=$(size "${debs[0]}")
  repack=$(mktemp -d "$bundle/deb/.repack.XXXXXX")
  dpkg-deb -R "${debs[0]}" "$repack/root"
  dpkg-deb --root-owner-group -Zxz -b "$repack/root" "$repack/out.deb" >/dev/null
  mv "$repack/out.deb" "${debs[0]}"
  rm -rf "$repack"
  echo "package: .deb recompressed with xz: $gz -> $(size "${debs[0]}") bytes"
else
  echo "package: dpkg-deb not found: the .deb keeps the bundler's gzip compression"
fi
echo "package: built"
ls -l "${debs[@]}" "${rpms[@]}" "$bundle"/appimage/*.AppImage
s=$(size "${debs[0]}")
if [ "$s" -gt "$max_deb" ]; then
  fail "the .deb is $s bytes, over the limit of $max_deb ($(mb "$max_deb")): ${debs[0]}"
fi
echo "package: .deb $(mb "$s") (limit $(mb "$max_deb")), app binary $(mb "$(size "$app")") (limit $(mb "$max_bin")), .rpm $(mb "$(size "${rpms[0]}")")"
