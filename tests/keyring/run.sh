#!/bin/sh
# Runs a command under a private D-Bus session with a freshly created,
# unlocked gnome-keyring (Secret Service), so tests can use a real OS
# keyring on a headless Linux host without touching the user's keyring.
#
# Usage: tests/keyring/run.sh COMMAND [ARGS...]
#   e.g. tests/keyring/run.sh cargo test -p fabric-ha-store --test keyring_real
#
# Needs: dbus (dbus-run-session), gnome-keyring (gnome-keyring-daemon).
# Sets FABRIC_HA_REAL_KEYRING=1 for the command.
set -eu

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: '$tool' not found (install the dbus and gnome-keyring packages)" >&2
        exit 127
    fi
done

# Keep cargo/rustup working although HOME moves to the temp dir.
: "${CARGO_HOME:=${HOME:-/root}/.cargo}"
: "${RUSTUP_HOME:=${HOME:-/root}/.rustup}"
export CARGO_HOME RUSTUP_HOME

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fabric-ha-keyring.XXXXXXXX")
chmod 0700 "$tmp"
mkdir -m 0700 "$tmp/home" "$tmp/run"
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# A random password for the throw-away login keyring.
PASS=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
export PASS
export HOME="$tmp/home"
export XDG_RUNTIME_DIR="$tmp/run"
export XDG_DATA_HOME="$tmp/home/.local/share"
export XDG_CONFIG_HOME="$tmp/home/.config"
export XDG_CACHE_HOME="$tmp/home/.cache"
export FABRIC_HA_REAL_KEYRING=1
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL

# Not exec: the EXIT trap must run to remove the temp dir. When the
# session's command exits, dbus-run-session stops the bus, and the keyring
# daemon exits with it.
status=0
dbus-run-session -- sh -c '
    eval "$(printf %s "$PASS" | gnome-keyring-daemon --unlock --components=secrets)"
    export GNOME_KEYRING_CONTROL
    unset PASS
    exec "$@"
' fabric-ha-keyring "$@" || status=$?
exit "$status"
