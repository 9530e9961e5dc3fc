# Shared helpers of the bench/ scripts; source it, do not run it.
# Each script gets its own work folder and database, a built tillid, and
# cleans up on exit.
#
# Environment:
#   TILLID          a tillid binary to use (default: built from this tree)
#   PG_ADMIN        PostgreSQL URL with CREATE DATABASE rights
#                   (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PG_ADMIN="${PG_ADMIN:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/tillid-bench.XXXXXX")"
SERVER_PIDS=()
PG_DBS=()

log() { printf '\n=== %s\n' "$*" >&2; }

cleanup() {
  local pid db
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for db in "${PG_DBS[@]}"; do
    psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# build_tillid sets TILLID to a binary built from the tree (unless given).
build_tillid() {
  if [ -z "${TILLID:-}" ]; then
    log "build tillid"
    (cd "$ROOT" && go build -o "$WORK/tillid" ./cmd/tillid)
    TILLID="$WORK/tillid"
  fi
}

# new_db DIALECT NAME: makes a fresh database (sqlite|postgres) and sets
# DSN to it; it is dropped on exit. (Not in $(…): the list of databases to
# drop must be kept by this shell.)
new_db() {
  case "$1" in
    sqlite) DSN="sqlite:$WORK/$2.db" ;;
    postgres)
      local db="tillid_bench_$$_$2"
      psql -q "$PG_ADMIN" -c "CREATE DATABASE $db" >/dev/null
      PG_DBS+=("$db")
      DSN="${PG_ADMIN%%/postgres\?*}/$db?sslmode=disable"
      ;;
    *) echo "unknown dialect $1" >&2; return 1 ;;
  esac
}

# prepare_round DSN N OUT: a unit tree of 20 teams, an open round of the
# built-in questionnaire over it and N invitations; links go to OUT.
# Prints the round id.
prepare_round() {
  local dsn="$1" n="$2" out="$3" i
  {
    echo "code,name,parent_code"
    echo "KOM,Bench Kommune,"
    for a in 1 2 3 4; do
      echo "F$a,Forvaltning $a,KOM"
      for t in 1 2 3 4 5; do echo "F$a-T$t,Team $a.$t,F$a"; done
    done
  } >"$WORK/units.csv"
  {
    echo "email,unit_code"
    for ((i = 1; i <= n; i++)); do echo "e$i@bench.example,F$(((i % 4) + 1))-T$(((i / 4) % 5 + 1))"; done
  } >"$WORK/staff.csv"
  "$TILLID" import units --db "$dsn" "$WORK/units.csv" >/dev/null
  local today closes round
  today=$(date +%F)
  closes=$(date -d "+14 days" +%F)
  round=$("$TILLID" round create --db "$dsn" --name "Bench" --units KOM --opens "$today" --closes "$closes" | sed -n 's/^round \([0-9]*\) .*/\1/p')
  "$TILLID" invite --db "$dsn" --round "$round" --file "$WORK/staff.csv" --out "$out" >/dev/null
  "$TILLID" round open --db "$dsn" "$round" >/dev/null
  echo "$round"
}

# start_server DSN NAME [ADDR]: starts tillid serve (on ADDR, default a
# free port), waits until it answers and sets SERVER_PID and SERVER_URL.
# Its log goes to $WORK/NAME.log.
start_server() {
  local dsn="$1" name="$2" addr="${3:-127.0.0.1:0}" logf="$WORK/$2.log" found
  "$TILLID" serve --db "$dsn" --addr "$addr" >>"$logf" 2>&1 &
  SERVER_PID=$!
  SERVER_PIDS+=("$SERVER_PID")
  for _ in $(seq 300); do
    found=$(sed -n 's/.*msg="tillid serving" addr=\([^ ]*\).*/\1/p' "$logf" | tail -1)
    if [ -n "$found" ] && curl -fsS "http://$found/healthz" >/dev/null 2>&1; then
      SERVER_URL="http://$found"
      return 0
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "server $name did not start:" >&2
  cat "$logf" >&2
  return 1
}

# cpu_ticks PID…: "pid ticks" per running process: the CPU time (user +
# system, clock ticks) it has used so far.
cpu_ticks() {
  local p
  for p in "$@"; do
    awk -v p="$p" '{print p, $14 + $15}' "/proc/$p/stat" 2>/dev/null || true
  done
}

# ticks_since BEFORE AFTER: the CPU ticks used between two cpu_ticks
# snapshots (files), by the processes of the second; a process new since
# the first counts from zero.
ticks_since() { awk 'FILENAME == ARGV[1] {t[$1] = $2; next} {s += $2 - t[$1]} END {print s + 0}' "$1" "$2"; }

# pg_pids DSN: PostgreSQL's processes that work for DSN's database: its
# backends and the shared WAL writer, checkpointer and background writer.
pg_pids() {
  psql -qtA "$1" -c "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() OR backend_type IN ('walwriter', 'checkpointer', 'background writer')"
}

# busy_ticks: the machine's busy CPU time so far (all cores, clock ticks).
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }

# peak_rss PID: the process's peak resident memory (VmHWM).
peak_rss() { sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$1/status"; }

# result FIELD LINE: the value of FIELD= in a load command's RESULT line.
result() { sed -n "s/.*[[:space:]]$1=\([^ ]*\).*/\1/p" <<<"$2"; }
