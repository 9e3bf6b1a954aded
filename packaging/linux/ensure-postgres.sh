#!/bin/sh
# Make sure PostgreSQL's server programs are here for the tests that run
# Besedka on PostgreSQL (tests/postgres.py starts a throwaway cluster with
# initdb and pg_ctl; no PostgreSQL service is used or started).
#
# As root on Debian or Ubuntu we install the `postgresql` package when they
# are missing; otherwise we say what to run and carry on: the PostgreSQL
# tests are then skipped with the reason (a failure under CI=true).
set -eu
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || [ -n "${BESEDKA_PG_BIN:-}" ]; then
    exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure-postgres: installing PostgreSQL's server programs (Debian package postgresql) for the tests"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    exit 0
fi
echo "ensure-postgres: PostgreSQL is not installed; its tests will be skipped." >&2
echo "    To run them: sudo apt-get install postgresql (or set BESEDKA_PG_BIN to its bin directory)" >&2
exit 0
