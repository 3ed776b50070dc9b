#!/usr/bin/env bash
# make bench: runs the benchmarks once and prints each figure as `name: value`
# at the end. Figures are from this one run on this machine; compare them as
# ratios, not against other machines.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"; [[ -n "${desk_pid:-}" ]] && kill "$desk_pid" 2>/dev/null || true' EXIT

# PostgreSQL figures need a server: use the test one when it is up. When it
# is not (after `make testenv-down`), every other figure is still printed
# and the PostgreSQL ones are omitted with a note.
if [[ -z "${FACTDESK_TEST_PG_DSN:-}" && -f .testenv ]]; then
	set -a; . ./.testenv; set +a
fi
pg_up() { # pg_up DSN: does a server answer there?
	if command -v pg_isready >/dev/null; then
		pg_isready -q -t 3 -d "$1"
		return
	fi
	local hp=${1#*://}
	hp=${hp##*@}; hp=${hp%%/*}; hp=${hp%%\?*}
	local host=${hp%:*} port=${hp##*:}
	[[ $host == "$hp" ]] && port=5432
	timeout 3 bash -c ">/dev/tcp/$host/$port" 2>/dev/null
}
pg_note=
if [[ -z "${FACTDESK_TEST_PG_DSN:-}" ]]; then
	pg_note="no PostgreSQL server is configured (make testenv starts one)"
elif ! pg_up "$FACTDESK_TEST_PG_DSN"; then
	pg_note="the PostgreSQL server in FACTDESK_TEST_PG_DSN does not answer (make testenv starts it)"
	# Nothing else may try it either: benchmarks run on SQLite alone.
	unset FACTDESK_TEST_PG_DSN
fi

# A benchmark that fails is reported and the others still run; the script
# then exits non-zero after printing the figures it has.
failed=()
run() {
	echo "+ go test $*" >&2
	if ! go test -run '^$' "$@" 2>&1 | tee -a "$out"; then
		failed+=("$*")
	fi
}
run -bench 'BenchmarkClaimRate$' -benchtime=3s ./cmd/factdesk
run -bench 'BenchmarkClaimLatency$' -benchtime=1x ./cmd/factdesk
run -bench 'BenchmarkSlashCommand$' -benchtime=5000x ./bot/slack
run -bench 'BenchmarkExtract$' ./workflows/extract
# Five runs of each size; the fastest of each is compared, since the slower
# ones measure what else the machine was doing.
run -bench 'BenchmarkExtractScale$' -count 5 ./workflows/extract
run -bench 'BenchmarkDigest$' -benchtime=10x -timeout 30m ./storage
# 200 KB pasted after a lone ingest at a pseudo-terminal, in short and in
# long lines: paste_100col_s, paste_1000col_s, paste_long_lines_ratio.
run -bench 'BenchmarkPasteMode$' -benchtime=1x ./bot/shell
# A million-claim CSV export in a process of its own: export_1m_claims_s
# (and its CPU seconds), its peak anonymous memory export_rss_mb, and the
# kernel's peak RSS with SQLite's mapped database file. The desk is filled
# straight through SQL.
run -bench 'BenchmarkExport$' -benchtime=1x -timeout 30m ./cmd/factdesk
if [[ -z "$pg_note" ]]; then
	run -bench 'BenchmarkPGClaimRate' ./storage
fi

# Idle RSS of `factdesk run`: the terminal desk with its input held open.
dir=$(mktemp -d)
cat >"$dir/factdesk.yaml" <<CFG
db: sqlite://$dir/desk.db
http:
  addr: 127.0.0.1:0
log:
  level: warn
CFG
go build -o "$dir/factdesk" ./cmd/factdesk
mkfifo "$dir/in"
"$dir/factdesk" run --config "$dir/factdesk.yaml" <"$dir/in" >/dev/null 2>&1 &
desk_pid=$!
exec 7>"$dir/in" # hold the terminal open
sleep 3 # start-up, migrations, first outbox pass: then it is idle
rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$desk_pid/status")
exec 7>&-
kill "$desk_pid" 2>/dev/null || true
wait "$desk_pid" 2>/dev/null || true
desk_pid=

echo
echo "== figures =="
grep -E '^[a-z0-9_]+: [0-9.]+$' "$out" || true
metric() { # metric BENCH-NAME-REGEX UNIT
	awk -v re="$1" -v unit="$2" '$1 ~ re { for (i = 2; i < NF; i++) if ($(i+1) == unit) { print $i; exit } }' "$out"
}
claim=$(grep -E '^claim_rate: ' "$out" | awk '{print $2}')
slack=$(metric '^BenchmarkSlashCommand' 'cmds/s')
extract=$(metric '^BenchmarkExtract' 'MB/s')
[[ -n "$slack" ]] && echo "slack_cmd_rate: $slack"
[[ -n "$slack" && -n "$claim" ]] && awk -v s="$slack" -v c="$claim" 'BEGIN { printf "slack_rate_ratio: %.2f\n", s / c }'
[[ -n "$extract" ]] && echo "extract_mb_per_s: $extract"
scale() { # fastest ns/op of BenchmarkExtractScale/xN
	awk -v re="^BenchmarkExtractScale/x$1-" '$1 ~ re { for (i = 2; i < NF; i++) if ($(i+1) == "ns/op" && (min == "" || $i + 0 < min)) min = $i + 0 } END { print min }' "$out"
}
x1=$(scale 1)
if [[ -n "$x1" ]]; then
	for k in 2 4 8; do
		xk=$(scale "$k")
		name=extract_scale_ratio_x$k
		[[ $k == 8 ]] && name=extract_scale_ratio
		[[ -n "$xk" ]] && awk -v a="$xk" -v b="$x1" -v n="$name" 'BEGIN { printf "%s: %.2f\n", n, a / b }'
	done
fi
pg1=$(metric '^BenchmarkPGClaimRate1' 'claims/s')
pg2=$(metric '^BenchmarkPGClaimRate2' 'claims/s')
[[ -n "$pg1" ]] && echo "pg_claim_rate_1: $pg1"
[[ -n "$pg2" ]] && echo "pg_claim_rate_2: $pg2"
awk -v kb="$rss_kb" 'BEGIN { printf "idle_rss_mb: %.1f\n", kb / 1024 }'
if [[ -n "$pg_note" ]]; then
	echo "note: pg_claim_rate_1 and pg_claim_rate_2 omitted: $pg_note"
fi
if ((${#failed[@]})); then
	printf 'note: failed: go test %s\n' "${failed[@]}" >&2
	exit 1
fi
