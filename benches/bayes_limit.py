#!/usr/bin/env python3
"""The Bayes limit of top-1 accuracy on `rolefit synth responses` data.

`rolefit synth responses` draws a role uniformly at random, then answers
each capability `c` with `round(level_jc + sd_jc * z)` clipped to the whole
points of the scale (`round` takes halves away from zero). So the exact
likelihood of an answer `a` given role `j` is the Gaussian mass of the
interval that rounds to it:

    P(a | j) = Phi((hi_a - level) / sd) - Phi((lo_a - level) / sd)
    lo_a = a - 1/2 (minus infinity at the bottom of the scale)
    hi_a = a + 1/2 (plus infinity at the top)

and the best any rule can do is to pick the role of largest posterior
(uniform prior: largest likelihood), whose accuracy is
`E[max_j P(j | x)]`. This script estimates that expectation by Monte Carlo:
it draws respondents exactly as `synth` does (its own random numbers, not
synth's stream) and averages the largest posterior, which has a smaller
variance than counting right answers. The standard error is printed.

    python3 benches/bayes_limit.py --noise 0.8 [--noise-by-importance] [--rows 200000]

The matrix is the built-in one (datasets/guide/matrix.csv), or --matrix
FILE in the long layout `role,capability,level,importance`.

With `--data FILE --labels FILE` (a `rolefit synth responses` file and its
labels, made with the same --noise), it prints instead how often the Bayes
rule is right on those very respondents: the figure to set beside another
strategy's accuracy on the same file, whose sampling error then mostly
cancels.

    python3 benches/bayes_limit.py --noise 1.2 --data te.csv --labels te.labels.csv
"""

import argparse
import csv
import math
import pathlib

import numpy as np
from scipy.special import ndtr

ROOT = pathlib.Path(__file__).resolve().parent.parent


def read_matrix(path):
    """Levels and importances, roles x capabilities, in file order."""
    roles, caps, cells = [], [], {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["role"] not in roles:
                roles.append(row["role"])
            if row["capability"] not in caps:
                caps.append(row["capability"])
            cells[(row["role"], row["capability"])] = (float(row["level"]), float(row["importance"]))
    levels = np.array([[cells[(r, c)][0] for c in caps] for r in roles])
    importances = np.array([[cells[(r, c)][1] for c in caps] for r in roles])
    return levels, importances


def noise_per_cell(noise, importances, by_importance):
    """synth's noise sd per (role, capability): see `noise_per_cell` in crates/cli/cmd/synth.rs."""
    if not by_importance:
        return np.full(importances.shape, noise)
    positive = importances[importances > 0]
    mean, least = positive.mean(), positive.min()
    w = np.where(importances > 0, importances, least)
    return noise * np.sqrt(mean / w)


def loglik(answers, levels, sd, lo, hi):
    """log P(x | j) for every role j and respondent: roles x n."""
    a = answers[None, :, :]
    lower = np.where(a <= lo, -np.inf, a - 0.5)
    upper = np.where(a >= hi, np.inf, a + 0.5)
    mu, s = levels[:, None, :], sd[:, None, :]
    mass = ndtr((upper - mu) / s) - ndtr((lower - mu) / s)
    return np.log(np.maximum(mass, 1e-300)).sum(axis=2)


def on_file(data, labels, matrix, levels, sd, lo, hi):
    """The Bayes rule's accuracy on a synth file (no blanks)."""
    with open(matrix, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    roles = list(dict.fromkeys(r["role"] for r in rows))
    caps = list(dict.fromkeys(r["capability"] for r in rows))
    with open(labels, newline="", encoding="utf-8") as f:
        truth = {r[0]: r[1] for r in list(csv.reader(f))[1:]}
    with open(data, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        order = [header.index(c) for c in caps]
        ids, answers = [], []
        for row in reader:
            ids.append(row[0])
            answers.append([float(row[i]) for i in order])
    answers = np.array(answers)
    right = 0
    for start in range(0, len(ids), 20_000):
        chunk = answers[start : start + 20_000]
        best = loglik(chunk, levels, sd, lo, hi).argmax(axis=0)
        right += sum(roles[b] == truth[i] for b, i in zip(best, ids[start : start + 20_000]))
    n = len(ids)
    print(f"the Bayes rule is right on {right / n:.4f} of the {n} respondents of {data}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--matrix", default=ROOT / "datasets/guide/matrix.csv")
    p.add_argument("--noise", type=float, required=True)
    p.add_argument("--noise-by-importance", action="store_true")
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scale", default="1..5")
    p.add_argument("--data", help="a synth responses file: the Bayes rule's accuracy on it")
    p.add_argument("--labels", help="the labels of --data")
    args = p.parse_args()

    levels, importances = read_matrix(args.matrix)
    sd = noise_per_cell(args.noise, importances, args.noise_by_importance)
    lo, hi = (int(math.ceil(float(v))) for v in args.scale.split(".."))
    if args.data:
        on_file(args.data, args.labels, args.matrix, levels, sd, lo, hi)
        return
    roles, caps = levels.shape
    rng = np.random.default_rng(args.seed)

    best = []
    right = 0
    for start in range(0, args.rows, 20_000):
        n = min(20_000, args.rows - start)
        role = rng.integers(0, roles, n)
        z = rng.standard_normal((n, caps))
        raw = levels[role] + sd[role] * z
        # Halves away from zero (every value here is positive).
        answers = np.clip(np.floor(raw + 0.5), lo, hi)
        ll = loglik(answers, levels, sd, lo, hi)
        ll -= ll.max(axis=0, keepdims=True)
        posterior = np.exp(ll)
        posterior /= posterior.sum(axis=0, keepdims=True)
        best.append(posterior.max(axis=0))
        right += int((posterior.argmax(axis=0) == role).sum())
    best = np.concatenate(best)
    se = best.std(ddof=1) / math.sqrt(len(best))
    print(
        f"noise {args.noise}{' by importance' if args.noise_by_importance else ''}: "
        f"Bayes limit {best.mean():.4f} (standard error {se:.4f}; "
        f"the Bayes rule was right on {right / len(best):.4f} of {len(best)} draws)"
    )


if __name__ == "__main__":
    main()
