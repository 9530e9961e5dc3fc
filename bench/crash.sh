#!/usr/bin/env bash
# bench/crash.sh — crash safety: while employees answer, the server is
# killed with SIGKILL (twice), restarted on the same address, and the
# employees retry what failed ('tillid load --give-up'). Afterwards the
# load command's check proves that every acknowledged submission is stored
# exactly once, no abandoned form marked its invitation used, and nothing
# is half-written (no answer without its response, every response with
# all its answers). Runs on SQLite and on PostgreSQL.
#
# Usage: bench/crash.sh [sqlite|postgres|all]     (default all)
# Environment: N invitations (default 3000), CLIENTS (default 16), KILLS
# (default 2), TILLID, PG_ADMIN (see bench/lib.sh). Exits non-zero when a
# check fails.
source "$(dirname "$0")/lib.sh"
N="${N:-3000}"
CLIENTS="${CLIENTS:-16}"
KILLS="${KILLS:-2}"
DIALECTS="${1:-all}"
[ "$DIALECTS" = all ] && DIALECTS="sqlite postgres"
build_tillid
status=0

for dialect in $DIALECTS; do
  log "$dialect: $N invitations, $CLIENTS clients, $KILLS kills"
  new_db "$dialect" crash; dsn=$DSN
  round=$(prepare_round "$dsn" "$N" "$WORK/links-$dialect.csv")
  start_server "$dsn" "crash-$dialect"
  addr=${SERVER_URL#http://}
  "$TILLID" load --db "$dsn" --url "$SERVER_URL" --links "$WORK/links-$dialect.csv" --round "$round" \
    --concurrency "$CLIENTS" --double 0.05 --retry 0.05 --abandon 0.05 --give-up 60s >"$WORK/load-$dialect.out" 2>&1 &
  load_pid=$!
  for k in $(seq "$KILLS"); do
    # Kill once a share of the submissions has been acknowledged.
    until [ "$(grep -c 'status=303' "$WORK/crash-$dialect.log")" -ge $((k * N / (KILLS + 2))) ]; do
      kill -0 "$load_pid" 2>/dev/null || { echo "load ended before kill $k" >&2; status=1; break 2; }
      sleep 0.05
    done
    kill -0 "$load_pid" 2>/dev/null || { echo "load ended before kill $k" >&2; status=1; break; }
    kill -KILL "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    log "$dialect: kill $k (SIGKILL) after $(grep -c 'status=303' "$WORK/crash-$dialect.log") acknowledged submissions; restarting in 1 s"
    sleep 1
    start_server "$dsn" "crash-$dialect" "$addr"
  done
  wait "$load_pid" || status=1
  cat "$WORK/load-$dialect.out"
  grep -q '^RESULT .* ok=true' "$WORK/load-$dialect.out" || { echo "$dialect: CHECK FAILED" >&2; status=1; }
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
done
exit $status
