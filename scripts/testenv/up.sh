#!/usr/bin/env bash
# Bring up everything the tests need (PostgreSQL and a Matrix homeserver on
# 127.0.0.1) and write the variables the tests read to .testenv at the repo
# root, as `export NAME='value'` lines:
#
#   scripts/testenv/up.sh && . ./.testenv && go test ./...
#
# Idempotent: running services are reused, built binaries are cached.
# scripts/testenv/down.sh stops both again (their caches stay).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${FACTDESK_TESTENV_FILE:-$root/.testenv}

die() { printf 'testenv: error: %s\n' "$*" >&2; exit 1; }

start=$SECONDS
# Build Dendrite first (slow on a cold machine), then start both.
"$here/dendrite.sh" build || die "could not build Dendrite"
"$here/postgres.sh" up || die "could not start PostgreSQL"
# The homeserver keeps its data in the same PostgreSQL: its SQLite mode
# fails under the concurrent load of the integration tests.
pg_port=${FACTDESK_TESTENV_PG_PORT:-55432}
FACTDESK_TESTENV_DENDRITE_DB=${FACTDESK_TESTENV_DENDRITE_DB:-postgres://postgres@127.0.0.1:$pg_port/dendrite?sslmode=disable} \
	"$here/dendrite.sh" up || die "could not start Dendrite"

pg_env=$("$here/postgres.sh" env) || die "postgres.sh env failed"
mx_env=$("$here/dendrite.sh" env) || die "dendrite.sh env failed"

tmp=$(mktemp "$out.XXXXXX")
{
	echo "# Written by scripts/testenv/up.sh; load with: . ./.testenv"
	while IFS='=' read -r name value; do
		[[ -n $name ]] || continue
		printf "export %s='%s'\n" "$name" "${value//\'/\'\\\'\'}"
	done <<<"$pg_env"$'\n'"$mx_env"
} >"$tmp"
mv -f "$tmp" "$out"
printf 'testenv: ready in %ss; variables in %s\n' "$((SECONDS - start))" "$out" >&2
