#!/usr/bin/env bash
# Scores a large responses CSV in N shards, N processes at a time, and
# writes the scores of the whole file (the same bytes as one
# `rolefit score FILE --format csv` run): docs/scaling.md's shard recipe,
# run by examples/spark/check.py.
#
#   examples/shards/score_shards.sh responses.csv scores.csv [N] [rolefit options...]
#
# Each shard gets the header row (rolefit maps columns by name) and is
# scored with --no-header; the output header is written once. `split -n
# l/N` cuts at line ends, so no quoted cell may hold a line break (use a
# CSV-aware splitter if one might). The input needs a respondent id column:
# without one, each shard would number its rows from 1 again.
set -euo pipefail
input=$1 output=$2 shards=${3:-4}
shift $(( $# >= 3 ? 3 : $# ))
rolefit=${ROLEFIT:-rolefit}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

head -n 1 "$input" > "$work/header"
# split -n needs a file (it cannot size a pipe).
tail -n +2 "$input" > "$work/body"
split -n "l/$shards" -d -a 4 "$work/body" "$work/body_"
rm "$work/body"
for body in "$work"/body_*; do
    cat "$work/header" "$body" > "$work/shard_${body##*_}.csv" && rm "$body"
done
# One thread per process: the processes already fill the cores.
printf '%s\0' "$work"/shard_*.csv | xargs -0 -P "$shards" -I{} \
    "$rolefit" score {} --format csv --no-header --quiet --threads 1 -o {}.out "$@"
{
    echo respondent,rank,role,score,answered,status
    cat "$work"/shard_*.csv.out
} > "$output"
