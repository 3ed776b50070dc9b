#!/usr/bin/env bash
# Throwaway Matrix homeserver (Dendrite) for tests, on 127.0.0.1 only.
#
#   dendrite.sh build   build and cache the dendrite binaries (skipped when cached)
#   dendrite.sh up      build if needed, then start (or reuse) the homeserver
#   dendrite.sh down    stop it
#   dendrite.sh env     print the FACTDESK_TEST_MATRIX_* variables
#   dendrite.sh status  exit 0 when it is running and answering
#
# Environment:
#   FACTDESK_TESTENV_DIR            state dir (default $HOME/.cache/factdesk-testenv)
#   FACTDESK_TESTENV_CACHE          binary cache (default ${XDG_CACHE_HOME:-$HOME/.cache}/factdesk-testenv)
#   FACTDESK_TESTENV_MATRIX_PORT    HTTP port (default 58008)
#   FACTDESK_TESTENV_MATRIX_SERVER_NAME  server name (default localhost)
#   FACTDESK_TESTENV_WAIT           seconds to wait for readiness (default 60)
#   FACTDESK_TESTENV_DENDRITE_DB    a postgres:// URL: keep the homeserver's data in
#                                   PostgreSQL (recreated on every fresh start) instead
#                                   of SQLite files, which fail with SQLITE_BUSY when
#                                   several test processes talk to it at once
#
# Every fresh start wipes the homeserver's databases: tests must not rely on
# state from an earlier run, and should use unique user names because a
# running instance is reused.
set -euo pipefail

: "${HOME:=$(getent passwd "$(id -u)" | cut -d: -f6)}"

DENDRITE_MODULE=github.com/element-hq/dendrite
DENDRITE_VERSION=v0.15.2

STATE_ROOT=${FACTDESK_TESTENV_DIR:-$HOME/.cache/factdesk-testenv}
CACHE_ROOT=${FACTDESK_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/factdesk-testenv}
PORT=${FACTDESK_TESTENV_MATRIX_PORT:-58008}
SERVER_NAME=${FACTDESK_TESTENV_MATRIX_SERVER_NAME:-localhost}
WAIT_SECS=${FACTDESK_TESTENV_WAIT:-60}

BIN_DIR=$CACHE_ROOT/dendrite-$DENDRITE_VERSION/bin
BUILD_DIR=$CACHE_ROOT/dendrite-$DENDRITE_VERSION/build
STATE=$STATE_ROOT/dendrite
PIDFILE=$STATE/dendrite.pid
LOGFILE=$STATE/dendrite.log
SECRETFILE=$STATE/shared_secret
PORTFILE=$STATE/port
NAMEFILE=$STATE/server_name
DBFILE=$STATE/database
DENDRITE_DB=${FACTDESK_TESTENV_DENDRITE_DB:-}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
URL=http://127.0.0.1:$PORT

log() { printf 'dendrite.sh: %s\n' "$*" >&2; }
die() { printf 'dendrite.sh: error: %s\n' "$*" >&2; exit 1; }

case $PORT in '' | *[!0-9]*) die "FACTDESK_TESTENV_MATRIX_PORT must be a number, got '$PORT'" ;; esac

# http_ok URL: exit 0 when URL answers 200. Uses curl when present, else bash /dev/tcp.
http_ok() {
	local url=$1
	if command -v curl >/dev/null 2>&1; then
		curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null
		return
	fi
	local rest=${url#http://} hostport path host port status
	hostport=${rest%%/*}
	path=/${rest#*/}
	host=${hostport%:*}
	port=${hostport##*:}
	(
		exec 3<>"/dev/tcp/$host/$port" || exit 1
		printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$hostport" >&3
		IFS= read -r -t 2 status <&3 || exit 1
		case $status in "HTTP/"*" 200"*) exit 0 ;; *) exit 1 ;; esac
	) 2>/dev/null
}

running_pid() {
	local pid
	[[ -f $PIDFILE ]] || return 1
	pid=$(<"$PIDFILE")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	# Make sure the pid was not reused by something else.
	[[ -r /proc/$pid/exe ]] && [[ $(readlink "/proc/$pid/exe") == "$BIN_DIR/dendrite"* ]] || return 1
	echo "$pid"
}

cmd_build() {
	if [[ -x $BIN_DIR/dendrite && -x $BIN_DIR/generate-keys ]]; then
		return 0
	fi
	command -v go >/dev/null 2>&1 || die "go is not on PATH; it is needed to build Dendrite"
	mkdir -p "$BUILD_DIR" "$BIN_DIR"
	# One build at a time; whoever waited finds the binaries built.
	exec 8>"$BUILD_DIR/.lock"
	flock 8
	if [[ -x $BIN_DIR/dendrite && -x $BIN_DIR/generate-keys ]]; then
		exec 8>&-
		return 0
	fi
	log "building Dendrite $DENDRITE_VERSION (first run only; takes a few minutes)"
	local start=$SECONDS
	(
		exec 8>&-
		cd "$BUILD_DIR"
		export GOWORK=off GOFLAGS=-mod=mod CGO_ENABLED=0
		[[ -f go.mod ]] || go mod init factdesk.test/dendrite-build >/dev/null 2>&1
		go get "$DENDRITE_MODULE/cmd/dendrite@$DENDRITE_VERSION" "$DENDRITE_MODULE/cmd/generate-keys@$DENDRITE_VERSION"
		for c in dendrite generate-keys; do
			go build -trimpath -o "$BIN_DIR/.$c.tmp" "$DENDRITE_MODULE/cmd/$c"
			mv -f "$BIN_DIR/.$c.tmp" "$BIN_DIR/$c"
		done
	) || die "building Dendrite failed (see the go output above)"
	exec 8>&-
	log "built Dendrite in $((SECONDS - start))s into $BIN_DIR"
}

# db_block KEY NAME: a component's database block for SQLite; nothing when
# the global PostgreSQL database is used.
db_block() {
	[[ -n $DENDRITE_DB ]] && return 0
	printf '  %s:\n    connection_string: file:%s/db/%s.db' "$1" "$STATE" "$2"
}

# global_db_block: the shared PostgreSQL database, when one is given.
global_db_block() {
	[[ -n $DENDRITE_DB ]] || return 0
	printf '  database:\n    connection_string: %s\n    max_open_conns: 40\n    max_idle_conns: 10\n    conn_max_lifetime: -1' "$DENDRITE_DB"
}

write_config() {
	local secret=$1
	cat >"$STATE/dendrite.yaml" <<EOF
# Generated by scripts/testenv/dendrite.sh: throwaway test homeserver.
version: 2
global:
  server_name: $SERVER_NAME
$(global_db_block)
  private_key: $STATE/matrix_key.pem
  key_validity_period: 168h0m0s
  disable_federation: true
  trusted_third_party_id_servers: []
  presence:
    enable_inbound: false
    enable_outbound: false
  report_stats:
    enabled: false
  jetstream:
    addresses: []
    in_memory: true
    storage_path: $STATE/jetstream
    topic_prefix: Dendrite
  metrics:
    enabled: false
  dns_cache:
    enabled: false
  cache:
    max_size_estimated: 64mb
    max_age: 1h
app_service_api:
  disable_tls_validation: false
  config_files: []
client_api:
  registration_disabled: true
  guests_disabled: true
  registration_shared_secret: "$secret"
  enable_registration_captcha: false
  rate_limiting:
    enabled: false
    threshold: 20
    cooloff_ms: 500
federation_api:
$(db_block database federationapi)
  send_max_retries: 1
  disable_tls_validation: true
key_server:
$(db_block database keyserver)
media_api:
$(db_block database mediaapi)
  base_path: $STATE/media
  max_file_size_bytes: 10485760
  dynamic_thumbnails: false
mscs:
$(db_block database mscs)
  mscs: []
relay_api:
$(db_block database relayapi)
room_server:
$(db_block database roomserver)
  default_room_version: "10"
sync_api:
$(db_block database syncapi)
  search:
    enabled: false
user_api:
  bcrypt_cost: 4
$(db_block account_database userapi)
logging:
  - type: std
    level: warn
EOF
}

cmd_up() {
	cmd_build
	mkdir -p "$STATE"
	exec 9>"$STATE/.lock"
	flock 9

	local pid
	if pid=$(running_pid); then
		if [[ $(cat "$PORTFILE" 2>/dev/null) == "$PORT" && $(cat "$NAMEFILE" 2>/dev/null) == "$SERVER_NAME" &&
			$(cat "$DBFILE" 2>/dev/null) == "$DENDRITE_DB" ]] && http_ok "$URL/_matrix/client/versions"; then
			log "reusing running Dendrite (pid $pid) at $URL"
			return 0
		fi
		log "running Dendrite (pid $pid) has other settings or does not answer; restarting it"
		stop_pid "$pid"
	fi
	if http_ok "$URL/_matrix/client/versions"; then
		die "something else already answers on $URL; set FACTDESK_TESTENV_MATRIX_PORT to a free port"
	fi

	local start=$SECONDS
	# Fresh state on every start: the event stream is in memory, so old databases would be inconsistent.
	rm -rf "$STATE/db" "$STATE/media" "$STATE/jetstream" "$STATE/matrix_key.pem"
	mkdir -p "$STATE/db" "$STATE/media"
	if [[ -n $DENDRITE_DB ]]; then
		local dbname=${DENDRITE_DB##*/}
		dbname=${dbname%%\?*}
		"$HERE/postgres.sh" recreate-db "$dbname" || die "could not prepare the homeserver's database"
	fi
	"$BIN_DIR/generate-keys" --private-key "$STATE/matrix_key.pem" >/dev/null ||
		die "generate-keys failed"
	local secret
	secret=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
	write_config "$secret"
	printf '%s\n' "$secret" >"$SECRETFILE"
	printf '%s\n' "$PORT" >"$PORTFILE"
	printf '%s\n' "$SERVER_NAME" >"$NAMEFILE"
	printf '%s\n' "$DENDRITE_DB" >"$DBFILE"
	chmod 600 "$SECRETFILE" "$STATE/dendrite.yaml"

	(
		cd "$STATE"
		exec setsid "$BIN_DIR/dendrite" -config "$STATE/dendrite.yaml" \
			-http-bind-address "127.0.0.1:$PORT" -https-bind-address "" \
			</dev/null >"$LOGFILE" 2>&1 9>&-
	) &
	pid=$!
	printf '%s\n' "$pid" >"$PIDFILE"

	local deadline=$((SECONDS + WAIT_SECS))
	until http_ok "$URL/_matrix/client/versions"; do
		if ! kill -0 "$pid" 2>/dev/null; then
			log "Dendrite exited during startup; last lines of $LOGFILE:"
			tail -n 30 "$LOGFILE" >&2 || true
			rm -f "$PIDFILE"
			exit 1
		fi
		if ((SECONDS >= deadline)); then
			log "Dendrite did not answer on $URL within ${WAIT_SECS}s; last lines of $LOGFILE:"
			tail -n 30 "$LOGFILE" >&2 || true
			stop_pid "$pid"
			exit 1
		fi
		sleep 0.1
	done
	log "Dendrite up at $URL (pid $pid, server name $SERVER_NAME) in $((SECONDS - start))s"
}

stop_pid() {
	local pid=$1 i
	kill "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "Dendrite (pid $pid) ignored SIGTERM for 10s; killing it"
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -f "$PIDFILE"
}

cmd_down() {
	[[ -d $STATE ]] || return 0
	exec 9>"$STATE/.lock"
	flock 9
	local pid
	if pid=$(running_pid); then
		stop_pid "$pid"
		log "stopped Dendrite (pid $pid)"
	else
		rm -f "$PIDFILE"
	fi
}

cmd_env() {
	[[ -f $SECRETFILE ]] || die "Dendrite has not been started; run: $0 up"
	printf 'FACTDESK_TEST_MATRIX_URL=http://127.0.0.1:%s\n' "$(<"$PORTFILE")"
	printf 'FACTDESK_TEST_MATRIX_SECRET=%s\n' "$(<"$SECRETFILE")"
	printf 'FACTDESK_TEST_MATRIX_SERVER_NAME=%s\n' "$(<"$NAMEFILE")"
}

cmd_status() {
	local pid
	pid=$(running_pid) && http_ok "http://127.0.0.1:$(<"$PORTFILE")/_matrix/client/versions"
}

case ${1:-} in
build) cmd_build ;;
up) cmd_up ;;
down) cmd_down ;;
env) cmd_env ;;
status) cmd_status ;;
*)
	echo "usage: $0 build|up|down|env|status" >&2
	exit 2
	;;
esac
