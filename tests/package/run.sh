#!/usr/bin/env bash
# The installable package as a user gets it: installs the built .deb with apt-get, checks what it
# put on the system (both programs, the desktop entry with its MIME type, the shared-mime-info
# file, the icons), runs the installed `fabric-ha doctor --json`, starts the installed app under
# Xvfb (with a throw-away keyring) until its first frame, and removes the package again, checking
# that its files are gone. Needs root or sudo (as scripts/setup.sh does).
# Usage: tests/package/run.sh [DEB]   (default: the .deb in ${CARGO_TARGET_DIR:-target}/release/bundle/deb/)
#   PACKAGE_READY_TIMEOUT  seconds the app gets to paint its first frame (default 60)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

fail() {
  echo "test-package: FAIL: $*" >&2
  exit 1
}

deb=${1:-}
if [ -z "$deb" ]; then
  target=${CARGO_TARGET_DIR:-target}
  case $target in /*) ;; *) target=$root/$target ;; esac
  shopt -s nullglob
  debs=("$target"/release/bundle/deb/*.deb)
  shopt -u nullglob
  [ ${#debs[@]} -eq 1 ] || fail "expected one .deb in $target/release/bundle/deb (found ${#debs[@]}): run make package"
  deb=${debs[0]}
fi
[ -f "$deb" ] || fail "$deb does not exist"
deb=$(realpath "$deb")
for tool in apt-get dpkg-deb python3 xvfb-run xdotool dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || fail "'$tool' not found: run scripts/setup.sh test"
done
pkg=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)
sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
apt() { $sudo env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Use-Pty=0 "$@"; }
installed() { dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fabric-ha-package.XXXXXXXX")
we_installed=0
cleanup() {
  local status=$?
  if [ "$we_installed" = 1 ] && installed; then
    echo "test-package: removing $pkg after a failure"
    apt remove "$pkg" >/dev/null 2>&1 || echo "test-package: could not remove $pkg; remove it with: apt-get remove $pkg" >&2
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "test-package: $pkg $version from $deb ($(stat -c %s "$deb") bytes)"

# The .rpm beside it (not installable here): the same programs, desktop entry and MIME file.
rpm_file=$(find "$(dirname "$(dirname "$deb")")/rpm" -maxdepth 1 -name '*.rpm' 2>/dev/null | head -n 1)
if [ -n "$rpm_file" ] && command -v rpm >/dev/null; then
  rpm_files=$(rpm -qlp "$rpm_file" 2>/dev/null) || fail "rpm cannot read $rpm_file"
  for f in /usr/bin/fabric-ha-desktop /usr/bin/fabric-ha /usr/share/mime/packages/fabric-ha-desktop.xml; do
    grep -qx "$f" <<<"$rpm_files" || fail "$rpm_file does not hold $f"
  done
  grep -qE '^/usr/share/applications/[^/]+\.desktop$' <<<"$rpm_files" || fail "$rpm_file holds no desktop entry"
  echo "test-package: $(basename "$rpm_file") holds both programs, the desktop entry and the MIME file"
elif [ -n "$rpm_file" ]; then
  echo "test-package: rpm is not installed; $rpm_file not inspected"
fi
reinstall=()
if installed; then
  echo "test-package: $pkg is already installed; the built package replaces it and is removed at the end"
  reinstall=(--reinstall)
fi
we_installed=1
apt install --no-install-recommends "${reinstall[@]}" "$deb" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "apt-get install $deb failed"; }
installed || fail "$pkg is not installed after apt-get install"
echo "test-package: installed"

# What the package put on the system.
files=$(dpkg -L "$pkg")
for f in /usr/bin/fabric-ha-desktop /usr/bin/fabric-ha /usr/share/mime/packages/fabric-ha-desktop.xml; do
  grep -qx "$f" <<<"$files" || fail "$pkg does not install $f"
done
[ -x /usr/bin/fabric-ha-desktop ] && [ -x /usr/bin/fabric-ha ] || fail "/usr/bin/fabric-ha-desktop or /usr/bin/fabric-ha is not executable"
desktop=$(grep -E '^/usr/share/applications/[^/]+\.desktop$' <<<"$files" | head -n 1)
[ -n "$desktop" ] || fail "$pkg installs no desktop entry in /usr/share/applications"
grep -q '^Exec=fabric-ha-desktop' "$desktop" || fail "$desktop does not start fabric-ha-desktop: $(grep '^Exec=' "$desktop")"
grep -q '^MimeType=.*application/x-fabric-ha-bundle' "$desktop" || fail "$desktop has no MimeType=application/x-fabric-ha-bundle"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$desktop" || fail "$desktop is not a valid desktop entry"
fi
grep -qE '^/usr/share/icons/hicolor/[^/]+/apps/fabric-ha-desktop\.png$' <<<"$files" || fail "$pkg installs no hicolor icon"
# shared-mime-info's trigger has rebuilt the database: *.bundle is the bundle type now.
if [ -f /usr/share/mime/globs2 ]; then
  grep -q 'application/x-fabric-ha-bundle:\*\.bundle$' /usr/share/mime/globs2 ||
    fail "/usr/share/mime/globs2 does not map *.bundle to application/x-fabric-ha-bundle (update-mime-database did not run?)"
fi
echo "test-package: files ok ($desktop, MIME type application/x-fabric-ha-bundle, icons)"

# The installed CLI: doctor on an empty data dir, as JSON, with a keyring as on a desktop.
status=0
"$root/tests/keyring/run.sh" /usr/bin/fabric-ha --data-dir "$tmp/doctor-data" doctor --json \
  >"$tmp/doctor.json" 2>"$tmp/doctor.err" || status=$?
[ "$status" -eq 0 ] || { cat "$tmp/doctor.json" "$tmp/doctor.err" >&2; fail "fabric-ha doctor --json exited with $status"; }
python3 - "$tmp/doctor.json" "$version" "$tmp/doctor-data" <<'PY' || fail "fabric-ha doctor --json did not say what it should (above)"
import json, sys
path, version, data_dir = sys.argv[1:]
with open(path) as f:
    report = json.load(f)
checks = {c["name"]: c for c in report["checks"]}
expected = ["versions", "data directory", "database", "keyring", "webview", "fabric binaries"]
problems = []
if [c["name"] for c in report["checks"]] != expected:
    problems.append(f"checks {list(checks)}, expected {expected}")
if report.get("ok") is not True:
    problems.append("ok is not true")
for c in report["checks"]:
    if c["status"] not in ("ok", "warn", "fail"):
        problems.append(f"{c['name']}: unknown status {c['status']}")
    elif c["status"] == "fail":
        problems.append(f"{c['name']} failed: {c['detail']}")
if not checks.get("versions", {}).get("detail", "").startswith(f"fabric-ha {version},"):
    problems.append(f"versions does not name fabric-ha {version}: {checks.get('versions')}")
if checks.get("keyring", {}).get("status") != "ok":
    problems.append(f"keyring is not ok although a Secret Service runs: {checks.get('keyring')}")
if checks.get("webview", {}).get("status") != "ok":
    problems.append(f"webview is not ok although the package depends on WebKitGTK: {checks.get('webview')}")
if data_dir not in checks.get("data directory", {}).get("detail", ""):
    problems.append(f"data directory does not name {data_dir}: {checks.get('data directory')}")
for p in problems:
    print(f"  {p}", file=sys.stderr)
for c in report["checks"]:
    print(f"test-package: doctor {c['status']:4} {c['name']}: {c['detail']}")
sys.exit(1 if problems else 0)
PY

# The installed app, under Xvfb and a private keyring, to its first frame.
"$root/tests/keyring/run.sh" xvfb-run -a -s "-screen 0 1440x900x24" \
  "$here/first-frame.sh" /usr/bin/fabric-ha-desktop "$tmp/app-data" ||
  fail "the installed app did not reach its first frame"

# Remove it again; nothing of it may stay.
apt remove "$pkg" >"$tmp/remove.log" 2>&1 || { cat "$tmp/remove.log" >&2; fail "apt-get remove $pkg failed"; }
we_installed=0
installed && fail "$pkg is still installed after apt-get remove"
for f in /usr/bin/fabric-ha-desktop /usr/bin/fabric-ha "$desktop" /usr/share/mime/packages/fabric-ha-desktop.xml; do
  [ ! -e "$f" ] || fail "$f is still there after apt-get remove $pkg"
done
if [ -f /usr/share/mime/globs2 ] && grep -q 'application/x-fabric-ha-bundle' /usr/share/mime/globs2; then
  fail "/usr/share/mime/globs2 still knows application/x-fabric-ha-bundle after the removal"
fi
echo "test-package: removed; ok"
