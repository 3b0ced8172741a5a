#!/usr/bin/env python3
"""Generate and check rolefit's sample data files.

What it does
------------
Reads the built-in data in ``datasets/guide/`` (capabilities, roles, the role
matrix and the self-assessment survey) and writes, deterministically:

* ``datasets/sample-responses.csv``        36 made-up survey respondents
                                           (R001..R036) answering Q01..Q40
* ``datasets/sample-responses.labels.csv`` the role each respondent was
                                           generated from (for evaluation)
* ``datasets/sample-profiles.csv``         6 capability profiles (P1..P6)
                                           given directly as values on 1..5

How respondents are made: each is assigned a role (9 per role, in shuffled
order); a "true" value per capability is drawn around that role's level in the
matrix (gaussian, sd 0.6); each survey answer is that value plus a little item
noise (sd 0.4), rounded half up and clipped to 1..5, then mirrored (6 - v) for
reverse-keyed items. To look like real data, six respondents leave 1-4
answers blank, one answers only 6 of the 20 capabilities (so a tool should
report them rather than rank them), and three type some answers as the
agreement label ("Agree", ...) instead of the number it stands for.

Everything comes from ``random.Random(SEED)``, so re-running gives identical
files.

The same script also prints the Markdown tables used in
``docs/builtin-matrix.md`` and checks the data.

How to run (from the repository root, Python 3.8+, standard library only)
------------------------------------------------------------------------
    python3 datasets/tools/make_samples.py            # (re)write the sample files
    python3 datasets/tools/make_samples.py --tables   # print the doc's tables
    python3 datasets/tools/make_samples.py --check    # validate the CSVs, check
                                                      # the doc's tables match,
                                                      # and run a nearest-role
                                                      # sanity check on the samples
"""

import csv
import math
import os
import random
import re
import sys

SEED = 20240611

HERE = os.path.dirname(os.path.abspath(__file__))
DATASETS = os.path.dirname(HERE)
ROOT = os.path.dirname(DATASETS)
GUIDE_DIR = os.path.join(DATASETS, "guide")
DOC = os.path.join(ROOT, "docs", "builtin-matrix.md")
# The roles guide that ships with the project brief (optional; only --check uses it).
ROLES_GUIDE = os.path.join(ROOT, "..", "shared", "seed", "roles-guide.txt")

N_PER_ROLE = 9
TRUE_SD = 0.6  # spread of a respondent's true capability around the role level
ITEM_SD = 0.4  # extra noise per survey answer
PROFILE_SD = 0.4  # spread of the direct profiles around their source levels

LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}
LABEL_VALUE = {v.lower(): k for k, v in LABELS.items()}

ROLE_ORDER = ["Project Manager", "Product Manager", "Program Manager", "Technical Program Manager"]

# The guide's core-capability wording, per role, in the guide's order, mapped
# to the canonical capability it merges into. This is the merge table in
# docs/builtin-matrix.md; --check verifies it against capabilities.csv (aliases),
# matrix.csv (core capabilities have importance >= 2, the rest < 2) and, when
# present, the roles guide itself.
GUIDE_MENTIONS = {
    "Project Manager": [
        ("Leadership and Team Management", "Leadership and Team Management"),
        ("Communication Skills", "Communication"),
        ("Problem-Solving Skills", "Problem-Solving"),
        ("Time Management", "Time Management"),
        ("Risk Management", "Risk Management"),
        ("Budget Management", "Budget Management"),
        ("Adaptability", "Adaptability"),
        ("Technical Proficiency", "Technical Expertise"),
        ("Stakeholder Management", "Stakeholder Management"),
        ("Project Planning and Execution", "Project Planning and Execution"),
    ],
    "Product Manager": [
        ("Vision and Strategy", "Vision and Strategy"),
        ("Market and Customer Insight", "Market and Customer Insight"),
        ("Prioritization Skills", "Prioritization"),
        ("Cross-Functional Leadership", "Cross-Functional Leadership"),
        ("Communication and Influence", "Communication"),
        ("Analytical Skills", "Analytical Skills"),
        ("User Experience Focus", "User Experience Focus"),
        ("Technical Acumen", "Technical Expertise"),
        ("Adaptability", "Adaptability"),
        ("Project Management", "Project Planning and Execution"),
    ],
    "Program Manager": [
        ("Strategic Planning and Vision", "Vision and Strategy"),
        ("Stakeholder Management", "Stakeholder Management"),
        ("Leadership and Team Coordination", "Cross-Functional Leadership"),
        ("Communication Skills", "Communication"),
        ("Organizational Skills", "Organizational Skills"),
        ("Risk Management", "Risk Management"),
        ("Budgeting and Financial Management", "Budget Management"),
        ("Problem-Solving", "Problem-Solving"),
        ("Adaptability", "Adaptability"),
        ("Negotiation Skills", "Negotiation"),
    ],
    "Technical Program Manager": [
        ("Technical Expertise", "Technical Expertise"),
        ("Project and Program Management", "Project Planning and Execution"),
        ("Leadership and Team Management", "Leadership and Team Management"),
        ("Stakeholder Management", "Stakeholder Management"),
        ("Risk Management", "Risk Management"),
        ("Strategic Thinking", "Vision and Strategy"),
        ("Communication Skills", "Communication"),
        ("Adaptability", "Adaptability"),
        ("Decision-Making", "Decision-Making"),
        ("Conflict Resolution", "Conflict Resolution"),
    ],
}


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------

def slug(name):
    """Lower case, runs of non-alphanumerics -> '-', trimmed (as rolefit_model::slug)."""
    return re.sub(r"[^0-9a-z]+", "-", name.lower()).strip("-")


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write_csv(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def load():
    """The built-in data as plain Python structures."""
    _, caps = read_csv(os.path.join(GUIDE_DIR, "capabilities.csv"))
    _, roles = read_csv(os.path.join(GUIDE_DIR, "roles.csv"))
    _, matrix = read_csv(os.path.join(GUIDE_DIR, "matrix.csv"))
    _, survey = read_csv(os.path.join(GUIDE_DIR, "survey.csv"))
    cap_names = [r[1] for r in caps]
    role_names = [r[1] for r in roles]
    level = {}
    importance = {}
    for role, cap, lv, imp in matrix:
        level[role, cap] = float(lv)
        importance[role, cap] = float(imp)
    id_to_cap = {r[0]: r[1] for r in caps}
    items = [
        {"id": q, "text": t, "capability": id_to_cap[c], "reverse": rv == "true"}
        for q, t, c, rv in survey
    ]
    return {
        "caps": caps,
        "roles": roles,
        "cap_names": cap_names,
        "role_names": role_names,
        "level": level,
        "importance": importance,
        "items": items,
    }


# --------------------------------------------------------------------------
# Generating the samples
# --------------------------------------------------------------------------

def round_half_up(x):
    return int(math.floor(x + 0.5))


def clip(x, lo=1, hi=5):
    return max(lo, min(hi, x))


def make_responses(data, rng):
    """Rows for sample-responses.csv and sample-responses.labels.csv."""
    roles = [r for r in data["role_names"] for _ in range(N_PER_ROLE)]
    rng.shuffle(roles)
    n = len(roles)
    ids = [f"R{i + 1:03d}" for i in range(n)]
    items = data["items"]
    caps = data["cap_names"]

    # Who gets which kind of realism: all distinct respondents.
    special = rng.sample(range(n), 10)
    sparse = special[0]
    with_blanks = special[1:7]
    with_labels = special[7:10]

    answers = []
    for role in roles:
        true = {c: rng.gauss(data["level"][role, c], TRUE_SD) for c in caps}
        row = []
        for it in items:
            v = clip(round_half_up(true[it["capability"]] + rng.gauss(0, ITEM_SD)))
            row.append(str(6 - v if it["reverse"] else v))
        answers.append(row)

    for i in with_blanks:
        for j in rng.sample(range(len(items)), rng.randint(1, 4)):
            answers[i][j] = ""
    keep = set(rng.sample(caps, 6))  # fewer than half of the 20 capabilities
    for j, it in enumerate(items):
        if it["capability"] not in keep:
            answers[sparse][j] = ""
    for i in with_labels:
        for j in rng.sample(range(len(items)), rng.randint(2, 4)):
            answers[i][j] = LABELS[int(answers[i][j])]

    rows = [[rid] + a for rid, a in zip(ids, answers)]
    labels = [[rid, role] for rid, role in zip(ids, roles)]
    return rows, labels


def make_profiles(data, rng):
    """Rows for sample-profiles.csv: P1-P4 one per role, P5 a Product/TPM
    hybrid, P6 a flat generalist; P3 and P6 have blank cells."""
    caps = data["cap_names"]
    lv = data["level"]
    sources = [{c: lv[r, c] for c in caps} for r in ROLE_ORDER]
    sources.append({c: (lv["Product Manager", c] + lv["Technical Program Manager", c]) / 2 for c in caps})
    sources.append({c: 3.4 for c in caps})
    blanks = {2: 1, 5: 2}  # profile index -> number of blank cells
    rows = []
    for i, src in enumerate(sources):
        vals = [f"{clip(round(src[c] + rng.gauss(0, PROFILE_SD), 1), 1.0, 5.0):.1f}" for c in caps]
        for j in rng.sample(range(len(caps)), blanks.get(i, 0)):
            vals[j] = ""
        rows.append([f"P{i + 1}"] + vals)
    return rows


def generate():
    data = load()
    rng = random.Random(SEED)
    rows, labels = make_responses(data, rng)
    write_csv(
        os.path.join(DATASETS, "sample-responses.csv"),
        ["respondent"] + [it["id"] for it in data["items"]],
        rows,
    )
    write_csv(os.path.join(DATASETS, "sample-responses.labels.csv"), ["respondent", "role"], labels)
    write_csv(
        os.path.join(DATASETS, "sample-profiles.csv"),
        ["respondent"] + data["cap_names"],
        make_profiles(data, rng),
    )
    print("wrote sample-responses.csv, sample-responses.labels.csv, sample-profiles.csv")


# --------------------------------------------------------------------------
# Markdown tables for docs/builtin-matrix.md
# --------------------------------------------------------------------------

def fmt(x):
    return f"{x:g}"


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def tables(data):
    """The doc's generated tables, by name."""
    roles = data["role_names"]
    cat = {r[1]: r[2] for r in data["caps"]}
    wording = {}
    for role, mentions in GUIDE_MENTIONS.items():
        for said, canon in mentions:
            wording[role, canon] = said
    merge_rows = []
    for i, c in enumerate(data["cap_names"], 1):
        cells = []
        for r in roles:
            w = wording.get((r, c))
            cells.append("—" if w is None else (w if w == c else f"*{w}*"))
        merge_rows.append([str(i), c] + cells)
    merge_rows.append(["", "**Mentions**"] + [str(len(GUIDE_MENTIONS[r])) for r in roles])

    matrix_rows = []
    for i, c in enumerate(data["cap_names"], 1):
        cells = []
        for r in roles:
            lv, imp = data["level"][r, c], data["importance"][r, c]
            txt = f"{fmt(lv)} ({fmt(imp)})"
            top = max(data["level"][q, c] for q in roles)
            cells.append(f"**{txt}**" if lv == top else txt)
        matrix_rows.append([str(i), c, cat[c]] + cells)

    survey_rows = [
        [it["id"], it["capability"], "yes" if it["reverse"] else "", it["text"]] for it in data["items"]
    ]
    return {
        "merge": md_table(["#", "Canonical capability"] + roles, merge_rows),
        "matrix": md_table(["#", "Capability", "Category"] + roles, matrix_rows),
        "survey": md_table(["Item", "Capability", "Reverse", "Statement"], survey_rows),
    }


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------

def check():
    problems = []

    def need(cond, msg):
        if not cond:
            problems.append(msg)

    hdr = {}
    body = {}
    for name in ["capabilities", "roles", "matrix", "survey"]:
        hdr[name], body[name] = read_csv(os.path.join(GUIDE_DIR, name + ".csv"))
    for name in ["sample-responses", "sample-responses.labels", "sample-profiles"]:
        hdr[name], body[name] = read_csv(os.path.join(DATASETS, name + ".csv"))
    for name in hdr:
        widths = {len(r) for r in body[name]}
        need(widths == {len(hdr[name])}, f"{name}: rows do not all have {len(hdr[name])} fields")

    need(hdr["capabilities"] == ["id", "name", "category", "description", "aliases"], "capabilities header")
    need(hdr["roles"] == ["id", "name", "key_focus", "description", "responsibilities"], "roles header")
    need(hdr["matrix"] == ["role", "capability", "level", "importance"], "matrix header")
    need(hdr["survey"] == ["id", "text", "capability", "reverse"], "survey header")

    caps, roles = body["capabilities"], body["roles"]
    need(len(caps) == 20, f"{len(caps)} capabilities, want 20")
    need(len(roles) == 4, f"{len(roles)} roles, want 4")
    need([r[1] for r in roles] == ROLE_ORDER, "role names/order")
    for table in (caps, roles):
        need(len({r[0] for r in table}) == len(table), "duplicate ids")
        need(len({r[1] for r in table}) == len(table), "duplicate names")
        for r in table:
            need(r[0] == slug(r[1]), f"id {r[0]!r} is not the slug of {r[1]!r}")
            need(r[3].strip() != "", f"{r[0]}: empty description")
    for r in roles:
        need(len(r[4].split("|")) == 5, f"{r[0]}: want 5 responsibilities")

    cap_names = [r[1] for r in caps]
    role_names = [r[1] for r in roles]
    pairs = [(r[0], r[1]) for r in body["matrix"]]
    need(len(pairs) == 80, f"{len(pairs)} matrix rows, want 80")
    need(set(pairs) == {(r, c) for r in role_names for c in cap_names} and len(set(pairs)) == len(pairs),
         "matrix: not every role x capability pair exactly once")
    for role, cap, lv, imp in body["matrix"]:
        need(1 <= float(lv) <= 5, f"matrix {role}/{cap}: level {lv} outside 1..5")
        need(float(imp) > 0, f"matrix {role}/{cap}: importance {imp} not > 0")

    # Merge table vs the data (and the guide, if it is there).
    alias = {r[1]: [a for a in r[4].split("|") if a] for r in caps}
    imp = {(r[0], r[1]): float(r[3]) for r in body["matrix"]}
    for role in ROLE_ORDER:
        m = GUIDE_MENTIONS[role]
        need(len(m) == 10 and len({c for _, c in m}) == 10, f"{role}: want 10 mentions onto 10 capabilities")
        core = {c for _, c in m}
        for said, canon in m:
            need(canon in cap_names, f"{role}: {said!r} maps to unknown {canon!r}")
            need(said == canon or said in alias.get(canon, []), f"{role}: {said!r} missing from aliases of {canon}")
        for c in cap_names:
            if c in core:
                need(imp[role, c] >= 2, f"{role}/{c}: core capability with importance < 2")
            else:
                need(imp[role, c] < 2, f"{role}/{c}: non-core capability with importance >= 2")
    used = {(canon, said) for m in GUIDE_MENTIONS.values() for said, canon in m if said != canon}
    for c, al in alias.items():
        for a in al:
            need((c, a) in used, f"alias {a!r} of {c} is not a role's wording")
    if os.path.exists(ROLES_GUIDE):
        with open(ROLES_GUIDE, encoding="utf-8") as f:
            guide = f.read()
        for role, m in GUIDE_MENTIONS.items():
            for said, _ in m:
                need(re.search(r"•\s*" + re.escape(said) + ":", guide), f"{role}: {said!r} not found in the guide")
        for r in roles:
            need(r[2] in guide, f"{r[0]}: key focus not found in the guide")
            for resp in r[4].split("|"):
                need(resp in guide, f"{r[0]}: responsibility {resp!r} not found in the guide")

    # Survey.
    survey = body["survey"]
    cap_ids = [r[0] for r in caps]
    need(len(survey) == 40, f"{len(survey)} survey items, want 40")
    need([r[0] for r in survey] == [f"Q{i:02d}" for i in range(1, len(survey) + 1)], "survey ids not Q01..")
    need([r[2] for r in survey] == [c for c in cap_ids for _ in range(2)], "survey: want 2 items per capability, in order")
    need(all(r[3] in ("true", "false") for r in survey), "survey: reverse must be true/false")
    n_rev = sum(r[3] == "true" for r in survey)
    need(8 <= n_rev <= 12, f"survey: {n_rev} reverse-keyed items")

    # Samples.
    q_ids = [r[0] for r in survey]
    need(hdr["sample-responses"] == ["respondent"] + q_ids, "sample-responses header")
    need(hdr["sample-responses.labels"] == ["respondent", "role"], "labels header")
    need(hdr["sample-profiles"] == ["respondent"] + cap_names, "sample-profiles header")
    resp = body["sample-responses"]
    need([r[0] for r in resp] == [f"R{i:03d}" for i in range(1, 37)], "respondents not R001..R036")
    need([r[0] for r in body["sample-responses.labels"]] == [r[0] for r in resp], "labels do not match respondents")
    need(all(r[1] in role_names for r in body["sample-responses.labels"]), "labels: unknown role")
    for r in resp:
        for cell in r[1:]:
            need(cell == "" or cell in {"1", "2", "3", "4", "5"} or cell.lower() in LABEL_VALUE,
                 f"{r[0]}: bad answer {cell!r}")
    need([r[0] for r in body["sample-profiles"]] == [f"P{i}" for i in range(1, 7)], "profiles not P1..P6")
    blanks = 0
    for r in body["sample-profiles"]:
        for cell in r[1:]:
            if cell == "":
                blanks += 1
            else:
                need(re.fullmatch(r"\d\.\d", cell) and 1 <= float(cell) <= 5, f"{r[0]}: bad value {cell!r}")
    need(blanks >= 1, "sample-profiles: want at least one blank cell")

    # The doc's tables.
    if os.path.exists(DOC):
        with open(DOC, encoding="utf-8") as f:
            doc = f.read()
        for name, t in tables(load()).items():
            need(t in doc, f"docs/builtin-matrix.md: the {name} table does not match the CSVs (run --tables)")
    else:
        problems.append("docs/builtin-matrix.md is missing")

    for p in problems:
        print("FAIL:", p)
    if problems:
        return 1
    print("structure: OK (20 capabilities, 4 roles, 80 matrix cells, 40 survey items, samples, doc tables)")
    nearest_role_report()
    return 0


def respondent_means(data, row):
    """Per-capability mean answer (labels read, reverse items mirrored)."""
    sums = {}
    for it, cell in zip(data["items"], row[1:]):
        if cell == "":
            continue
        v = float(LABEL_VALUE[cell.lower()]) if cell.lower() in LABEL_VALUE else float(cell)
        if it["reverse"]:
            v = 6 - v
        sums.setdefault(it["capability"], []).append(v)
    return {c: sum(v) / len(v) for c, v in sums.items()}


def nearest_role(data, means):
    best = None
    for r in data["role_names"]:
        w = sum(data["importance"][r, c] for c in means)
        d = math.sqrt(sum(data["importance"][r, c] * (x - data["level"][r, c]) ** 2 for c, x in means.items()) / w)
        if best is None or d < best[0]:
            best = (d, r)
    return best[1]


def nearest_role_report():
    """Naive sanity check: does importance-weighted euclidean distance to each
    role's levels recover the role a sample respondent was generated from?"""
    data = load()
    _, resp = read_csv(os.path.join(DATASETS, "sample-responses.csv"))
    _, labels = read_csv(os.path.join(DATASETS, "sample-responses.labels.csv"))
    truth = dict(labels)
    hits = ranked = 0
    for row in resp:
        means = respondent_means(data, row)
        if len(means) * 2 < len(data["cap_names"]):
            print(f"  {row[0]}: answered {len(means)} of {len(data['cap_names'])} capabilities -> not ranked")
            continue
        ranked += 1
        guess = nearest_role(data, means)
        hits += guess == truth[row[0]]
        if guess != truth[row[0]]:
            print(f"  {row[0]}: generated as {truth[row[0]]}, nearest is {guess}")
    print(f"nearest-role check: {hits}/{ranked} ranked respondents recovered ({hits / ranked:.0%})")


def main(argv):
    if argv[1:] == ["--check"]:
        return check()
    if argv[1:] == ["--tables"]:
        for name, t in tables(load()).items():
            print(f"<!-- {name} -->\n{t}\n")
        return 0
    if argv[1:]:
        print(__doc__)
        return 2
    generate()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
