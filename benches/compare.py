#!/usr/bin/env python3
"""rolefit against a pandas + numpy baseline and against the CSV floor.

    python3 benches/compare.py            # full sizes (what `just bench-compare` runs)
    python3 benches/compare.py --quick    # small sizes, a smoke test of this script
    python3 benches/compare.py --check    # only the correctness check of the baseline
    python3 benches/compare.py --check --rolefit target/debug/rolefit   # the same, no release build (CI)

In one run, on the same files, it:

1. makes a virtual environment at target/bench-venv (if missing) with the
   pinned pandas and numpy of benches/requirements.txt, and runs
   benches/baseline.py with its python;
2. builds rolefit (`cargo build --release`) and the floor
   (`cargo build --release --example csv-rewrite`, benches/csv_rewrite.rs);
3. generates the data with `rolefit synth` into target/bench-data (files
   already there from a `--keep` run with the same parameters are reused);
4. checks that the baseline writes what rolefit writes (every strategy, a
   wide and a long matrix with importances, blanks and the edge cases), then
   times every command several times, interleaved, with wall-clock time
   and peak RSS (GNU time's %M), and reports the **median** wall time of
   the runs (min and max beside it) and the largest peak RSS. The baseline
   is timed with numpy's BLAS at 1 thread and at its default (one thread
   per core), and the ratios credit it with the faster of the two;
5. prints a table with PASS/FAIL per target and the machine, writes the same
   as Markdown (--markdown, default target/bench-compare.md), and removes
   the files it generated unless --keep.

The targets (issue "batch scoring"):
- A: 1,000,000 respondents x 30 capabilities x 12 roles, `--top 3 --format
  csv -o FILE`: baseline/rolefit >= 20, rolefit/floor <= 1.5, where the floor
  is a plain parse-and-rewrite of the same input with the csv crate.
- memory: rolefit's peak RSS at 1,000,000 rows within 10% of that at 10,000
  rows, and below 100 MB.
- B: 100,000 x 68 x 879 roles, `--top 10 --format csv`: baseline/rolefit >= 5.
- one profile, whole process (`rolefit score` on one respondent against the
  built-in matrix): median of 20 runs < 20 ms.
- determinism: the output with `--threads 1` is byte for byte the output
  with the default number of threads.

Exit status: 0 when the check and every target pass, 1 otherwise (with
--quick only the check, the agreement of the outputs and determinism count:
the sizes are too small for the other targets to mean anything).
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHES = ROOT / "benches"
STRATEGIES = ("cosine", "pearson", "euclidean", "manhattan", "coverage")
# Scores are printed with 6 decimals: two correct implementations may differ
# by one unit in the last place when a value sits on a rounding boundary.
SCORE_TOL = 1.5e-6


# ---------------------------------------------------------------------------
# Processes


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run(cmd, **kw) -> subprocess.CompletedProcess:
    """Runs a command, failing loudly with its stderr."""
    cmd = [str(c) for c in cmd]
    p = subprocess.run(cmd, text=True, capture_output=True, **kw)
    if p.returncode != 0:
        raise SystemExit(f"error: `{' '.join(cmd)}` exited {p.returncode}:\n{p.stderr.strip()}")
    return p


@dataclass
class Sample:
    wall: float  # seconds
    rss_kb: int | None  # peak resident set size of the process, KiB


TIME = "/usr/bin/time"


def timed(cmd, env=None, rss: bool = True) -> Sample:
    """Runs cmd once (stdout discarded): wall-clock time, and with `rss` the
    process's peak RSS as GNU time reports it (`%M`). Not os.wait4 or
    RUSAGE_CHILDREN here: a child's ru_maxrss includes the high-water mark of
    the process it was forked from, which for this script can be hundreds of
    MiB; /usr/bin/time is small. With `rss` the wall time includes starting
    /usr/bin/time (about a millisecond), so the one-profile run goes without."""
    cmd = [str(c) for c in cmd]
    with tempfile.NamedTemporaryFile("r") as report, tempfile.TemporaryFile() as err:
        full = [TIME, "-f", "%M", "-o", report.name, *cmd] if rss else cmd
        t0 = time.perf_counter()
        p = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=err, env=env)
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            err.seek(0)
            raise SystemExit(f"error: `{' '.join(cmd)}` exited {p.returncode}:\n"
                             f"{err.read().decode(errors='replace').strip()}")
        rss_kb = int(report.read().split()[-1]) if rss else None
    return Sample(wall, rss_kb)


@dataclass
class Bench:
    label: str
    cmd: list
    env: dict | None = None
    rss: bool = True
    samples: list[Sample] = field(default_factory=list)

    def once(self) -> None:
        s = timed(self.cmd, self.env, self.rss)
        self.samples.append(s)
        mem = f", {s.rss_kb / 1024:.1f} MiB" if s.rss_kb is not None else ""
        log(f"  {self.label}: {s.wall:.3f} s{mem}")

    @property
    def median(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def rss_mib(self) -> float | None:
        if not self.rss:
            return None
        return max(s.rss_kb for s in self.samples) / 1024


def interleaved(benches: list[Bench], runs: int) -> None:
    """Runs each bench `runs` times, round-robin, so drift hits all alike."""
    for _ in range(runs):
        for b in benches:
            b.once()


# ---------------------------------------------------------------------------
# Setup


def ensure_venv(venv: Path) -> Path:
    """The virtual environment with benches/requirements.txt; its python."""
    python = venv / "bin" / "python"
    if not python.exists():
        log(f"creating {venv}")
        run([sys.executable, "-m", "venv", venv])
    req = BENCHES / "requirements.txt"
    stamp = venv / ".bench-requirements"
    if not stamp.exists() or stamp.read_text() != req.read_text():
        log(f"installing {req.relative_to(ROOT)} into {venv}")
        run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", req])
        stamp.write_text(req.read_text())
    return python


def baseline_env() -> dict:
    """The environment for the baseline: as ours, but without the OpenBLAS
    core-type overrides some machines set (they slow a current numpy down)."""
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    return env


def build() -> tuple[Path, Path]:
    """Builds rolefit and the floor; returns their paths."""
    for cmd in (["cargo", "build", "--release"],
                ["cargo", "build", "--release", "--example", "csv-rewrite"]):
        log("$ " + " ".join(cmd))
        p = subprocess.run(cmd, cwd=ROOT)
        if p.returncode != 0:
            raise SystemExit(f"error: {' '.join(cmd)} failed")
    meta = json.loads(run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=ROOT).stdout)
    release = Path(meta["target_directory"]) / "release"
    return release / "rolefit", release / "examples" / "csv-rewrite"


class Data:
    """The generated files: made with `rolefit synth`, reused if present."""

    def __init__(self, rolefit: Path, directory: Path):
        self.rolefit = rolefit
        self.dir = directory
        self.dir.mkdir(parents=True, exist_ok=True)
        self.made: list[Path] = []

    def _make(self, name: str, cmd: list) -> Path:
        path = self.dir / name
        if path.exists():
            log(f"reusing {path}")
            return path
        # `rolefit synth -o` takes the format from the extension, so the
        # partial file keeps it: NAME.partial.csv, renamed when complete.
        tmp = path.with_name(f"{path.stem}.partial{path.suffix}")
        log(f"$ rolefit {' '.join(str(c) for c in cmd)} -o {tmp.name}")
        run([self.rolefit, *cmd, "-o", tmp])
        tmp.rename(path)
        self.made.append(path)
        return path

    def matrix(self, roles: int, caps: int, seed: int) -> Path:
        return self._make(f"m{roles}x{caps}-s{seed}.csv",
                          ["synth", "matrix", "--roles", roles, "--capabilities", caps, "--seed", seed])

    def responses(self, matrix: Path, rows: int, seed: int, missing: float = 0.0) -> Path:
        suffix = f"-miss{missing:g}" if missing else ""
        return self._make(f"r{rows}-{matrix.stem}-s{seed}{suffix}.csv",
                          ["synth", "responses", "--matrix", matrix, "--rows", rows, "--seed", seed,
                           *(["--missing", missing] if missing else [])])

    def scratch(self, name: str) -> Path:
        """A file this run writes (an output); removed with the rest."""
        path = self.dir / name
        self.made.append(path)
        return path

    def clean(self) -> None:
        for p in self.made:
            p.unlink(missing_ok=True)
        try:
            self.dir.rmdir()
        except OSError:
            pass


# ---------------------------------------------------------------------------
# Comparing score CSVs


@dataclass
class Agreement:
    rows: int = 0
    tie_swaps: int = 0  # roles listed in another order among equal scores
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if not self.ok:
            return f"{len(self.problems)} differences, first: {self.problems[0]}"
        ties = f", {self.tie_swaps} tied roles listed in another order" if self.tie_swaps else ""
        return f"{self.rows:,} rows agree{ties}"


def read_scores(path: Path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def compare_outputs(expected: Path, actual: Path, max_problems: int = 10) -> Agreement:
    """rolefit's CSV (expected) against the baseline's (actual): the same
    respondents in the same order, ranks, roles, answered and status, and
    scores within SCORE_TOL. Roles may differ only where their scores are
    equal (a tie broken on the other side of the 1e-12 grid by rounding)."""
    a = Agreement()
    head_e, rows_e = read_scores(expected)
    head_a, rows_a = read_scores(actual)
    if head_e != head_a:
        a.problems.append(f"headers differ: {head_e} vs {head_a}")
        return a
    if len(rows_e) != len(rows_a):
        a.problems.append(f"{len(rows_e)} rows vs {len(rows_a)} rows")
    a.rows = min(len(rows_e), len(rows_a))

    def close(x: str, y: str) -> bool:
        if x == "" or y == "":
            return x == y
        return abs(float(x) - float(y)) <= SCORE_TOL

    for i in range(a.rows):
        e, b = rows_e[i], rows_a[i]
        where = f"row {i + 2} ({e[0]}, rank {e[1] or '-'})"
        if len(e) != len(b) or e[0] != b[0] or e[1] != b[1] or e[4:] != b[4:]:
            a.problems.append(f"{where}: {e} vs {b}")
        elif not close(e[3], b[3]):
            a.problems.append(f"{where}: score {e[3]} vs {b[3]}")
        elif e[2] != b[2]:
            # Allowed only within a tie: the score equals a neighbour's of
            # the same respondent, or this is the last rank listed (the tie
            # may be with a role not listed).
            same = lambda j: 0 <= j < a.rows and rows_e[j][0] == e[0] and close(rows_e[j][3], e[3])
            last = not (i + 1 < a.rows and rows_e[i + 1][0] == e[0])
            if same(i - 1) or same(i + 1) or last:
                a.tie_swaps += 1
            else:
                a.problems.append(f"{where}: role {e[2]!r} vs {b[2]!r} at score {e[3]}")
        if len(a.problems) >= max_problems:
            break
    return a


# ---------------------------------------------------------------------------
# The correctness check


def write_check_inputs(data: Data, seed: int = 11):
    """Small inputs for the check: a synth matrix and responses (30% blanks),
    plus what exercises the edge cases: a copy of role 0 (exact ties keep
    matrix order), a role with one level everywhere (zero variance for
    pearson), a long version of the matrix with importances 0..3, omitted
    cells (importance 0) and empty importance cells (1), and respondents who
    straight-line, match a role exactly, answer exactly the minimum, one
    fewer, or nothing. Returns (responses, [(kind, matrix, number of roles)])."""
    m = data.matrix(7, 9, seed)
    r = data.responses(m, 400, seed + 1, missing=0.3)
    with open(m, newline="") as f:
        header, *roles = list(csv.reader(f))
    caps = header[1:]
    roles += [["Copy of " + roles[0][0], *roles[0][1:]], ["Flat", *["3"] * len(caps)]]

    wide = data.scratch("check-wide.csv")
    with open(wide, "w", newline="") as f:
        csv.writer(f).writerows([header, *roles])

    rng = random.Random(seed)
    cells = []
    for role in roles[:-2] + roles[-1:]:
        rows = []
        for cap, level in zip(caps, role[1:]):
            u = rng.random()
            if u < 0.12:
                continue  # not listed: importance 0
            importance = "" if u < 0.2 else rng.choice(["0", "0.5", "1", "1.5", "2", "3"])
            rows.append([role[0], cap, level, importance])
        cells.append(rows)
    # The copy of role 0 stays an exact copy, importances included.
    cells.insert(len(roles) - 2, [[roles[-2][0], *row[1:]] for row in cells[0]])
    # A role that lists one capability only: for respondents who left it
    # blank, sum(w) = 0 and every strategy scores 0.
    cells.append([["Narrow", caps[0], "4", "2"]])
    long = data.scratch("check-long.csv")
    with open(long, "w", newline="") as f:
        csv.writer(f).writerows([["role", "capability", "level", "importance"],
                                 *(row for rows in cells for row in rows)])

    with open(r, newline="") as f:
        rheader, *rrows = list(csv.reader(f))
    col = {c: j for j, c in enumerate(rheader)}
    n = len(caps)
    needed = -(-n // 2)  # ceil(0.5 * n), rolefit's default --min-answered

    def row(name, values):
        out = [""] * len(rheader)
        out[col["respondent"]] = name
        for cap, v in zip(caps, values):
            out[col[cap]] = v
        return out

    edge = [
        row("edge-straight", ["3"] * n),
        row("edge-role0", roles[0][1:]),
        row("edge-extremes", ["1" if j % 2 else "5" for j in range(n)]),
        row("edge-needed", ["4"] * needed + [""] * (n - needed)),
        row("edge-one-short", ["4"] * (needed - 1) + [""] * (n - needed + 1)),
        row("edge-blank", [""] * n),
        row("edge-two-values", ["2", "5"] + ["4"] * (needed - 2) + [""] * (n - needed)),
        row("edge-fractions", [f"{1 + 4 * rng.random():.3f}" for _ in range(n)]),
    ]
    responses = data.scratch("check-responses.csv")
    with open(responses, "w", newline="") as f:
        csv.writer(f).writerows([rheader, *edge, *rrows])
    return responses, [("wide", wide, len(roles)), ("long", long, len(roles) + 1)]


def correctness_check(rolefit: Path, python: Path, data: Data) -> tuple[bool, list[str]]:
    responses, matrices = write_check_inputs(data)
    lines, ok = [], True
    for kind, matrix, n_roles in matrices:
        for strategy in STRATEGIES:
            for top in (3, n_roles):
                args = ["--strategy", strategy, "--top", top, "--format", "csv", "--quiet"]
                ours = data.scratch(f"check-rolefit-{kind}-{strategy}-{top}.csv")
                theirs = data.scratch(f"check-baseline-{kind}-{strategy}-{top}.csv")
                run([rolefit, "score", responses, "--matrix", matrix, *args, "-o", ours])
                run([python, BENCHES / "baseline.py", responses, matrix, *args, "-o", theirs],
                    env=baseline_env())
                agreement = compare_outputs(ours, theirs)
                ok &= agreement.ok
                line = f"{'ok  ' if agreement.ok else 'FAIL'} {kind:4} {strategy:9} top {top:2}: {agreement.summary()}"
                lines.append(line)
                log("  " + line)
                if not agreement.ok:
                    for p in agreement.problems[1:5]:
                        log("       " + p)
    return ok, lines


# ---------------------------------------------------------------------------
# Reporting


def machine(python: Path, rolefit: Path, threads, busy_before) -> list[tuple[str, str]]:
    model = "unknown"
    try:
        for line in run(["lscpu"]).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
                break
    except (SystemExit, FileNotFoundError):
        pass
    mem = "unknown"
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    py = json.loads(run([python, "-c", (
        "import json, platform, numpy, pandas\n"
        "try:\n"
        "    from threadpoolctl import threadpool_info\n"
        "    blas = [f\"{i['internal_api']} {i['version']} ({i.get('architecture')}, {i['num_threads']} threads)\" "
        "for i in threadpool_info() if i['user_api'] == 'blas']\n"
        "except ImportError:\n"
        "    blas = []\n"
        "print(json.dumps({'python': platform.python_version(), 'numpy': numpy.__version__,"
        " 'pandas': pandas.__version__, 'blas': ', '.join(blas) or 'unknown'}))"
    )], env=baseline_env()).stdout)
    git = lambda *args: subprocess.run(["git", *args], cwd=ROOT, text=True, capture_output=True)
    head = git("rev-parse", "--short", "HEAD")
    if head.returncode == 0:
        dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip()
        rev = f" at {head.stdout.strip()}{' with uncommitted changes' if dirty else ''}"
    else:
        rev = " (not a git checkout)"
    overrides = [k for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ]
    return [
        ("CPU", f"{model}, {os.cpu_count()} logical cores"),
        ("memory", mem),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("load", f"CPUs busy with other work: {busy_text(busy_before)} before the timed runs, "
                 f"{busy_text(cpu_busy())} after (1 s samples); load average {load_average()}"),
        ("rustc", run(["rustc", "--version"]).stdout.strip()),
        ("rolefit", f"{run([rolefit, '--version']).stdout.strip()}{rev}; "
                    f"threads: {threads or 'default (all cores)'}"),
        ("baseline", f"CPython {py['python']}, pandas {py['pandas']}, numpy {py['numpy']}, BLAS {py['blas']}"
                     + (f" ({' and '.join(overrides)} unset for it)" if overrides else "")),
    ]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def cpu_busy(seconds: float = 1.0) -> float | None:
    """The fraction of all CPU time spent on other work while this script
    sleeps for `seconds` (from /proc/stat): other work skews the timings."""
    def sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # total, idle + iowait
    try:
        t0, i0 = sample()
        time.sleep(seconds)
        t1, i1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    return 1 - (i1 - i0) / (t1 - t0) if t1 > t0 else None


def busy_text(busy: float | None) -> str:
    return "unknown" if busy is None else f"{busy:.0%}"


@dataclass
class Target:
    name: str
    measured: str
    goal: str
    passed: bool | None  # None: informational (quick mode)

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "n/a"}[self.passed]


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()
    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *map(fmt, rows)])


def md_table(header: list[str], rows: list[list[str]]) -> str:
    esc = lambda c: str(c).replace("|", "\\|")
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


# ---------------------------------------------------------------------------


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    p.add_argument("--rows", type=int, help="respondents for target A (default 1,000,000; --quick 20,000)")
    p.add_argument("--quick", action="store_true", help="small sizes: a smoke test of this script")
    p.add_argument("--keep", action="store_true", help="keep the generated files (and reuse them next time)")
    p.add_argument("--threads", type=int, help="rolefit --threads for the timed runs (default: rolefit's)")
    p.add_argument("--runs", type=int, default=3, help="timed runs per command; the median is reported")
    p.add_argument("--check", action="store_true", help="only check that the baseline agrees with rolefit")
    p.add_argument("--rolefit", type=Path,
                   help="with --check: the rolefit binary to check against (default: build the release one)")
    p.add_argument("--data-dir", type=Path, default=ROOT / "target" / "bench-data",
                   help="where the generated files go (default target/bench-data)")
    p.add_argument("--venv", type=Path, default=ROOT / "target" / "bench-venv",
                   help="the virtual environment for the baseline (default target/bench-venv)")
    p.add_argument("--markdown", type=Path, default=ROOT / "target" / "bench-compare.md",
                   help="also write the results here as Markdown")
    a = p.parse_args()

    rows_a = a.rows or (20_000 if a.quick else 1_000_000)
    rows_small = 2_000 if a.quick else 10_000
    rows_b = 5_000 if a.quick else 100_000
    judged = None if a.quick else True  # quick: size-dependent targets are not judged

    if not a.check and not os.access(TIME, os.X_OK):
        raise SystemExit(f"error: {TIME} (GNU time) is needed to measure peak RSS: apt-get install time")
    if a.rolefit and not a.check:
        raise SystemExit("error: --rolefit goes with --check (the timed runs build and use the release binary)")
    python = ensure_venv(a.venv)
    rolefit, floor = (a.rolefit.resolve(), None) if a.rolefit else build()
    data = Data(rolefit, a.data_dir)
    try:
        log("correctness check: baseline.py against rolefit score")
        check_ok, check_lines = correctness_check(rolefit, python, data)
        if a.check:
            agreeing = sum(1 for line in check_lines if line.startswith("ok"))
            print(f"check: {'PASS' if check_ok else 'FAIL'}: {agreeing} of {len(check_lines)} "
                  "baseline runs agree with rolefit score")
            return 0 if check_ok else 1
        return benchmark(a, python, rolefit, floor, data, rows_a, rows_small, rows_b, judged,
                         check_ok, check_lines)
    finally:
        if a.keep:
            log(f"kept the generated files in {data.dir}")
        else:
            data.clean()


def benchmark(a, python, rolefit, floor, data, rows_a, rows_small, rows_b, judged,
              check_ok, check_lines) -> int:
    busy_before = cpu_busy()
    if busy_before is not None and busy_before > 0.05:
        log(f"warning: other work keeps {busy_text(busy_before)} of the CPUs busy: timings will be "
            "noisy, and numpy's BLAS threads suffer most from sharing the cores")
    threads = ["--threads", a.threads] if a.threads else []
    env_b = baseline_env()
    baseline = [python, BENCHES / "baseline.py"]

    m12 = data.matrix(12, 30, 1)
    r_a = data.responses(m12, rows_a, 2)
    r_small = data.responses(m12, rows_small, 2)
    m879 = data.matrix(879, 68, 3)
    r_b = data.responses(m879, rows_b, 4)
    one = data.scratch("one-respondent.csv")
    with open(ROOT / "datasets" / "sample-responses.csv") as f:
        one.write_text(f.readline() + f.readline())

    out = {k: data.scratch(f"out-{k}.csv") for k in
           ("a-rolefit", "a-baseline", "a-baseline-blas", "a-floor", "small-rolefit", "a-rolefit-t1",
            "a-rolefit-default", "b-rolefit", "b-baseline", "b-baseline-blas")}
    args_a = ["--top", 3, "--format", "csv", "--quiet"]
    args_b = ["--top", 10, "--format", "csv", "--quiet"]

    log(f"\ntarget A: {rows_a:,} x 30 x 12, {a.runs} runs each, interleaved")
    a_rolefit = Bench("rolefit", [rolefit, "score", r_a, "--matrix", m12, *args_a, *threads, "-o", out["a-rolefit"]])
    a_base = Bench("baseline, BLAS 1 thread", [*baseline, r_a, m12, *args_a, "--blas-threads", 1, "-o", out["a-baseline"]], env_b)
    a_base_n = Bench("baseline, BLAS default threads",
                     [*baseline, r_a, m12, *args_a, "-o", out["a-baseline-blas"]], env_b)
    a_floor = Bench("floor", [floor, r_a, out["a-floor"]])
    interleaved([a_rolefit, a_base, a_base_n, a_floor], a.runs)

    log(f"\nmemory: rolefit at {rows_small:,} rows")
    small = Bench("rolefit", [rolefit, "score", r_small, "--matrix", m12, *args_a, *threads,
                              "-o", out["small-rolefit"]])
    interleaved([small], a.runs)

    log(f"\ntarget B: {rows_b:,} x 68 x 879, {a.runs} runs each, interleaved")
    b_rolefit = Bench("rolefit", [rolefit, "score", r_b, "--matrix", m879, *args_b, *threads, "-o", out["b-rolefit"]])
    b_base = Bench("baseline, BLAS 1 thread", [*baseline, r_b, m879, *args_b, "--blas-threads", 1, "-o", out["b-baseline"]], env_b)
    b_base_n = Bench("baseline, BLAS default threads",
                     [*baseline, r_b, m879, *args_b, "-o", out["b-baseline-blas"]], env_b)
    interleaved([b_rolefit, b_base, b_base_n], a.runs)

    log("\none profile, whole process: 1 warm-up + 20 runs")
    single = Bench("rolefit", [rolefit, "score", one, "--quiet"], rss=False)
    timed(single.cmd, rss=False)
    interleaved([single], 20)

    log("\ndeterminism: --threads 1 against the default")
    run([rolefit, "score", r_a, "--matrix", m12, *args_a, "--threads", 1, "-o", out["a-rolefit-t1"]])
    default_out = out["a-rolefit"]
    if a.threads:
        run([rolefit, "score", r_a, "--matrix", m12, *args_a, "-o", out["a-rolefit-default"]])
        default_out = out["a-rolefit-default"]
    identical = filecmp.cmp(out["a-rolefit-t1"], default_out, shallow=False)
    if identical:
        determinism = "byte for byte identical"
    else:
        agreement = compare_outputs(default_out, out["a-rolefit-t1"])
        determinism = f"bytes differ; parsed: {agreement.summary()}"

    log("\nagreement of the benchmark outputs (rolefit vs baseline)")
    agree_a = compare_outputs(out["a-rolefit"], out["a-baseline"])
    agree_b = compare_outputs(out["b-rolefit"], out["b-baseline"])
    for agreement, key in ((agree_a, "a"), (agree_b, "b")):
        # The default-BLAS run must write the same; compared in full only if
        # its bytes differ (summation order may move a last digit).
        if not filecmp.cmp(out[f"{key}-baseline"], out[f"{key}-baseline-blas"], shallow=False):
            other = compare_outputs(out[f"{key}-rolefit"], out[f"{key}-baseline-blas"])
            agreement.problems += other.problems
            agreement.tie_swaps = max(agreement.tie_swaps, other.tie_swaps)
    log(f"  A: {agree_a.summary()}\n  B: {agree_b.summary()}")

    # -- results -------------------------------------------------------------
    # The baseline is credited with the faster of its two BLAS settings.
    speed_a = min(a_base.median, a_base_n.median) / a_rolefit.median
    over_floor = a_rolefit.median / a_floor.median
    growth = a_rolefit.rss_mib / small.rss_mib - 1
    speed_b = min(b_base.median, b_base_n.median) / b_rolefit.median
    one_ms = single.median * 1000
    big_judged = judged

    targets = [
        Target(f"A: baseline / rolefit ({rows_a:,} x 30 x 12)", f"{speed_a:.1f}x", ">= 20x",
               big_judged and speed_a >= 20),
        Target("A: rolefit / floor (csv parse + rewrite)", f"{over_floor:.2f}x", "<= 1.5x",
               big_judged and over_floor <= 1.5),
        Target(f"memory: rolefit peak RSS, {rows_a:,} vs {rows_small:,} rows",
               f"{a_rolefit.rss_mib:.1f} vs {small.rss_mib:.1f} MiB ({growth:+.1%})",
               "within 10%, < 100 MB",
               big_judged and growth <= 0.10 and a_rolefit.rss_mib * 1024 * 1024 < 100e6),
        Target(f"B: baseline / rolefit ({rows_b:,} x 68 x 879)", f"{speed_b:.1f}x", ">= 5x",
               big_judged and speed_b >= 5),
        Target("one profile, whole process (median of 20)", f"{one_ms:.1f} ms", "< 20 ms",
               one_ms < 20),
        Target("determinism: --threads 1 vs default", determinism, "identical",
               identical),
        Target("baseline agrees with rolefit (A and B outputs)",
               f"A {agree_a.summary()}; B {agree_b.summary()}", "same rankings, scores within 1.5e-6",
               agree_a.ok and agree_b.ok),
        Target("baseline agrees with rolefit (check: 5 strategies, wide + long, blanks, edge cases)",
               f"{sum(1 for line in check_lines if line.startswith('ok'))}/{len(check_lines)} runs agree",
               "all", check_ok),
    ]
    timing_rows = [
        [name, b.label, fmt_s(b.median), f"{fmt_s(min(s.wall for s in b.samples))} .. "
         f"{fmt_s(max(s.wall for s in b.samples))}", "-" if b.rss_mib is None else f"{b.rss_mib:.1f}"]
        for name, b in [(f"A {rows_a:,} x 30 x 12, top 3", a_rolefit), ("", a_base), ("", a_base_n),
                        ("", a_floor), (f"A {rows_small:,} x 30 x 12, top 3", small),
                        (f"B {rows_b:,} x 68 x 879, top 10", b_rolefit), ("", b_base), ("", b_base_n),
                        ("one profile, built-in matrix", single)]
    ]
    timing_header = ["workload", "command", f"median of {a.runs} (20 for one profile)", "min .. max",
                     "peak RSS MiB"]
    target_header = ["target", "measured", "goal", "result"]
    target_rows = [[t.name, t.measured, t.goal, t.verdict] for t in targets]
    info = machine(python, rolefit, a.threads, busy_before)
    failed = [t for t in targets if t.passed is False]

    print()
    print(text_table(target_header, target_rows))
    print()
    print(text_table(timing_header, timing_rows))
    print()
    for k, v in info:
        print(f"{k + ':':10} {v}")
    print("\ncommands (INPUT, MATRIX and OUT as generated):")
    for line in commands_text(a, rows_a, rows_b):
        print("  " + line)
    if a.quick:
        print("\nquick mode: sizes too small to judge speed and memory targets (n/a)")
    print(f"\n{'FAIL: ' + ', '.join(t.name for t in failed) if failed else 'all judged targets PASS'}")

    md = [
        f"### rolefit vs pandas + numpy baseline vs CSV floor{' (quick sizes)' if a.quick else ''}",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} by `python3 benches/compare.py"
        f"{' --quick' if a.quick else ''}{f' --rows {a.rows}' if a.rows else ''}"
        f"{f' --threads {a.threads}' if a.threads else ''}` (`just bench-compare`): "
        f"each command run {a.runs} times interleaved on the same files; wall-clock **median** "
        "reported, and the largest peak RSS of the runs (GNU time's %M). The baseline runs "
        "with numpy's BLAS at 1 thread and at its default (one per core); the ratios use the "
        "faster of the two.",
        "",
        md_table(target_header, target_rows),
        "",
        md_table(timing_header, timing_rows),
        "",
        md_table(["machine", ""], [[k, v] for k, v in info]),
        "",
        "Commands:",
        "",
        "```sh",
        *commands_text(a, rows_a, rows_b),
        "```",
        "",
    ]
    a.markdown.parent.mkdir(parents=True, exist_ok=True)
    a.markdown.write_text("\n".join(md))
    log(f"\nwrote {a.markdown}")
    return 1 if failed else 0


def commands_text(a, rows_a, rows_b) -> list[str]:
    t = f" --threads {a.threads}" if a.threads else ""
    return [
        "rolefit synth matrix --roles 12 --capabilities 30 --seed 1 -o m12x30.csv",
        f"rolefit synth responses --matrix m12x30.csv --rows {rows_a} --seed 2 -o A.csv",
        "rolefit synth matrix --roles 879 --capabilities 68 --seed 3 -o m879x68.csv",
        f"rolefit synth responses --matrix m879x68.csv --rows {rows_b} --seed 4 -o B.csv",
        f"rolefit score A.csv --matrix m12x30.csv --top 3 --format csv --quiet{t} -o OUT",
        "python benches/baseline.py A.csv m12x30.csv --top 3 --format csv --quiet [--blas-threads 1] -o OUT",
        "target/release/examples/csv-rewrite A.csv OUT",
        f"rolefit score B.csv --matrix m879x68.csv --top 10 --format csv --quiet{t} -o OUT",
        "python benches/baseline.py B.csv m879x68.csv --top 10 --format csv --quiet [--blas-threads 1] -o OUT",
        "head -2 datasets/sample-responses.csv > one.csv; rolefit score one.csv --quiet",
    ]


if __name__ == "__main__":
    sys.exit(main())
