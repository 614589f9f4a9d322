#!/bin/sh
# with_secret_service.sh DIR COMMAND...
# Run COMMAND inside a private D-Bus session with an unlocked gnome-keyring whose files
# live in DIR (never the user's keyring), and exit with COMMAND's status. `make test`
# runs pytest through it so that tests/env/test_secret_service.py can use a real
# Secret Service; every other test uses an in-memory keyring.
set -u
if [ -z "${CIO_IN_TEST_DBUS:-}" ]; then
    # dbus-daemon prints start-up chatter on stderr: drop it, and keep the command's
    # stderr on fd 3.
    CIO_IN_TEST_DBUS=1 exec dbus-run-session -- sh "$0" "$@" 3>&2 2>/dev/null
fi
dir=$1
shift
rm -rf "$dir" && mkdir -p "$dir/data" "$dir/run" && chmod 700 "$dir" "$dir/run"
# A password on stdin unlocks (creates) the login keyring; an empty stdin would make the
# daemon ask a GUI prompt and fail. --foreground so it can be stopped by its pid: a
# daemonised one may outlive the bus.
printf 'cio-test\n' | XDG_DATA_HOME="$dir/data" XDG_RUNTIME_DIR="$dir/run" \
    gnome-keyring-daemon --foreground --unlock --components=secrets >"$dir/daemon.out" 2>"$dir/daemon.err" &
daemon=$!
# Ready once it owns org.freedesktop.secrets on the bus (wait at most 5 s): asking
# earlier would make the bus start another, locked daemon from its service file.
ready() {
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true
}
i=0
while ! ready && [ "$i" -lt 50 ] && kill -0 "$daemon" 2>/dev/null; do
    sleep 0.1
    i=$((i + 1))
done
CIO_TEST_SECRET_SERVICE=1 CIO_TEST_SECRET_SERVICE_LOG="$dir/daemon.err" "$@" 2>&3 3>&-
status=$?
kill "$daemon" 2>/dev/null
wait "$daemon" 2>/dev/null
exit "$status"
