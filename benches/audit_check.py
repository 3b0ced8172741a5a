#!/usr/bin/env python3
"""Checks every figure of `rolefit audit` against an independent
computation with pandas, NumPy and SciPy (scripts/audit-check.sh runs it in
CI, docs/fairness.md describes it).

For each case, `rolefit synth responses` draws a cohort with a group
column (and, planted or not, answers of one group shifted on chosen
capabilities); this script adds a second column (`site`, with blanks) so
that intersections and missing values are exercised, scores the cohort
with `rolefit score --format json` (every role, exact scores) and
recomputes from those scores alone, with its own code: who is ranked,
categories and intersections, n, shares, statuses (privacy floor, 2% rule,
empty cells), the small-count suppression of n, selection and scoring
rates, the cohort medians, impact ratios, four-fifths flags, the test's
p-value (scipy.stats.fisher_exact / chi2_contingency(correction=False)),
the bootstrap interval (NumPy resampling, compared within a Monte Carlo
tolerance), and Cohen's d of the listed capabilities (from the responses
file with pandas). Then: the planted difference is flagged, and over many
seeds with nothing planted the test rejects at no more than its 5% level.

    python3 benches/audit_check.py --rolefit target/debug/rolefit
"""
import argparse
import io
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
from scipy import stats

THRESHOLD = 0.8
JOINER = " × "
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def run(rolefit, *args):
    out = subprocess.run([rolefit, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"rolefit {' '.join(args)} failed: {out.stderr}")
    return out.stdout


def suppress(counts, m):
    """The privacy rule of crates/cli/privacy.rs, written again."""
    cells = ["small" if 0 < c < m else c for c in counts]
    if sum(1 for c in cells if c == "small") == 1:
        shown = [(c, i) for i, c in enumerate(counts) if c > 0 and cells[i] != "small"]
        if shown:
            cells[min(shown)[1]] = "suppressed"
    return [f"<{m}" if c == "small" else c for c in cells]


def p_value(a, b, c, d):
    table = np.array([[a, b], [c, d]])
    n = table.sum()
    rows, cols = table.sum(1), table.sum(0)
    expected = np.outer(rows, cols) / n if n else np.zeros((2, 2))
    if n and expected.min() >= 5 and (rows > 0).all() and (cols > 0).all():
        return stats.chi2_contingency(table, correction=False)[1], "chi-square"
    return stats.fisher_exact(table)[1], "fisher"


def bootstrap(outcomes_by_cat, resamples, rng):
    """Impact-ratio percentile intervals by resampling each category's
    respondents with replacement (every resample at once, as a matrix)."""
    cats = list(outcomes_by_cat)
    rates = np.column_stack([
        rng.choice(outcomes_by_cat[c], size=(resamples, len(outcomes_by_cat[c])), replace=True).mean(axis=1)
        for c in cats
    ])
    top = rates.max(axis=1)
    kept = rates[top > 0] / top[top > 0, None]
    if 2 * len(kept) < resamples or len(kept) == 0:
        return {c: None for c in cats}
    return {c: (np.quantile(kept[:, i], 0.025), np.quantile(kept[:, i], 0.975)) for i, c in enumerate(cats)}


def cohens_d(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) < 2 or len(b) < 2:
        return None
    pooled = math.sqrt(((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (len(a) + len(b) - 2))
    return None if pooled == 0 else (a.mean() - b.mean()) / pooled


def expected_audit(scores, demo, responses, importance, columns, top, m, min_share):
    """The audit recomputed: {grouping name: {...}}."""
    ranked = [r for r in scores if r["ranking"]]
    ids = [r["respondent"] for r in ranked]
    roles = [x["role"] for x in sorted(ranked[0]["ranking"], key=lambda x: x["rank"])]
    score = pd.DataFrame([{x["role"]: x["score"] for x in r["ranking"]} for r in ranked], index=ids)
    selected = pd.DataFrame(
        [{x["role"]: x["rank"] <= top for x in r["ranking"]} for r in ranked], index=ids
    )
    medians = score.median()
    above = score.gt(medians, axis=1)
    demo = demo.reindex(ids)
    out = {}
    subsets = [s for k in range(1, len(columns) + 1) for s in itertools.combinations(columns, k)]
    for subset in subsets:
        values = [sorted(demo[c].dropna().unique()) for c in subset]
        names = [JOINER.join(p) for p in itertools.product(*values)]
        known = demo[list(subset)].notna().all(axis=1)
        label = demo[list(subset)].where(known).apply(
            lambda row: JOINER.join(row) if row.notna().all() else None, axis=1
        )
        n = {c: int((label == c).sum()) for c in names}
        audited = sum(n.values())
        status = {}
        for c in names:
            share = n[c] / audited if audited else 0
            status[c] = "empty" if n[c] == 0 else "withheld" if n[c] < m else "below-share" if share < min_share else "included"
        included = [c for c in names if status[c] == "included"]
        g = {"names": names, "n": n, "audited": audited, "status": status,
             "cells": suppress([n[c] for c in names] + [int((~known).sum())], m), "roles": {}}
        for role in roles:
            per = {}
            for measure, frame in (("selection", selected), ("scoring", above)):
                outcome = {c: frame.loc[label == c, role].to_numpy(dtype=float) for c in included}
                rates = {c: v.mean() for c, v in outcome.items()}
                ref = max(included, key=lambda c: (rates[c], -included.index(c))) if included else None
                top_rate = rates[ref] if ref else 0
                per[measure] = {"ref": ref, "rates": rates, "outcome": outcome, "figures": {}}
                for c in included:
                    ratio = rates[c] / top_rate if top_rate > 0 else None
                    test = None
                    if c != ref:
                        yc, yr = int(outcome[c].sum()), int(outcome[ref].sum())
                        test = p_value(yc, len(outcome[c]) - yc, yr, len(outcome[ref]) - yr)
                    per[measure]["figures"][c] = (rates[c], ratio, ratio is not None and ratio < THRESHOLD, test)
            per["median"] = medians[role]
            g["roles"][role] = per
        g["label"] = label
        out[JOINER.join(subset)] = g
    return out, responses.reindex(ids), roles


def compare(got, want, responses, importance, resamples, seed):
    rng = np.random.default_rng(seed)
    for grouping in got["groupings"]:
        name = grouping["name"]
        exp = want[name]
        cats = grouping["categories"]
        check([c["category"] for c in cats] == exp["names"], f"{name}: categories {[c['category'] for c in cats]}")
        for i, c in enumerate(cats):
            cname = c["category"]
            check(c["status"] == exp["status"][cname], f"{name}/{cname}: status {c['status']} != {exp['status'][cname]}")
            check(c["n"] == exp["cells"][i], f"{name}/{cname}: n {c['n']} != {exp['cells'][i]}")
            if isinstance(c["n"], int) and exp["audited"]:
                check(abs(c["share"] - exp["n"][cname] / exp["audited"]) < 1e-12, f"{name}/{cname}: share")
        check(grouping["missing"] == exp["cells"][-1], f"{name}: missing {grouping['missing']} != {exp['cells'][-1]}")
        for role in grouping["roles"]:
            r = exp["roles"][role["role"]]
            check(abs(role["median_score"] - r["median"]) < 1e-12, f"{name}/{role['role']}: median")
            for measure in ("selection", "scoring"):
                ref = r[measure]["ref"]
                check(role[f"{measure}_reference"] == ref, f"{name}/{role['role']}/{measure}: reference")
                intervals = bootstrap(r[measure]["outcome"], 2000, rng) if r[measure]["outcome"] else {}
                listed = {x["category"]: x for x in role["categories"]}
                check(set(listed) == set(r[measure]["figures"]), f"{name}/{role['role']}: included categories")
                for cname, (rate, ratio, flagged, test) in r[measure]["figures"].items():
                    g = listed[cname][measure]
                    where = f"{name}/{role['role']}/{cname}/{measure}"
                    check(abs(g["rate"] - rate) < 1e-12, f"{where}: rate {g['rate']} != {rate}")
                    check((g["impact_ratio"] is None) == (ratio is None), f"{where}: ratio defined")
                    if ratio is not None:
                        check(abs(g["impact_ratio"] - ratio) < 1e-12, f"{where}: ratio {g['impact_ratio']} != {ratio}")
                    check(g["flagged"] == flagged, f"{where}: flag")
                    if test is None:
                        check(g["p_value"] is None, f"{where}: the reference has no test")
                    else:
                        check(g["test"] == test[1], f"{where}: test {g['test']} != {test[1]}")
                        check(abs(g["p_value"] - test[0]) <= 1e-6 * max(test[0], 1e-12) + 1e-12,
                              f"{where}: p {g['p_value']} != {test[0]}")
                    want_ci = intervals.get(cname)
                    check((g["interval"] is None) == (want_ci is None), f"{where}: interval defined")
                    # The quantiles of a discrete distribution jump between
                    # atoms: compare the ends only with many resamples and
                    # at least 30 respondents with and without the outcome
                    # in every category (the atoms then lie close together).
                    large = resamples >= 1000 and min(
                        min(v.sum(), len(v) - v.sum()) for v in r[measure]["outcome"].values()
                    ) >= 30
                    if want_ci is not None and g["interval"] is not None and large:
                        for got_end, want_end in zip(g["interval"], want_ci):
                            check(abs(got_end - want_end) < 0.08, f"{where}: interval {g['interval']} vs {want_ci}")
                # Drivers: Cohen's d of each listed capability, and the largest |d| among those the role weighs.
                for x in role["categories"]:
                    if not x["drivers"]:
                        continue
                    inside = exp["label"] == x["category"]
                    rest = exp["label"].notna() & ~inside
                    weighed = [c for c, w in importance[role["role"]].items() if w > 0]
                    ds = {c: cohens_d(responses.loc[inside, c].dropna(), responses.loc[rest, c].dropna()) for c in weighed}
                    ds = {c: d for c, d in ds.items() if d is not None}
                    best = sorted(ds, key=lambda c: (-abs(ds[c]), list(responses.columns).index(c)))[: len(x["drivers"])]
                    check([d["capability"] for d in x["drivers"]] == best, f"{name}/{role['role']}/{x['category']}: drivers order")
                    for d in x["drivers"]:
                        check(abs(d["d"] - ds[d["capability"]]) < 1e-9, f"{name}/{x['category']}: d of {d['capability']}")


def cohort(rolefit, tmp, seed, rows, shifts, shares, top, m=5, min_share=0.02, resamples=2000,
           strategy="euclidean"):
    """Draws a cohort, audits it with `strategy`, and compares. Returns the
    audit's JSON."""
    r, g, d = (os.path.join(tmp, f"{x}-{seed}.csv") for x in ("r", "g", "d"))
    args = ["synth", "responses", "--rows", str(rows), "--seed", str(seed), "--groups", g,
            "--group-shares", shares, "-o", r, "-q"]
    for s in shifts:
        args += ["--shift", s]
    run(rolefit, *args)
    demo = pd.read_csv(g, dtype=str, keep_default_na=False).set_index("respondent")
    rng = np.random.default_rng(seed)
    site = rng.choice(["north", "south", "=cmd|' /C calc'!A0", "<b>east</b>"], size=len(demo), p=[0.45, 0.45, 0.07, 0.03])
    site[rng.random(len(demo)) < 0.05] = ""
    demo["site"] = site
    demo.to_csv(d)
    demo = demo.mask(demo == "")
    scores = json.loads(run(rolefit, "score", r, "-k", "1000", "-f", "json", "-q", "--strategy", strategy))
    got = json.loads(run(rolefit, "audit", r, "--strategy", strategy, "--groups", d, "--by", "group,site",
                         "--top", str(top),
                         "--min-group", str(m), "--min-share", str(min_share), "--resamples", str(resamples),
                         "--seed", str(seed), "-f", "json", "-q", "--date", "2026-01-01"))
    responses = pd.read_csv(r, dtype={"respondent": str}).set_index("respondent")
    roles = pd.read_csv(io.StringIO(run(rolefit, "roles", "-f", "csv")))
    importance = {role: dict(zip(f["capability"], f["importance"])) for role, f in roles.groupby("role")}
    want, responses, _ = expected_audit(scores, demo, responses, importance, ["group", "site"], top, m, min_share)
    compare(got, want, responses, importance, resamples, seed)
    return got


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rolefit", default="target/debug/rolefit")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # A planted difference: group C answers 0.5 lower on two capabilities
        # (the example) and 1.5 lower on a third. Scored with the
        # importance weights it was chosen under: with the default uniform
        # weights the same shift moves no role's rates past the four-fifths
        # line (scoring p = 0.004 for Program Manager, impact ratio 0.84).
        shifts = ["Technical Expertise=-0.5", "Analytical Skills=-0.5", "Vision and Strategy=-1.5"]
        planted = cohort(args.rolefit, tmp, 11, 3000, shifts, "A=0.5,B=0.3,C=0.15,D=0.01,E=0.04", top=1,
                         strategy="euclidean+importance")
        group = next(g for g in planted["groupings"] if g["name"] == "group")
        statuses = {c["category"]: c["status"] for c in group["categories"]}
        check(statuses["D"] == "below-share", f"D (1%) is left out under 2%: {statuses}")
        hits = [(r["role"], c["category"]) for r in group["roles"] for c in r["categories"]
                if c["category"] == "C" and any(c[m]["flagged"] and c[m]["p_value"] is not None and c[m]["p_value"] < 0.05
                                                for m in ("selection", "scoring"))]
        check(hits, "the planted difference of group C is flagged and significant somewhere")
        cohort(args.rolefit, tmp, 12, 400, [], "A=0.6,B=0.4", top=2, m=10)
        cohort(args.rolefit, tmp, 13, 60, [], "A=0.5,B=0.5", top=1)
        # Nothing planted: over 30 seeds, the share of tests at p < 0.05 on
        # the group column stays within the 5% level (binomial bound).
        tests = rejected = 0
        for seed in range(100, 130):
            got = cohort(args.rolefit, tmp, seed, 300, [], "A=0.5,B=0.5", top=1, resamples=200)
            group = next(g for g in got["groupings"] if g["name"] == "group")
            for role in group["roles"]:
                for c in role["categories"]:
                    for m in ("selection", "scoring"):
                        if c[m]["p_value"] is not None:
                            tests += 1
                            rejected += c[m]["p_value"] < 0.05
        bound = 0.05 * tests + 3 * math.sqrt(tests * 0.05 * 0.95)
        check(rejected <= bound, f"nothing planted: {rejected} of {tests} tests at p < 0.05 (bound {bound:.1f})")
        print(f"nothing planted: {rejected} of {tests} tests at p < 0.05", file=sys.stderr)
    if failures:
        print("\n".join(failures[:40]), file=sys.stderr)
        print(f"0 passed, {len(failures)} failed")
        sys.exit(1)
    print("audit check: every figure agrees with the independent computation")


if __name__ == "__main__":
    main()
