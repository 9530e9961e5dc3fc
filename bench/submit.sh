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

# pgbench_script DSN ROUND FORM: the pgbench version of SubmitResponse's
# SQL, taking the next unused invitation of ROUND from a sequence. FORM
# "one" is what tillid sends on PostgreSQL — one statement with CTEs,
# answers from arrays — and the bare limit; "tx" is the earlier
# five-statement transaction (BEGIN … COMMIT), kept as a reference.
pgbench_script() {
  local dsn="$1" round="$2" form="$3" first items qid values="" ids="" vals="" i=0
  first=$(psql -qtA "$dsn" -c "SELECT min(id) FROM invitations WHERE round_id = $round AND NOT used")
  psql -q "$dsn" -c "CREATE SEQUENCE IF NOT EXISTS bench_inv START $first" >/dev/null
  qid=$(psql -qtA "$dsn" -c "SELECT questionnaire_id FROM rounds WHERE id = $round")
  items=$(psql -qtA "$dsn" -c "SELECT i.id FROM items i JOIN rounds r ON r.questionnaire_id = i.questionnaire_id WHERE r.id = $round AND i.type <> 'text' ORDER BY i.position")
  for id in $items; do
    values+="${values:+, }(:rid, $id, :v$((i % 3)))"
    ids+="${ids:+,}$id"
    vals+="${vals:+, }:v$((i % 3))"
    i=$((i + 1))
  done
  cat <<SQL
\\set v0 random(1, 5)
\\set v1 random(1, 5)
\\set v2 random(1, 3)
SQL
  if [ "$form" = one ]; then
    cat <<SQL
WITH used AS (
  UPDATE invitations SET used = TRUE
  WHERE id = (SELECT nextval('bench_inv')) AND used = FALSE
    AND round_id IN (SELECT id FROM rounds WHERE status = 'open' AND questionnaire_id = $qid)
  RETURNING round_id, unit_id
), response AS (
  INSERT INTO responses (id, round_id, unit_id, submitted_on, lang)
  SELECT md5(random()::text), round_id, unit_id, '$(date +%F)', 'da' FROM used
  RETURNING id
), answer_rows AS (
  INSERT INTO answers (response_id, item_id, value)
  SELECT response.id, a.item_id, a.value FROM response, unnest('{$ids}'::int8[], ARRAY[$vals]::int4[]) AS a(item_id, value)
)
SELECT id FROM response;
SQL
    return
  fi
  cat <<SQL
BEGIN;
UPDATE invitations SET used = TRUE WHERE id = (SELECT nextval('bench_inv')) AND used = FALSE AND round_id IN (SELECT id FROM rounds WHERE status = 'open') RETURNING round_id, unit_id, (SELECT questionnaire_id FROM rounds WHERE rounds.id = invitations.round_id) AS qid, md5(random()::text) AS rid \\gset
INSERT INTO responses (id, round_id, unit_id, submitted_on, lang) VALUES (:rid, :round_id, :unit_id, '$(date +%F)', 'da');
INSERT INTO answers (response_id, item_id, value) VALUES $values;
COMMIT;
SQL
}

# http_run DSN ROUND LINKS CLIENTS: serves, loads, checks; prints the
# load's RESULT line with the server's peak memory and where the CPU went
# during the load appended: the share of the machine's capacity (all
# cores × wall time) used by the server, the load client, PostgreSQL's
# processes and everything else.
http_run() {
  local dsn="$1" round="$2" links="$3" clients="$4" out rss cpu
  local clk cores t0 t1 busy0 busy1 srv pg client
  start_server "$dsn" "serve-$clients"
  clk=$(getconf CLK_TCK) cores=$(nproc)
  if [ "${dsn%%:*}" = postgres ]; then
    # shellcheck disable=SC2046 # one PID per word
    cpu_ticks $(pg_pids "$dsn") >"$WORK/pg0"
  else
    : >"$WORK/pg0"
  fi
  cpu_ticks "$SERVER_PID" >"$WORK/srv0"
  busy0=$(busy_ticks) t0=$(date +%s%N)
  { TIMEFORMAT='%U %S'; time "$TILLID" load --db "$dsn" --url "$SERVER_URL" --links "$links" --round "$round" --concurrency "$clients" --count "$N" >"$WORK/load-$clients.out"; } 2>"$WORK/load-$clients.time"
  busy1=$(busy_ticks) t1=$(date +%s%N)
  cpu_ticks "$SERVER_PID" >"$WORK/srv1"
  if [ "${dsn%%:*}" = postgres ]; then
    # shellcheck disable=SC2046
    cpu_ticks $(pg_pids "$dsn") >"$WORK/pg1"
  else
    : >"$WORK/pg1"
  fi
  out=$(cat "$WORK/load-$clients.out")
  rss=$(peak_rss "$SERVER_PID")
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  srv=$(ticks_since "$WORK/srv0" "$WORK/srv1") pg=$(ticks_since "$WORK/pg0" "$WORK/pg1")
  # The load client's time includes its final check (a few queries).
  client=$(awk -v c="$clk" '{printf "%d", ($1 + $2) * c}' "$WORK/load-$clients.time")
  cpu=$(awk -v cap="$(((t1 - t0) * cores * clk / 1000000000))" -v s="$srv" -v l="$client" -v p="$pg" -v b=$((busy1 - busy0)) \
    'BEGIN{o = b - s - l - p; if (o < 0) o = 0; printf "server:%.0f%%,client:%.0f%%,postgres:%.0f%%,other:%.0f%%,idle:%.0f%%", 100*s/cap, 100*l/cap, 100*p/cap, 100*o/cap, 100*(cap-b)/cap}')
  grep -v '^RESULT' <<<"$out" >&2
  echo "$(grep '^RESULT' <<<"$out") rss=${rss// /} cpu=$cpu"
}

for dialect in $DIALECTS; do
  log "$dialect: prepare (warm-up round, a bare round, one round per HTTP run; $N submissions each)"
  new_db "$dialect" main; dsn=$DSN
  warm=$(prepare_round "$dsn" 300 "$WORK/warm-$dialect.csv")
  bare=$(prepare_round "$dsn" $((6 * N)) "$WORK/bare-$dialect.csv")
  r16=$(prepare_round "$dsn" "$N" "$WORK/http16-$dialect.csv")
  r64=$(prepare_round "$dsn" "$N" "$WORK/http64-$dialect.csv")
  # Never measure from an empty responses table (MEASUREMENTS.md, "Trap"):
  # seed responses, then let PostgreSQL analyse before connections open.
  "$TILLID" load --bare --db "$dsn" --round "$warm" --concurrency 4 >/dev/null
  [ "$dialect" = postgres ] && psql -q "$dsn" -c "ANALYZE" >/dev/null

  declare -A limit=() limit_src=()
  if [ "$dialect" = postgres ]; then
    for form in one tx; do
      pgbench_script "$dsn" "$bare" "$form" >"$WORK/submit-$form.pgbench"
    done
    for c in 16 64; do
      log "$dialect: (a) pgbench, $c clients, -M prepared: tillid's one statement, then the old transaction"
      for form in one tx; do
        pg=$(pgbench -n -M prepared -c "$c" -j 2 -t $((N / c)) -f "$WORK/submit-$form.pgbench" "$dsn" 2>&1)
        grep -E '^(tps|latency|number of failed)' <<<"$pg" >&2
        tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$pg")
        if [ "$form" = one ]; then
          limit[$c]=$tps limit_src[$c]=pgbench
          SUMMARY+=("$dialect  bare pgbench, one statement (CTEs)  c=$c  $(printf %.1f "$tps") tx/s")
        else
          SUMMARY+=("$dialect  bare pgbench, 5-statement tx (ref)  c=$c  $(printf %.1f "$tps") tx/s")
        fi
      done
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
    SUMMARY+=("$dialect  tillid over HTTP                   c=$c  $tps submissions/s  p50 $(result p50_ms "$res") ms  p99 $(result p99_ms "$res") ms  check ok=$(result ok "$res")  server peak RSS $(result rss "$res")  ratio to ${limit_src[$c]} $ratio  CPU of $(nproc) cores $(result cpu "$res")")
  done
done

log "summary ($(nproc) cores, load average at the start: $LOAD_BEFORE)"
printf '%s\n' "${SUMMARY[@]}"
