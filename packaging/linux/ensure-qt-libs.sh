#!/bin/sh
# Make sure the system libraries Qt's xcb platform plugin loads are present.
#
# PyQt6's wheels bring Qt itself but not these X11 helper libraries; without
# them the client dies at start with "could not load the Qt platform plugin
# xcb".  As root we install what is missing; otherwise we say exactly what to
# run.  On systems without dpkg (not Debian or Ubuntu) there is nothing to
# check this way, so we say so and carry on.
set -eu
list="$(dirname "$0")/qt-runtime-packages.txt"
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "ensure-qt-libs: no dpkg here; if the client cannot load the Qt xcb plugin, install the packages in $list" >&2
    exit 0
fi
missing=""
for pkg in $(grep -v '^#' "$list"); do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *"ok installed"*) ;;
        *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "ensure-qt-libs: installing Qt runtime libraries:$missing"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    echo "The Besedka client needs system libraries that are missing. Run:" >&2
    echo "    sudo apt-get install$missing" >&2
    exit 1
fi
