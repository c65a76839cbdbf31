#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1 for the channel-server tests and print
# the DSN of a test role/database as the LAST line of stdout (everything else goes to stderr).
#
# Idempotent: when the server already answers it only prints the DSN. Otherwise it installs
# Debian's `postgresql` if missing, creates/starts a cluster (run as the postgres user; we may
# be root), and creates the role `tillpoint_test` (CREATEDB) with database `tillpoint_test`.
# Tests give each test its own schema inside that database.
set -euo pipefail

PORT="${TILLPOINT_PG_PORT:-5432}"
ROLE=tillpoint_test
PASSWORD=tillpoint_test
DBNAME=tillpoint_test
DSN="postgresql://${ROLE}:${PASSWORD}@127.0.0.1:${PORT}/${DBNAME}"

log() { echo "postgres.sh: $*" >&2; }

as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    elif [ "$(id -un)" = postgres ]; then
        "$@"
    else
        sudo -n -u postgres -- "$@"
    fi
}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n -- "$@"; fi
}

dsn_works() {
    command -v psql >/dev/null 2>&1 && PGCONNECT_TIMEOUT=3 psql "$DSN" -qAtc 'select 1' >/dev/null 2>&1
}

if dsn_works; then
    echo "$DSN"
    exit 0
fi

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null 2>&1; then
    log "installing Debian's postgresql"
    as_root apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
fi

VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "${VERSION} main"; then
    log "creating cluster ${VERSION}/main on port ${PORT}"
    as_root pg_createcluster -p "$PORT" "$VERSION" main >&2
fi
CLUSTER_PORT="$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $3}')"
if [ "$CLUSTER_PORT" != "$PORT" ]; then
    log "cluster ${VERSION}/main listens on ${CLUSTER_PORT}, not ${PORT}; using it"
    PORT="$CLUSTER_PORT"
    DSN="postgresql://${ROLE}:${PASSWORD}@127.0.0.1:${PORT}/${DBNAME}"
fi
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
    log "starting cluster ${VERSION}/main"
    # pg_ctlcluster refuses to start as root unless told the cluster owner; --skip-systemctl-redirect
    # keeps it from handing over to a systemd that containers do not run.
    as_root pg_ctlcluster --skip-systemctl-redirect "$VERSION" main start >&2
fi
for _ in $(seq 1 60); do
    if as_postgres pg_isready -q -h 127.0.0.1 -p "$PORT"; then break; fi
    sleep 0.5
done
as_postgres pg_isready -h 127.0.0.1 -p "$PORT" >&2

as_postgres psql -p "$PORT" -qAt -v ON_ERROR_STOP=1 >&2 <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ROLE}') THEN
        CREATE ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}';
    ELSE
        ALTER ROLE ${ROLE} LOGIN CREATEDB PASSWORD '${PASSWORD}';
    END IF;
END
\$\$;
SQL
if ! as_postgres psql -p "$PORT" -qAtc "SELECT 1 FROM pg_database WHERE datname = '${DBNAME}'" | grep -q 1; then
    as_postgres createdb -p "$PORT" -O "$ROLE" "$DBNAME" >&2
fi

if ! dsn_works; then
    log "PostgreSQL runs but ${DSN%%@*}@... does not answer (check pg_hba.conf for 127.0.0.1)"
    exit 1
fi
echo "$DSN"
