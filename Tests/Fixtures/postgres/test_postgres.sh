#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests, on a free loopback port, as an unprivileged user.
#   test_postgres.sh start DIR [durable]
#                                 initdb in DIR (created), start, print the postgres:// URL;
#                                 `durable` keeps fsync on (benchmarks), tests run without it
#   test_postgres.sh restart DIR  fast restart (the tests' "database went away" fault)
#   test_postgres.sh stop DIR     fast stop and remove DIR
# Debian's `postgresql` package provides the binaries (`make deps` installs it). PostgreSQL
# refuses to run as root, so under root it runs as the `postgres` user the package creates.
set -euo pipefail
command=${1:?usage: test_postgres.sh start|restart|stop DIR}
dir=${2:?usage: test_postgres.sh start|restart|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "test_postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_ctl as the owner, with no descriptor but stdin/out/err (pointed away): the server it leaves
# running would otherwise hold whatever our caller passed down, and a caller waiting for those to
# close (a pipe's end, a process monitor) would wait for the server.
pg_ctl_detached() {
    (
        for fd in /proc/self/fd/*; do
            n=${fd##*/}
            if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null || true; fi
        done
        as_owner "$bin/pg_ctl" "$@" </dev/null >/dev/null 2>&1
    )
}

case $command in
start)
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    password="pg-test-secret-$RANDOM$RANDOM"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner bash -c "umask 077; printf '%s\n' '$password' > '$dir/password'"
    as_owner "$bin/initdb" -D "$dir/data" -U conveyor --pwfile="$dir/password" --auth=scram-sha-256 -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    # Throwaway data: no fsync unless asked. Enough connections for several workers and the
    # conformance suite.
    fsync=off
    [ "${3:-}" = durable ] && fsync=on
    pg_ctl_detached -D "$dir/data" -l "$dir/server.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=$fsync -c max_connections=300" start \
        || { cat "$dir/server.log" >&2; exit 1; }
    PGPASSWORD=$password "$bin/createdb" -h 127.0.0.1 -p "$port" -U conveyor conveyor
    echo "postgres://conveyor:$password@127.0.0.1:$port/conveyor?sslmode=disable" | tee "$dir/url"
    ;;
restart)
    pg_ctl_detached -D "$dir/data" -l "$dir/server.log" -m fast -w -t 30 restart
    ;;
stop)
    if [ -d "$dir/data" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
*)
    echo "test_postgres.sh: unknown command '$command'" >&2
    exit 2
    ;;
esac
