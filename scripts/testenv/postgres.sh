#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests, on 127.0.0.1 only.
#
#   postgres.sh up      install PostgreSQL if missing, init and start (or reuse) the cluster
#   postgres.sh down    stop the cluster (its data is kept for a fast next start)
#   postgres.sh env     print FACTDESK_TEST_PG_DSN
#   postgres.sh status  exit 0 when the cluster is running
#   postgres.sh purge   stop the cluster and delete its data
#
# Environment:
#   FACTDESK_TESTENV_DIR      state dir (default $HOME/.cache/factdesk-testenv)
#   FACTDESK_TESTENV_PG_DIR   cluster dir (default <state dir>/pg; see below when root)
#   FACTDESK_TESTENV_PG_PORT  TCP port (default 55432)
#   FACTDESK_TESTENV_PG_DB    database to create (default factdesk_test)
#
# PostgreSQL refuses to run as root, so as root the server runs as the
# "postgres" OS user. That user cannot enter a private home directory; in that
# case the cluster lives under /var/tmp instead.
set -euo pipefail

: "${HOME:=$(getent passwd "$(id -u)" | cut -d: -f6)}"

STATE_ROOT=${FACTDESK_TESTENV_DIR:-$HOME/.cache/factdesk-testenv}
PORT=${FACTDESK_TESTENV_PG_PORT:-55432}
DB=${FACTDESK_TESTENV_PG_DB:-factdesk_test}
PG_OS_USER=postgres

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { printf 'postgres.sh: error: %s\n' "$*" >&2; exit 1; }

case $PORT in '' | *[!0-9]*) die "FACTDESK_TESTENV_PG_PORT must be a number, got '$PORT'" ;; esac
[[ $DB =~ ^[a-z_][a-z0-9_]*$ ]] || die "FACTDESK_TESTENV_PG_DB must be a plain lower-case identifier, got '$DB'"

AS_ROOT=false
[[ $(id -u) == 0 ]] && AS_ROOT=true

# as_pg CMD...: run a server-side command as the user that owns the cluster.
as_pg() {
	if $AS_ROOT; then
		if command -v runuser >/dev/null 2>&1; then
			runuser -u "$PG_OS_USER" -- "$@"
		else
			su -s /bin/sh "$PG_OS_USER" -c "$(printf '%q ' "$@")"
		fi
	else
		"$@"
	fi
}

# find_bin NAME: print the path of a PostgreSQL server binary, newest version first.
find_bin() {
	local name=$1 d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V -r); do
		[[ -x $d/$name ]] && { echo "$d/$name"; return 0; }
	done
	command -v "$name" 2>/dev/null && return 0
	return 1
}

find_bins() {
	INITDB=$(find_bin initdb) && PG_CTL=$(find_bin pg_ctl) && PSQL=$(find_bin psql)
}

install_postgres() {
	find_bins && return 0
	$AS_ROOT || die "PostgreSQL (initdb, pg_ctl, psql) is not installed; install the Debian package 'postgresql' or put its bin dir on PATH"
	command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is not available"
	log "installing PostgreSQL from Debian packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq || die "apt-get update failed"
	apt-get install -y -qq --no-install-recommends postgresql >/dev/null || die "apt-get install postgresql failed"
	find_bins || die "PostgreSQL was installed but initdb/pg_ctl/psql were not found under /usr/lib/postgresql/*/bin"
}

pick_dirs() {
	if [[ -n ${FACTDESK_TESTENV_PG_DIR:-} ]]; then
		PGROOT=$FACTDESK_TESTENV_PG_DIR
	else
		PGROOT=$STATE_ROOT/pg
		if $AS_ROOT; then
			mkdir -p "$STATE_ROOT"
			if ! runuser -u "$PG_OS_USER" -- test -x "$STATE_ROOT" 2>/dev/null; then
				PGROOT=/var/tmp/factdesk-testenv/pg
			fi
		fi
	fi
	DATA=$PGROOT/data
	SOCK=$PGROOT/sock
	LOGFILE=$PGROOT/postgres.log
}

ensure_user() {
	$AS_ROOT || return 0
	id "$PG_OS_USER" >/dev/null 2>&1 && return 0
	# The Debian package creates this user; create it if the binaries came from elsewhere.
	useradd --system --home-dir /var/lib/postgresql --shell /bin/sh "$PG_OS_USER" ||
		die "could not create the '$PG_OS_USER' OS user"
}

is_running() { [[ -f $DATA/PG_VERSION ]] && as_pg "$PG_CTL" -D "$DATA" status >/dev/null 2>&1; }

psql_admin() {
	"$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres -d postgres "$@"
}

cmd_up() {
	install_postgres
	ensure_user
	pick_dirs
	mkdir -p "$PGROOT"
	$AS_ROOT && chown "$PG_OS_USER": "$PGROOT"
	exec 9>"$PGROOT/.lock"
	flock 9

	if [[ ! -f $DATA/PG_VERSION ]]; then
		rm -rf "$DATA"
		as_pg mkdir -p "$DATA" "$SOCK"
		as_pg "$INITDB" -D "$DATA" -U postgres -A trust --no-sync -E UTF8 --locale=C >"$PGROOT/initdb.log" 2>&1 || {
			tail -n 20 "$PGROOT/initdb.log" >&2
			die "initdb failed (log: $PGROOT/initdb.log)"
		}
	fi
	as_pg mkdir -p "$SOCK"

	local start=$SECONDS
	if is_running; then
		local running_port
		running_port=$(sed -n 4p "$DATA/postmaster.pid" 2>/dev/null || true)
		if [[ $running_port == "$PORT" ]]; then
			log "reusing running PostgreSQL on 127.0.0.1:$PORT"
		else
			log "running cluster listens on port '$running_port', not $PORT; restarting it"
			as_pg "$PG_CTL" -D "$DATA" -m fast -w stop >/dev/null
		fi
	fi
	if ! is_running; then
		# 9>&- below: the server must not inherit (and so hold) the lock.
		as_pg touch "$LOGFILE"
		as_pg "$PG_CTL" -D "$DATA" -l "$LOGFILE" -w -t 60 -o "-c listen_addresses=127.0.0.1 -p $PORT -k $SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null 9>&- || {
			log "PostgreSQL did not start; last lines of $LOGFILE:"
			tail -n 20 "$LOGFILE" >&2 || true
			die "could not start PostgreSQL on 127.0.0.1:$PORT (is the port taken? set FACTDESK_TESTENV_PG_PORT)"
		}
		log "PostgreSQL up on 127.0.0.1:$PORT in $((SECONDS - start))s (data: $DATA)"
	fi

	if [[ -z $(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then
		psql_admin -c "CREATE DATABASE $DB" || die "could not create database $DB"
	fi
}

cmd_down() {
	find_bins || return 0
	pick_dirs
	[[ -f $DATA/PG_VERSION ]] || return 0
	if is_running; then
		as_pg "$PG_CTL" -D "$DATA" -m fast -w stop >/dev/null
		log "stopped PostgreSQL ($DATA)"
	fi
}

cmd_purge() {
	cmd_down
	pick_dirs
	rm -rf "$PGROOT"
	log "deleted $PGROOT"
}

# cmd_recreate_db NAME: an empty database NAME, for a service that wants a
# fresh one on every start (the test homeserver).
cmd_recreate_db() {
	local name=${1:?usage: postgres.sh recreate-db NAME}
	case $name in *[!a-z0-9_]*) die "database name '$name' must be lower-case letters, digits and _" ;; esac
	find_bins || die "PostgreSQL is not installed"
	pick_dirs
	is_running || die "PostgreSQL is not running; run postgres.sh up first"
	psql_admin -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" >/dev/null ||
		die "could not recreate database $name"
}

cmd_env() {
	printf 'FACTDESK_TEST_PG_DSN=postgres://postgres@127.0.0.1:%s/%s?sslmode=disable\n' "$PORT" "$DB"
}

cmd_status() {
	find_bins || return 1
	pick_dirs
	is_running
}

case ${1:-} in
up) cmd_up ;;
down) cmd_down ;;
env) cmd_env ;;
status) cmd_status ;;
purge) cmd_purge ;;
recreate-db) cmd_recreate_db "${2:-}" ;;
*)
	echo "usage: $0 up|down|env|status|purge|recreate-db NAME" >&2
	exit 2
	;;
esac
