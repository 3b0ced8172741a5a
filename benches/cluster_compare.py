#!/usr/bin/env python3
"""rolefit's k-means against scikit-learn's, on the same data, in one run.

    python3 benches/cluster_compare.py             # full size (what `just bench-cluster` runs)
    python3 benches/cluster_compare.py --quick     # 5,000 rows: a smoke test of this script
    python3 benches/cluster_compare.py --variants  # also time rolefit's k-means options

What it does:

1. makes a virtual environment at target/bench-venv-sklearn (if missing)
   with the pinned packages of benches/cluster_compare.requirements.txt,
   and runs itself again with that environment's python;
2. builds rolefit (`cargo build --release`);
3. generates the data with `rolefit synth`: a matrix of 12 roles x 30
   capabilities (seed 1) and 100,000 respondents around it (seed 2, the
   default noise of 0.75 points, no blanks), with their true roles;
4. reads the responses into numpy (the same numbers rolefit reads: the
   answers are on the matrix scale 1..5), then, for each seed, interleaved:
   - scikit-learn: `KMeans(n_clusters=12, n_init=10, random_state=seed)`
     fitted on the array in memory, timed around `fit` (wall clock);
   - rolefit: `rolefit cluster FILE --matrix M --clusters 12 --seed S --format csv`
     as a whole process (wall clock, reading the CSV included), and its
     own "fit" time from the summary it prints (k-means alone);
   and computes both inertias the same way, from each run's labels: the
   sum of squared distances to the mean of the cluster;
5. checks the targets: rolefit's worst inertia within 1% of
   scikit-learn's best, and rolefit's median fit time at most 1.5 times
   scikit-learn's median fit time; prints a Markdown report and writes it
   to --markdown (default target/bench-cluster.md).

With --variants, rolefit is also run with other k-means options (through
the ROLEFIT_KMEANS environment variable, see crates/cli/cmd/cluster.rs):
f64, linfa's own k-means++ seeding, no screening, and all of linfa's
defaults.

Exit status: 0 when both targets pass, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "bench-venv-sklearn"
REQUIREMENTS = ROOT / "benches" / "cluster_compare.requirements.txt"
ROLEFIT = ROOT / "target" / "release" / "rolefit"

INERTIA_TARGET = 1.01
TIME_TARGET = 1.5

VARIANTS = [
    ("default (f32, greedy k-means++, 10 screening iterations)", ""),
    ("f64", "f64"),
    ("linfa's k-means++ seeding", "linfa-init"),
    ("no screening (every start to convergence)", "screen=0"),
    ("linfa's defaults (f64, linfa's seeding, no screening, absolute tolerance 1e-4)", "linfa-defaults"),
]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv() -> None:
    """Re-runs this script inside the benchmark's virtual environment."""
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    if not venv_python().exists():
        log(f"making {VENV} with {REQUIREMENTS.name}")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(venv_python()), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)],
            check=True,
        )
    os.execv(str(venv_python()), [str(venv_python()), __file__, *sys.argv[1:]])


def run(cmd, env=None) -> subprocess.CompletedProcess:
    cmd = [str(c) for c in cmd]
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        log(f"command failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr}")
        sys.exit(1)
    return p


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def inertia(X, labels) -> float:
    """Sum of squared distances to the mean of each cluster."""
    import numpy as np

    total = 0.0
    for c in np.unique(labels):
        members = X[labels == c]
        total += float(((members - members.mean(axis=0)) ** 2).sum())
    return total


def rolefit_cluster(data: Path, matrix: Path, k: int, seed: int, out: Path, knobs: str):
    env = dict(os.environ)
    env.pop("ROLEFIT_KMEANS", None)
    if knobs:
        env["ROLEFIT_KMEANS"] = knobs
    cmd = [ROLEFIT, "cluster", data, "--matrix", matrix, "--clusters", k, "--seed", seed, "--format", "csv", "-o", out]
    start = time.perf_counter()
    p = run(cmd, env=env)
    wall = time.perf_counter() - start
    m = re.search(r"fit ([0-9.]+) s", p.stderr)
    fit = float(m.group(1)) if m else float("nan")
    return wall, fit, p.stderr.strip()


def read_labels(path: Path):
    import numpy as np

    rows = path.read_text().splitlines()[1:]
    return np.array([int(r.rsplit(",", 1)[1]) for r in rows])


def fmt_s(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--capabilities", type=int, default=30)
    ap.add_argument("--k", type=int, default=12)
    ap.add_argument("--seeds", type=int, default=3, help="runs per side, seeds 1..N (default 3)")
    ap.add_argument("--quick", action="store_true", help="5,000 rows, 1 seed")
    ap.add_argument("--variants", action="store_true", help="also time rolefit's k-means options")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--markdown", type=Path, default=ROOT / "target" / "bench-cluster.md")
    args = ap.parse_args()
    if args.quick:
        args.rows, args.seeds = 5_000, 1

    ensure_venv()
    import numpy as np
    import sklearn
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score
    from threadpoolctl import threadpool_info

    if not args.no_build:
        log("building rolefit (cargo build --release)")
        run(["cargo", "build", "--release", "--quiet"])
    work = ROOT / "target" / "bench-cluster"
    work.mkdir(parents=True, exist_ok=True)
    matrix = work / f"m{args.k}x{args.capabilities}.csv"
    data = work / f"r{args.rows}.csv"
    truth_file = work / f"r{args.rows}.labels.csv"
    out = work / "labels.csv"
    run([ROLEFIT, "synth", "matrix", "--roles", args.k, "--capabilities", args.capabilities, "--seed", 1, "-o", matrix])
    run([ROLEFIT, "synth", "responses", "--matrix", matrix, "--rows", args.rows, "--seed", 2,
         "--labels", truth_file, "-o", data])
    X = np.loadtxt(data, delimiter=",", skiprows=1, usecols=range(1, args.capabilities + 1))
    truth_names = [line.rsplit(",", 1)[1] for line in truth_file.read_text().splitlines()[1:]]
    truth = np.unique(truth_names, return_inverse=True)[1]
    log(f"data: {X.shape[0]} x {X.shape[1]}, k = {args.k}")

    load_before = load_average()
    seeds = list(range(1, args.seeds + 1))
    sk, rf = [], []
    for seed in seeds:
        km = KMeans(n_clusters=args.k, n_init=10, random_state=seed)
        start = time.perf_counter()
        km.fit(X)
        sk_time = time.perf_counter() - start
        sk_labels = km.labels_
        sk.append({"seed": seed, "fit": sk_time, "inertia": inertia(X, sk_labels), "labels": sk_labels,
                   "own_inertia": float(km.inertia_), "iterations": int(km.n_iter_)})
        wall, fit, summary = rolefit_cluster(data, matrix, args.k, seed, out, "")
        rf_labels = read_labels(out)
        rf.append({"seed": seed, "wall": wall, "fit": fit, "inertia": inertia(X, rf_labels), "labels": rf_labels,
                   "summary": summary})
        log(f"seed {seed}: scikit-learn {sk_time:.2f} s inertia {sk[-1]['inertia']:.1f}; "
            f"rolefit fit {fit:.2f} s (process {wall:.2f} s) inertia {rf[-1]['inertia']:.1f}")

    variants = []
    if args.variants:
        for name, knobs in VARIANTS[1:]:
            runs = []
            for seed in seeds:
                wall, fit, _ = rolefit_cluster(data, matrix, args.k, seed, out, knobs)
                runs.append((wall, fit, inertia(X, read_labels(out))))
                log(f"variant {knobs} seed {seed}: fit {fit:.2f} s inertia {runs[-1][2]:.1f}")
            variants.append((name, knobs, runs))
    load_after = load_average()

    sk_fit = statistics.median(r["fit"] for r in sk)
    rf_fit = statistics.median(r["fit"] for r in rf)
    rf_wall = statistics.median(r["wall"] for r in rf)
    sk_best = min(r["inertia"] for r in sk)
    rf_worst = max(r["inertia"] for r in rf)
    inertia_ratio = rf_worst / sk_best
    time_ratio = rf_fit / sk_fit
    pass_inertia = inertia_ratio <= INERTIA_TARGET
    pass_time = time_ratio <= TIME_TARGET
    ari_truth_rf = statistics.median(adjusted_rand_score(truth, r["labels"]) for r in rf)
    ari_truth_sk = statistics.median(adjusted_rand_score(truth, r["labels"]) for r in sk)
    ari_between = statistics.median(adjusted_rand_score(a["labels"], b["labels"]) for a, b in zip(sk, rf))

    pools = ", ".join(f"{p.get('internal_api')} {p.get('num_threads')} threads" for p in threadpool_info())
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], capture_output=True, text=True, cwd=ROOT).stdout.strip()
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} by `python3 benches/cluster_compare.py"
        f"{' --variants' if args.variants else ''}` (`just bench-cluster`): {X.shape[0]:,} synthetic respondents "
        f"x {X.shape[1]} capabilities (`rolefit synth`, 12 roles, noise 0.75, no blanks), k = {args.k}, "
        f"seeds {seeds[0]}..{seeds[-1]}, each side once per seed, interleaved. Inertia is computed for both "
        "from the labels: the sum of squared distances to the cluster means.",
        "",
        "| target | measured | goal | result |",
        "| --- | --- | --- | --- |",
        f"| inertia: rolefit's worst / scikit-learn's best | {inertia_ratio:.5f} ({rf_worst:,.1f} / {sk_best:,.1f}) "
        f"| <= {INERTIA_TARGET} | {'PASS' if pass_inertia else 'FAIL'} |",
        f"| time: rolefit k-means fit / scikit-learn `fit` (medians) | {time_ratio:.2f}x ({fmt_s(rf_fit)} / {fmt_s(sk_fit)}) "
        f"| <= {TIME_TARGET}x | {'PASS' if pass_time else 'FAIL'} |",
        f"| (for information) whole `rolefit cluster` process / scikit-learn `fit` | {rf_wall / sk_fit:.2f}x "
        f"({fmt_s(rf_wall)} / {fmt_s(sk_fit)}) | - | - |",
        "",
        "| seed | scikit-learn fit | scikit-learn inertia | rolefit fit | rolefit process | rolefit inertia |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for a, b in zip(sk, rf):
        lines.append(f"| {a['seed']} | {fmt_s(a['fit'])} | {a['inertia']:,.1f} | {fmt_s(b['fit'])} | "
                     f"{fmt_s(b['wall'])} | {b['inertia']:,.1f} |")
    lines += [
        "",
        f"Agreement (adjusted Rand index, medians): rolefit vs scikit-learn {ari_between:.4f}; "
        f"vs the true roles: rolefit {ari_truth_rf:.4f}, scikit-learn {ari_truth_sk:.4f}.",
    ]
    if variants:
        lines += [
            "",
            "rolefit's k-means options (`ROLEFIT_KMEANS`), same data and seeds:",
            "",
            "| rolefit k-means | fit (median) | / scikit-learn | worst inertia / scikit-learn's best |",
            "| --- | --- | --- | --- |",
            f"| {VARIANTS[0][0]} | {fmt_s(rf_fit)} | {time_ratio:.2f}x | {inertia_ratio:.5f} |",
        ]
        for name, knobs, runs in variants:
            fit = statistics.median(r[1] for r in runs)
            worst = max(r[2] for r in runs)
            lines.append(f"| {name} (`{knobs}`) | {fmt_s(fit)} | {fit / sk_fit:.2f}x | {worst / sk_best:.5f} |")
    lines += [
        "",
        "| machine | |",
        "| --- | --- |",
        f"| CPU | {cpu_model()}, {os.cpu_count()} logical cores |",
        f"| OS | {platform.system()} {platform.release()} |",
        f"| load average | {load_before} before, {load_after} after |",
        f"| rolefit | {rev}{' (uncommitted changes)' if dirty else ''}, release profile; linfa-clustering 0.8.1 |",
        f"| scikit-learn | {sklearn.__version__}, numpy {np.__version__}, CPython {platform.python_version()}; {pools} |",
        "",
        "Commands:",
        "",
        "```sh",
        f"rolefit synth matrix --roles {args.k} --capabilities {args.capabilities} --seed 1 -o m.csv",
        f"rolefit synth responses --matrix m.csv --rows {args.rows} --seed 2 --labels truth.csv -o r.csv",
        f"rolefit cluster r.csv --matrix m.csv --clusters {args.k} --seed S --format csv -o labels.csv",
        f"KMeans(n_clusters={args.k}, n_init=10, random_state=S).fit(X)   # X: r.csv's 30 columns",
        "```",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    args.markdown.parent.mkdir(parents=True, exist_ok=True)
    args.markdown.write_text(text)
    log(f"wrote {args.markdown}")
    return 0 if pass_inertia and pass_time else 1


if __name__ == "__main__":
    sys.exit(main())
