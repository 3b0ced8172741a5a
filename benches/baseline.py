#!/usr/bin/env python3
"""The pandas + numpy baseline that `benches/compare.py` measures rolefit against.

    python baseline.py RESPONSES.csv MATRIX.csv --strategy euclidean --top 3 -o OUT.csv

This is what a competent analyst would write to score a capability
self-assessment with pandas and numpy: load the files with pandas, score every
respondent against every role with vectorised numpy (matrix products where a
strategy has a product form, broadcasting in row chunks where it has not),
pick the top k roles per respondent with ``np.argpartition`` and write the
long CSV with ``DataFrame.to_csv``.  It computes exactly what
docs/strategies.md defines and writes what ``rolefit score --format csv``
writes (``respondent,rank,role,score,answered,status``, scores with six
decimals), so the two outputs can be compared row by row
(``python benches/compare.py --check``).

Deliberately ordinary: no numba, no hand-written parser, no multiprocessing;
and no sandbagging either (vectorised throughout, memory bounded per chunk,
pandas' C parser, typed columns). ``--blas-threads N`` caps numpy's BLAS
threads (default: the library's, one per core); compare.py times both 1 and
the default and credits the baseline with the faster, since BLAS threads
hardly pay off on these tall, thin products (rows x capabilities times
capabilities x roles) and suffer from any other work on the machine.
"""

from __future__ import annotations

import argparse
import math
import sys

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

STRATEGIES = ("cosine", "pearson", "euclidean", "manhattan", "coverage")
# The distance strategies whose default weighting is uniform.
UNIFORM_BY_DEFAULT = ("euclidean", "manhattan")
# Ranking compares scores rounded to this grid (rolefit_score::tie_key), so
# that scores equal in exact arithmetic tie and keep matrix order.
TIE_STEP = 1e-12
# Rows scored per chunk, and the most (rows x roles x capabilities) elements
# one broadcast temporary may hold (2^22 float64 = 32 MiB).
CHUNK_ROWS = 4096
BROADCAST_ELEMENTS = 1 << 22


class InputError(Exception):
    """A problem with the input files: reported on stderr, exit status 2."""


# ---------------------------------------------------------------------------
# Loading


def read_matrix(path: str, lo: float, hi: float):
    """Returns (roles, capabilities, levels R x C, importances R x C)."""
    df = pd.read_csv(path)
    columns = {c.strip().lower(): c for c in df.columns}
    if {"role", "capability", "level"} <= columns.keys():
        role = df[columns["role"]].astype(str)
        cap = df[columns["capability"]].astype(str)
        r_idx, roles = pd.factorize(role)
        c_idx, caps = pd.factorize(cap)
        levels = np.full((len(roles), len(caps)), lo)
        weights = np.zeros((len(roles), len(caps)))
        levels[r_idx, c_idx] = df[columns["level"]].to_numpy(np.float64)
        if "importance" in columns:
            imp = df[columns["importance"]].to_numpy(np.float64)
            weights[r_idx, c_idx] = np.where(np.isnan(imp), 1.0, imp)
        else:
            weights[r_idx, c_idx] = 1.0
        roles, caps = list(roles), list(caps)
    else:
        first = df.columns[0]
        if first.strip().lower() != "role":
            raise InputError(f"{path}: expected a wide (role,<capability>...) or long "
                             "(role,capability,level[,importance]) matrix")
        roles = df[first].astype(str).tolist()
        caps = [str(c) for c in df.columns[1:]]
        levels = df.iloc[:, 1:].to_numpy(np.float64)
        weights = np.ones_like(levels)
    if np.isnan(levels).any() or (levels < lo).any() or (levels > hi).any():
        raise InputError(f"{path}: every level must be a number from {lo:g} to {hi:g}")
    if (weights < 0).any():
        raise InputError(f"{path}: importances must be >= 0")
    return roles, caps, levels, weights


def read_responses(path: str, caps: list[str], lo: float, hi: float):
    """Returns (respondent ids, values N x C with NaN for blanks)."""
    header = pd.read_csv(path, nrows=0).columns
    if "respondent" not in header:
        raise InputError(f"{path}: no `respondent` column")
    unknown = [c for c in header if c != "respondent" and c not in caps]
    if unknown:
        raise InputError(f"{path}: columns that are not capabilities of the matrix: {unknown[:5]}")
    dtypes = {c: np.float64 for c in header if c != "respondent"}
    dtypes["respondent"] = str
    df = pd.read_csv(path, dtype=dtypes)
    ids = df["respondent"].to_numpy(dtype=object)
    # Capabilities the file has no column for are unanswered by everyone.
    values = df.reindex(columns=caps).to_numpy(np.float64)
    tol = 1e-9 * (hi - lo)
    answered = values[~np.isnan(values)]
    if ((answered < lo - tol) | (answered > hi + tol)).any():
        raise InputError(f"{path}: values must lie on the scale {lo:g}..{hi:g}")
    return ids, values


# ---------------------------------------------------------------------------
# Scoring: each function takes one chunk of respondents (values with 0 at
# blanks, mask 1/0) and returns the chunk's (rows x roles) scores.


class Scorer:
    def __init__(self, levels: np.ndarray, weights: np.ndarray, lo: float, hi: float):
        self.L, self.W, self.lo, self.hi = levels, weights, lo, hi
        self.span = hi - lo
        self.WT = weights.T
        # Precomputed per matrix.
        self.WL_T = (weights * levels).T
        self.WLL_T = (weights * levels * levels).T
        mid = (lo + hi) / 2
        self.mid = mid
        v = levels - mid
        self.WV_T = (weights * v).T
        self.WVV_T = (weights * v * v).T
        wsum = weights.sum(axis=1, keepdims=True)
        role_mean = np.divide((weights * levels).sum(axis=1, keepdims=True), wsum,
                              out=np.zeros_like(wsum), where=wsum > 0)
        lc = levels - role_mean
        self.WLc_T = (weights * lc).T
        self.WLcLc_T = (weights * lc * lc).T
        n_roles, n_caps = levels.shape
        self.sub_rows = max(1, BROADCAST_ELEMENTS // (n_roles * n_caps))

    def cosine(self, x, m):
        sw = m @ self.WT
        sxr = x @ self.WL_T
        sxx = (x * x) @ self.WT
        srr = m @ self.WLL_T
        ok = (sw > 0) & (sxx > 0) & (srr > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.clip(sxr / np.sqrt(sxx * srr), -1.0, 1.0)
        return np.where(ok, s, 0.0)

    def pearson(self, x, m, answered):
        # Centre each profile on its mean answer and each role on its weighted
        # mean level: neither changes the correlation, both keep the moments
        # small so that the one-pass formulas lose no digits.
        mean = np.divide(x.sum(axis=1, keepdims=True), answered[:, None],
                         out=np.zeros((len(x), 1)), where=answered[:, None] > 0)
        xc = (x - mean) * m
        sw = m @ self.WT
        sx = xc @ self.WT
        sr = m @ self.WLc_T
        sxx = (xc * xc) @ self.WT
        srr = m @ self.WLcLc_T
        sxr = xc @ self.WLc_T
        with np.errstate(divide="ignore", invalid="ignore"):
            cov = sxr - sx * sr / sw  # sw * cov
            vx = sxx - sx * sx / sw  # sw * v_x
            vr = srr - sr * sr / sw  # sw * v_r
            s = np.clip(cov / np.sqrt(vx * vr), -1.0, 1.0)
            tol = 1e-12 * self.span**2
            ok = (sw > 0) & (vx / sw > tol) & (vr / sw > tol)
        return np.where(ok, s, 0.0)

    def euclidean(self, x, m):
        # Centred at the scale's midpoint to keep the expanded form accurate.
        u = (x - self.mid) * m
        sw = m @ self.WT
        d2 = (u * u) @ self.WT - 2.0 * (u @ self.WV_T) + m @ self.WVV_T
        np.maximum(d2, 0.0, out=d2)
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.clip(1.0 - np.sqrt(d2 / sw) / self.span, 0.0, 1.0)
        return np.where(sw > 0, s, 0.0)

    def _broadcast(self, x, m, op):
        """sum_c m*w*op(x, r) for every (row, role), in sub-chunks."""
        out = np.empty((len(x), len(self.L)))
        for a in range(0, len(x), self.sub_rows):
            b = a + self.sub_rows
            t = op(x[a:b, None, :], self.L[None, :, :])  # (rows, roles, caps)
            t *= self.W
            out[a:b] = np.matmul(t, m[a:b, :, None])[:, :, 0]
        return out

    def manhattan(self, x, m):
        sw = m @ self.WT
        dist = self._broadcast(x, m, lambda a, b: np.abs(a - b))
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.clip(1.0 - (dist / sw) / self.span, 0.0, 1.0)
        return np.where(sw > 0, s, 0.0)

    def coverage(self, x, m):
        num = self._broadcast(x, m, np.minimum)
        den = m @ self.WL_T
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.clip(num / den, 0.0, 1.0)
        return np.where(den > 0, s, 0.0)

    def score(self, strategy, x, m, answered):
        if strategy == "pearson":
            return self.pearson(x, m, answered)
        return getattr(self, strategy)(x, m)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best roles per row: score descending on the 1e-12
    grid, then role index ascending (a lexsort on (-score, index), done with
    one integer key so that argpartition is exact at the k-th place too)."""
    n_roles = scores.shape[1]
    key = -np.rint(scores / TIE_STEP).astype(np.int64) * n_roles + np.arange(n_roles)
    if k < n_roles:
        part = np.argpartition(key, k - 1, axis=1)[:, :k]
        order = np.argsort(np.take_along_axis(key, part, axis=1), axis=1)
        return np.take_along_axis(part, order, axis=1)
    return np.argsort(key, axis=1)


# ---------------------------------------------------------------------------


def run(args) -> None:
    lo, hi = args.matrix_scale
    roles, caps, levels, weights = read_matrix(args.matrix, lo, hi)
    ids, values = read_responses(args.responses, caps, lo, hi)
    n, n_caps = values.shape
    k = min(args.top, len(roles))

    mask = ~np.isnan(values)
    answered = mask.sum(axis=1)
    needed = max(0, math.ceil(args.min_answered * n_caps - 1e-9))
    ranked = answered >= needed
    x_all = np.where(mask, values, 0.0)
    m_all = mask.astype(np.float64)
    del values

    if args.strategy in UNIFORM_BY_DEFAULT:
        # rolefit's `euclidean` and `manhattan` weigh alike every capability
        # a role weighs at all (docs/strategies.md, "Weights"); importance
        # only decides which capabilities count.
        weights = (weights > 0).astype(np.float64)
    scorer = Scorer(levels, weights, lo, hi)
    best = np.empty((n, k), dtype=np.int64)
    best_scores = np.empty((n, k))
    for a in range(0, n, CHUNK_ROWS):
        b = min(n, a + CHUNK_ROWS)
        s = scorer.score(args.strategy, x_all[a:b], m_all[a:b], answered[a:b])
        idx = top_k(s, k)
        best[a:b] = idx
        best_scores[a:b] = np.take_along_axis(s, idx, axis=1)

    # One output row per (respondent, rank); an insufficient respondent gets
    # one row with empty rank, role and score.
    keep = (ranked[:, None] | (np.arange(k) == 0)[None, :]).ravel()
    not_ranked = np.repeat(~ranked, k)[keep]
    rank = np.tile(np.arange(1, k + 1), n)[keep]
    role_codes = best.ravel()[keep]
    role_codes[not_ranked] = -1
    score = best_scores.ravel()[keep]
    score[not_ranked] = np.nan
    out = pd.DataFrame({
        "respondent": np.repeat(ids, k)[keep],
        "rank": pd.arrays.IntegerArray(rank, not_ranked),
        "role": pd.Categorical.from_codes(role_codes, categories=roles),
        "score": score,
        "answered": np.repeat(answered, k)[keep],
        "status": pd.Categorical.from_codes(not_ranked.astype(np.int8),
                                            categories=["ranked", "insufficient"]),
    })
    target = sys.stdout if args.output in (None, "-") else args.output
    out.to_csv(target, index=False, float_format="%.6f")
    if not args.quiet and not ranked.all():
        print(f"note: {(~ranked).sum()} of {n} respondents answered fewer than {needed} of the "
              f"{n_caps} capabilities and were not ranked", file=sys.stderr)


def scale(text: str):
    try:
        lo, hi = (float(p) for p in text.split(".."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected MIN..MAX, got {text!r}") from None
    if not (0 <= lo < hi):
        raise argparse.ArgumentTypeError(f"expected 0 <= MIN < MAX, got {text!r}")
    return lo, hi


def fraction(text: str) -> float:
    v = float(text)
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction from 0 to 1, got {text!r}")
    return v


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("responses", help="responses CSV (respondent, then capability columns)")
    p.add_argument("matrix", help="role matrix CSV, wide or long")
    p.add_argument("--strategy", "-s", choices=STRATEGIES, default="euclidean")
    p.add_argument("--top", "-k", type=int, default=5, help="roles listed per respondent")
    p.add_argument("--min-answered", type=fraction, default=0.5)
    p.add_argument("--matrix-scale", type=scale, default=(1.0, 5.0), metavar="MIN..MAX")
    p.add_argument("--format", "-f", choices=["csv"], default="csv",
                   help="accepted for symmetry with rolefit; CSV is the only format")
    p.add_argument("--output", "-o", help="output file (default: standard output)")
    p.add_argument("--quiet", "-q", action="store_true", help="no note on standard error")
    p.add_argument("--blas-threads", type=int, default=0, metavar="N",
                   help="threads for numpy's BLAS (default 0: the library's default, one per core)")
    args = p.parse_args(argv)
    if args.top < 1:
        p.error("--top must be at least 1")
    try:
        with threadpool_limits(limits=args.blas_threads or None, user_api="blas"):
            run(args)
    except (InputError, ValueError, KeyError, OSError, pd.errors.ParserError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
