#!/usr/bin/env bash
# bench/fuzz.sh — runs every fuzz target of tillid for a while: the
# questionnaire parser, the table reader and the units, staff and absence
# imports (parsing, and importing into a real SQLite store, where a
# refused file must change nothing), and the employee form's decoder.
# A failing input is written to the package's testdata/fuzz/ folder and
# then replayed by every plain 'go test'.
#
# Usage: bench/fuzz.sh [TIME]      (TIME per target, default 10s; e.g. 1m)
set -euo pipefail
cd "$(dirname "$0")/.."
TIME="${1:-10s}"
targets=(
  ./survey:FuzzParseQuestionnaire
  ./survey:FuzzReadTable
  ./survey:FuzzParseUnitsCSV
  ./survey:FuzzParseStaffCSV
  ./survey:FuzzImport
  ./metrics:FuzzParseAbsence
  ./metrics:FuzzImportAbsence
  ./web:FuzzParseAnswers
)
status=0
for t in "${targets[@]}"; do
  pkg=${t%%:*} name=${t#*:}
  printf '\n=== %s %s (%s)\n' "$pkg" "$name" "$TIME"
  # Large inputs make minimising slow; a short budget keeps the time per
  # target close to TIME.
  if ! go test -run '^$' -fuzz "^$name\$" -fuzztime "$TIME" -fuzzminimizetime 50x "$pkg" 2>&1 | grep -v '^fuzz: elapsed'; then
    status=1
  fi
done
exit $status
