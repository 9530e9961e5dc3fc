#!/usr/bin/env bash
# bench/submit.sh — how close tillid's answer path comes to the database's
# own limit, on this machine, in one run:
#   (a) the bare limit: the submission's SQL without tillid — pgbench with a
#       script of the same statements (PostgreSQL) and 'tillid load --bare',
#       a Go loop running them through tillid's connection settings;
#   (b) tillid end to end: 'tillid serve' and 'tillid load' (real HTTP
#       clients: GET the form, POST it with its CSRF token) on the same
#       machine;
# at 16 and 64 clients, and prints (b)/(a), the POST p99 and the server's
# peak memory (VmHWM). Every HTTP run ends with the exactly-once check.
#
# Usage: bench/submit.sh [sqlite|postgres|all]     (default all)
# Environment: N submissions per measurement (default 6000), TILLID, PG_ADMIN
# (see bench/lib.sh). It creates and drops its own databases.
source "$(dirname "$0")/lib.sh"
N="${N:-6000}"
DIALECTS="${1:-all}"
[ "$DIALECTS" = all ] && DIALECTS="sqlite postgres"
build_tillid
SUMMARY=()
LOAD_BEFORE=$(cut -d" " -f1-3 /proc/loadavg)

# pgbench_script DSN ROUND: the pgbench version of SubmitResponse's
# statements, taking the next unused invitation of ROUND from a sequence.
pgbench_script() {
  local dsn="$1" round="$2" first items values="" i=0
  first=$(psql -qtA "$dsn" -c "SELECT min(id) FROM invitations WHERE round_id = $round AND NOT used")
  psql -q "$dsn" -c "CREATE SEQUENCE bench_inv START $first" >/dev/null
  items=$(psql -qtA "$dsn" -c "SELECT i.id FROM items i JOIN rounds r ON r.questionnaire_id = i.questionnaire_id WHERE r.id = $round AND i.type <> 'text' ORDER BY i.position")
  for id in $items; do
    values+="${values:+, }(:rid, $id, :v$((i % 3)))"
    i=$((i + 1))
  done
  cat <<SQL
\\set v0 random(1, 5)
\\set v1 random(1, 5)
\\set v2 random(1, 3)
BEGIN;
UPDATE invitations SET used = TRUE WHERE id = (SELECT nextval('bench_inv')) AND used = FALSE AND round_id IN (SELECT id FROM rounds WHERE status = 'open') RETURNING round_id, unit_id, (SELECT questionnaire_id FROM rounds WHERE rounds.id = invitations.round_id) AS qid, md5(random()::text) AS rid \\gset
INSERT INTO responses (id, round_id, unit_id, submitted_on, lang) VALUES (:rid, :round_id, :unit_id, '$(date +%F)', 'da');
INSERT INTO answers (response_id, item_id, value) VALUES $values;
COMMIT;
SQL
}

# http_run DSN ROUND LINKS CLIENTS: serves, loads, checks; prints the
# load's RESULT line with the server's peak memory appended.
http_run() {
  local dsn="$1" round="$2" links="$3" clients="$4" out rss
  start_server "$dsn" "serve-$clients"
  out=$("$TILLID" load --db "$dsn" --url "$SERVER_URL" --links "$links" --round "$round" --concurrency "$clients" --count "$N")
  rss=$(peak_rss "$SERVER_PID")
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  grep -v '^RESULT' <<<"$out" >&2
  echo "$(grep '^RESULT' <<<"$out") rss=${rss// /}"
}

for dialect in $DIALECTS; do
  log "$dialect: prepare (warm-up round, a bare round, one round per HTTP run; $N submissions each)"
  new_db "$dialect" main; dsn=$DSN
  warm=$(prepare_round "$dsn" 300 "$WORK/warm-$dialect.csv")
  bare=$(prepare_round "$dsn" $((4 * N)) "$WORK/bare-$dialect.csv")
  r16=$(prepare_round "$dsn" "$N" "$WORK/http16-$dialect.csv")
  r64=$(prepare_round "$dsn" "$N" "$WORK/http64-$dialect.csv")
  # Never measure from an empty responses table (MEASUREMENTS.md, "Trap"):
  # seed responses, then let PostgreSQL analyse before connections open.
  "$TILLID" load --bare --db "$dsn" --round "$warm" --concurrency 4 >/dev/null
  [ "$dialect" = postgres ] && psql -q "$dsn" -c "ANALYZE" >/dev/null

  declare -A limit=() limit_src=()
  if [ "$dialect" = postgres ]; then
    pgbench_script "$dsn" "$bare" >"$WORK/submit.pgbench"
    for c in 16 64; do
      log "$dialect: (a) pgbench, $c clients, -M prepared"
      pg=$(pgbench -n -M prepared -c "$c" -j 2 -t $((N / c)) -f "$WORK/submit.pgbench" "$dsn" 2>&1)
      grep -E '^(tps|latency|number of failed)' <<<"$pg" >&2
      limit[$c]=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$pg") limit_src[$c]=pgbench
      SUMMARY+=("$dialect  bare pgbench                       c=$c  $(printf %.1f "${limit[$c]}") tx/s")
    done
  fi
  # After pgbench: the Go loop takes the invitations pgbench left unused.
  for c in 16 64; do
    log "$dialect: (a) tillid load --bare, $c connections"
    out=$("$TILLID" load --bare --db "$dsn" --round "$bare" --concurrency "$c" --count "$N")
    grep -v '^RESULT' <<<"$out" >&2
    tps=$(result throughput "$(grep '^RESULT' <<<"$out")")
    SUMMARY+=("$dialect  bare Go loop (tillid's driver)     c=$c  $tps tx/s  p99 $(result p99_ms "$out") ms")
    if [ -z "${limit[$c]:-}" ] || awk "BEGIN{exit !($tps > ${limit[$c]})}"; then
      limit[$c]=$tps limit_src[$c]="Go loop"
    fi
  done
  for c in 16 64; do
    rounds=([16]=$r16 [64]=$r64)
    log "$dialect: (b) tillid serve + tillid load, $c clients"
    res=$(http_run "$dsn" "${rounds[$c]}" "$WORK/http$c-$dialect.csv" "$c")
    tps=$(result throughput "$res")
    ratio=$(awk "BEGIN{printf \"%.2f\", $tps / ${limit[$c]}}")
    SUMMARY+=("$dialect  tillid over HTTP                   c=$c  $tps submissions/s  p50 $(result p50_ms "$res") ms  p99 $(result p99_ms "$res") ms  check ok=$(result ok "$res")  server peak RSS $(result rss "$res")  ratio to ${limit_src[$c]} $ratio")
  done
done

log "summary ($(nproc) cores, load average at the start: $LOAD_BEFORE)"
printf '%s\n' "${SUMMARY[@]}"
