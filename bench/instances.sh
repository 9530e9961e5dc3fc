#!/usr/bin/env bash
# bench/instances.sh — many app instances on one PostgreSQL: two 'tillid
# serve' processes on different ports, and the load spread across both.
# Every employee fetches the form from one instance and posts it to the
# other (a load balancer without sticky sessions), so the CSRF cookie and
# token of one instance must be accepted by the other: the CSRF key is
# shared through the settings table. Ends with the exactly-once check.
#
# Usage: bench/instances.sh
# Environment: N invitations (default 3000), CLIENTS (default 32), TILLID,
# PG_ADMIN (see bench/lib.sh). Exits non-zero when a check fails.
source "$(dirname "$0")/lib.sh"
N="${N:-3000}"
CLIENTS="${CLIENTS:-32}"
build_tillid

new_db postgres instances; dsn=$DSN
round=$(prepare_round "$dsn" "$N" "$WORK/links.csv")
start_server "$dsn" a
pid_a=$SERVER_PID url_a=$SERVER_URL
start_server "$dsn" b
pid_b=$SERVER_PID url_b=$SERVER_URL
log "instances $url_a and $url_b, $N invitations, $CLIENTS clients"
status=0
"$TILLID" load --db "$dsn" --url "$url_a" --url "$url_b" --links "$WORK/links.csv" --round "$round" \
  --concurrency "$CLIENTS" --double 0.05 --retry 0.05 --abandon 0.05 || status=1
for name in a b; do
  gets=$(grep -c 'method=GET path=/s/REDACTED status=200' "$WORK/$name.log" || true)
  posts=$(grep -c 'method=POST path=/s/REDACTED status=303' "$WORK/$name.log" || true)
  csrf=$(grep -c 'method=POST path=/s/REDACTED status=403' "$WORK/$name.log" || true)
  echo "instance $name: $gets forms served, $posts submissions taken, $csrf CSRF rejections"
  if [ "$posts" -eq 0 ] || [ "$csrf" -ne 0 ]; then status=1; fi
done
kill "$pid_a" "$pid_b"
[ $status -eq 0 ] && echo "instances: OK" || echo "instances: FAILED" >&2
exit $status
