#!/bin/sh
# The synthetic benchmark of docs/evaluation.md ("Against the Bayes limit"):
# respondents drawn from the built-in matrix (a role's levels plus Gaussian
# noise, rounded and clipped to 1..5), with equal noise everywhere and with
# noise inversely related to importance, at sd 0.8 and 1.2; every strategy
# evaluated (5-fold for the learned ones) beside the Bayes limit
# (benches/bayes_limit.py).
#
#   benches/synth_benchmark.sh [ROLEFIT] [ROWS] [OUT_DIR]
#
# ROLEFIT defaults to target/release/rolefit, ROWS to 20000, OUT_DIR to a
# temporary directory. Needs python3 with numpy and scipy.
set -eu
ROLEFIT=${1:-target/release/rolefit}
ROWS=${2:-20000}
OUT=${3:-$(mktemp -d)}
HERE=$(dirname "$0")
STRATEGIES=euclidean+importance,euclidean,euclidean+learned,manhattan+importance,manhattan,cosine,pearson,centroid,knn,logistic,lda
for setting in equal by-importance; do
    for sd in 0.8 1.2; do
        flag=""
        [ "$setting" = by-importance ] && flag="--noise-by-importance"
        name="$OUT/g$sd-$setting"
        "$ROLEFIT" synth responses --rows "$ROWS" --seed 1 --noise "$sd" $flag \
            --labels "$name.labels.csv" -o "$name.csv" -q
        python3 "$HERE/bayes_limit.py" --noise "$sd" $flag
        "$ROLEFIT" evaluate "$name.csv" --labels "$name.labels.csv" \
            --strategies "$STRATEGIES" --format csv -q -o "$name.eval.csv"
        cut -d, -f1,4,10-15 "$name.eval.csv"
    done
done
