#!/usr/bin/env python3
"""The tables of docs/strategies.md's "Comparison", made again.

Runs the commands that section shows (synthetic labelled respondents from
`rolefit synth`, then `rolefit evaluate --center person --format
markdown`) in a scratch directory and prints the tables it quotes; with
`--write`, puts them in place of the tables in docs/strategies.md (between
"## Comparison" and "### What the numbers say"), in order:

1. built-in matrix, noise 0.75: metrics;
2. built-in matrix, noise 1.5: metrics, agreement, `euclidean`'s confusion;
3. 12 x 30 matrix, noise 1.5 and 2.5: metrics;
4. noise 0.75 with a one-point self-rating bias: metrics;
5. roles that differ only in level (the `levels.csv` of the section):
   metrics, `pearson`'s confusion.

    python3 benches/strategy_comparison.py --rolefit target/release/rolefit [--write]

The prose around the tables quotes their numbers: read it again after
`--write`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "strategies.md"


def run(rolefit: str, *args: str, cwd: Path) -> str:
    out = subprocess.run([rolefit, *args], cwd=cwd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"rolefit {' '.join(args)} failed ({out.returncode}):\n{out.stderr}")
    return out.stdout


def tables(markdown: str) -> list[tuple[str, list[str]]]:
    """Each table of `markdown` with the last line of text before it."""
    found, caption, block = [], "", []
    for line in markdown.splitlines():
        if line.startswith("|"):
            block.append(line)
            continue
        if block:
            found.append((caption, block))
            block = []
        if line.strip():
            caption = line
    if block:
        found.append((caption, block))
    return found


def confusion_of(found: list[tuple[str, list[str]]], strategy: str) -> list[str]:
    for caption, block in found:
        if caption.startswith(f"Confusion of `{strategy}`"):
            return block
    sys.exit(f"no confusion table of {strategy}")


def bias(src: Path, dst: Path) -> None:
    """Every second respondent one point higher, the others one lower,
    clipped to 1..5 (the section's awk line)."""
    lines = src.read_text().splitlines()
    out = [lines[0]]
    for n, line in enumerate(lines[1:], start=2):
        shift = 1 if n % 2 else -1
        cells = line.split(",")
        for i in range(1, len(cells)):
            if cells[i] != "":
                v = min(5.0, max(1.0, float(cells[i]) + shift))
                cells[i] = f"{v:g}"
        out.append(",".join(cells))
    dst.write_text("\n".join(out) + "\n")


def levels_csv() -> str:
    text = DOC.read_text()
    match = re.search(r"```csv\n(role,Planning.*?)```", text, re.S)
    if not match:
        sys.exit("docs/strategies.md has no levels.csv block")
    return match.group(1)


def make(rolefit: str, work: Path) -> list[list[str]]:
    def synth(name: str, noise: str, *matrix: str) -> None:
        run(rolefit, "synth", "responses", *matrix, "--rows", "2000", "--seed", "1", "--noise", noise,
            "--labels", f"{name}.labels.csv", "-o", f"{name}.csv", cwd=work)

    def evaluate(name: str, labels: str, *matrix: str) -> list[tuple[str, list[str]]]:
        return tables(run(rolefit, "evaluate", f"{name}.csv", *matrix, "--labels", labels, "--center",
                          "person", "--format", "markdown", "--quiet", cwd=work))

    out: list[list[str]] = []
    synth("g075", "0.75")
    out.append(evaluate("g075", "g075.labels.csv")[0][1])
    synth("g15", "1.5")
    g15 = evaluate("g15", "g15.labels.csv")
    out += [g15[0][1], g15[1][1], confusion_of(g15, "euclidean")]
    run(rolefit, "synth", "matrix", "--roles", "12", "--capabilities", "30", "--seed", "1", "-o", "m12x30.csv",
        cwd=work)
    for name, noise in [("s15", "1.5"), ("s25", "2.5")]:
        synth(name, noise, "--matrix", "m12x30.csv")
        out.append(evaluate(name, f"{name}.labels.csv", "--matrix", "m12x30.csv")[0][1])
    bias(work / "g075.csv", work / "g075-bias.csv")
    out.append(evaluate("g075-bias", "g075.labels.csv")[0][1])
    (work / "levels.csv").write_text(levels_csv())
    synth("lv", "0.75", "--matrix", "levels.csv")
    lv = evaluate("lv", "lv.labels.csv", "--matrix", "levels.csv")
    out += [lv[0][1], confusion_of(lv, "pearson")]
    return out


def write(new: list[list[str]]) -> None:
    text = DOC.read_text()
    start = text.index("## Comparison")
    end = text.index("### What the numbers say")
    lines = text[start:end].split("\n")
    result, i, k = [], 0, 0
    while i < len(lines):
        if lines[i].startswith("|"):
            if k >= len(new):
                sys.exit("docs/strategies.md's Comparison has more tables than this script makes")
            result += new[k]
            k += 1
            while i < len(lines) and lines[i].startswith("|"):
                i += 1
        else:
            result.append(lines[i])
            i += 1
    if k != len(new):
        sys.exit(f"docs/strategies.md's Comparison has {k} tables, this script makes {len(new)}")
    DOC.write_text(text[:start] + "\n".join(result) + text[end:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rolefit", default=str(ROOT / "target" / "release" / "rolefit"))
    parser.add_argument("--write", action="store_true", help="replace the tables in docs/strategies.md")
    parser.add_argument("--check", action="store_true", help="fail if docs/strategies.md's tables differ")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        new = make(str(Path(args.rolefit).resolve()), Path(tmp))
    if args.check:
        before = DOC.read_text()
        write(new)
        after = DOC.read_text()
        DOC.write_text(before)
        if after != before:
            import difflib

            sys.stdout.writelines(difflib.unified_diff(before.splitlines(True), after.splitlines(True), "docs", "made"))
            sys.exit("docs/strategies.md's comparison tables are not what rolefit prints today: run "
                     "benches/strategy_comparison.py --write and read the prose again")
        print("docs/strategies.md's comparison tables are what rolefit prints", file=sys.stderr)
        return
    if args.write:
        write(new)
    for block in new:
        print("\n".join(block) + "\n")


if __name__ == "__main__":
    main()
