#!/usr/bin/env bash
# The learned methods with 5,000 labelled rows, and score's calibrated
# probability (docs/evaluation.md, "With 5,000 labelled rows"):
#   - 100,000 fresh test rows (seed 12) and the Bayes rule's accuracy on
#     them (benches/bayes_limit.py --data);
#   - per training draw (seeds 11, 21, 31, 41), each method trained on
#     5,000 rows with `train --calibrate`, its top-1 accuracy on the test
#     rows and the expected calibration error (ten equal bins) of its
#     top-1 `probability`; the built-in strategies with the temperatures
#     the logistic model's file keeps.
#     bash benches/five_thousand.sh [ROLEFIT] [SD ...]   (default 0.8 1.2)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rolefit=$(realpath "${1:-$here/../target/release/rolefit}")
shift || true
noises=("${@:-0.8 1.2}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
measure() { # scores.csv labels.csv
    python3 - "$1" "$2" <<'PY'
import csv, sys
truth = {r[0]: r[1] for r in list(csv.reader(open(sys.argv[2])))[1:]}
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["rank"] == "1"]
bins = [[0, 0.0, 0] for _ in range(10)]
for r in rows:
    p = float(r["probability"])
    b = bins[min(int(p * 10), 9)]
    b[0] += 1
    b[1] += p
    b[2] += truth[r["respondent"]] == r["role"]
n = len(rows)
ece = sum(abs(right / k - total / k) * k / n for k, total, right in bins if k)
print(f"top-1 {sum(b[2] for b in bins) / n:.4f}, ECE {ece:.4f}")
PY
}
for sd in ${noises[@]}; do
    "$rolefit" synth responses --rows 100000 --seed 12 --noise "$sd" --labels te.labels.csv -o te.csv 2>/dev/null
    python3 "$here/bayes_limit.py" --noise "$sd" --data te.csv --labels te.labels.csv
    for seed in 11 21 31 41; do
        "$rolefit" synth responses --rows 5000 --seed "$seed" --noise "$sd" --labels tr.labels.csv -o tr.csv 2>/dev/null
        for method in centroid knn logistic lda; do
            "$rolefit" train tr.csv --labels tr.labels.csv --method "$method" --seed "$seed" \
                --calibrate euclidean,euclidean+importance,manhattan,cosine -o "$method.json" -q
            "$rolefit" score te.csv --model "$method.json" --top 1 -f csv -q -o s.csv
            echo "sd $sd, training seed $seed, model:$method: $(measure s.csv te.labels.csv)"
        done
        for strategy in euclidean euclidean+importance manhattan cosine; do
            "$rolefit" score te.csv --strategy "$strategy" --model logistic.json --top 1 -f csv -q -o s.csv
            echo "sd $sd, training seed $seed, $strategy: $(measure s.csv te.labels.csv)"
        done
    done
done
