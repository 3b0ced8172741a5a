#!/usr/bin/env python3
"""Writes the survey-tool export fixtures of tests/integration/exports.rs.

One set of answers (plain.csv: twelve people, the 40 statements of the
built-in survey, answers 1..5, some left blank) is written out as each
survey tool exports it: Qualtrics (numeric values as CSV, choice text as
TSV), SurveyMonkey, Google Forms, Microsoft Forms and Typeform. Every
export must score exactly as plain.csv does.

Deterministic: run it again and nothing changes.

    python3 tests/exports/generate.py
"""

import csv
import io
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

LABELS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
INTRO = "How much do you agree with each statement?"
PEOPLE = [
    "ana.silva", "ben.okafor", "chen.wei", "dana.kowalski", "emil.berg", "farah.haddad",
    "gus.moreau", "hana.sato", "ivan.petrov", "jo.murphy", "kofi.mensah", "lena.fischer",
]


def survey():
    with open(os.path.join(ROOT, "datasets", "guide", "survey.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def answers(items):
    """Per person: email, a list of 40 answers (int or None), seconds taken."""
    rng = random.Random(6)
    people = []
    for i, name in enumerate(PEOPLE):
        lean = rng.choice([2, 3, 4])
        row = []
        for _ in items:
            v = min(5, max(1, round(lean + rng.gauss(0, 1.1))))
            row.append(None if rng.random() < 0.05 else v)
        if name == "emil.berg":  # straight-lining
            row = [4] * len(items)
        if name == "jo.murphy":  # answered only a few
            row = [v if k % 5 == 0 else None for k, v in enumerate(row)]
        seconds = 45 if name in ("emil.berg", "kofi.mensah") else 240 + 37 * i
        people.append((f"{name}@example.org", row, seconds))
    return people


def write(name, rows, delimiter=","):
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if name.startswith("surveymonkey") else "\n")
    w.writerows(rows)
    with open(os.path.join(HERE, name), "w", newline="", encoding="utf-8") as f:
        f.write(out.getvalue())


def cell(v, labels=False):
    if v is None:
        return ""
    return LABELS[v - 1] if labels else str(v)


def clock(seconds):
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return h, m, s


def main():
    items = survey()
    people = answers(items)

    # plain.csv: the answers as rolefit's own format.
    rows = [["respondent"] + [it["id"] for it in items]]
    for email, row, _ in people:
        rows.append([email] + [cell(v) for v in row])
    write("plain.csv", rows)

    # Qualtrics: 17 metadata columns, two matrix questions of 20
    # statements (Q1_1..Q1_20, Q2_1..Q2_20), a text entry question.
    meta = [
        ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"America/Denver"}'),
        ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"America/Denver"}'),
        ("Status", "Response Type", '{"ImportId":"status"}'),
        ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
        ("Progress", "Progress", '{"ImportId":"progress"}'),
        ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
        ("Finished", "Finished", '{"ImportId":"finished"}'),
        ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"America/Denver"}'),
        ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
        ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
        ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
        ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
        ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
        ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
        ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
        ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
        ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
    ]
    qids = [f"Q{1 + k // 20}_{1 + k % 20}" for k in range(len(items))]
    ids = [m[0] for m in meta] + qids + ["Q3"]
    texts = [m[1] for m in meta] + [f"{INTRO} - {it['text']}" for it in items] + [
        "Anything else you would like to tell us?"
    ]
    imports = [m[2] for m in meta] + ['{"ImportId":"QID%s"}' % q[1:] for q in qids] + ['{"ImportId":"QID3_TEXT"}']
    for name, labels, delimiter in [("qualtrics-numeric.csv", False, ","), ("qualtrics-text.tsv", True, "\t")]:
        rows = [ids, texts, imports]
        for i, (email, row, seconds) in enumerate(people):
            first, last = email.split("@")[0].split(".")
            h, m, s = clock(seconds)
            rows.append(
                [
                    "2024-11-14 09:00:00",
                    f"2024-11-14 {9 + h:02}:{m:02}:{s:02}",
                    "IP Address",
                    f"192.0.2.{10 + i}",
                    "100",
                    str(seconds),
                    "True",
                    f"2024-11-14 {9 + h:02}:{m:02}:{s:02}",
                    f"R_{(i * 7919 + 104729):x}Qa{i:02}",
                    last.title(),
                    first.title(),
                    email,
                    "",
                    "39.7392",
                    "-104.9903",
                    "email",
                    "EN",
                ]
                + [cell(v, labels) for v in row]
                + ["" if i % 3 else "Thanks, this was quick"]
            )
        write(name, rows, delimiter)

    # A survey definition mapping the Qualtrics ids to the built-in
    # survey's capabilities (qualtrics-numeric.csv is read with it).
    rows = [["id", "text", "capability", "reverse"]]
    for q, it in zip(qids, items):
        rows.append([q, it["text"], it["capability"], it["reverse"]])
    write("qualtrics-survey.csv", rows)

    # SurveyMonkey: the matrix question in row 1 over its first column
    # only, its statements in row 2; answers as labels; CRLF line ends.
    row1 = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
            "First Name", "Last Name", "Custom Data 1", INTRO] + [""] * (len(items) - 1) + [
            "Anything else you would like to tell us?"]
    row2 = [""] * 9 + [it["text"] for it in items] + ["Open-Ended Response"]
    rows = [row1, row2]
    for i, (email, row, seconds) in enumerate(people):
        first, last = email.split("@")[0].split(".")
        h, m, s = clock(seconds)
        rows.append(
            [str(114339403021 + 1117 * i), "431276125", "11/14/2024 09:00:00 AM",
             f"11/14/2024 {9 + h:02}:{m:02}:{s:02} AM", f"192.0.2.{10 + i}", email, first.title(),
             last.title(), ""]
            + [cell(v, True) for v in row]
            + [""]
        )
    write("surveymonkey.csv", rows)

    # Google Forms: a multiple-choice grid, `Question [Row]` columns.
    rows = [["Timestamp", "Email Address"] + [f"{INTRO} [{it['text']}]" for it in items] + [
        "Anything else you would like to tell us?"]]
    for i, (email, row, seconds) in enumerate(people):
        h, m, s = clock(seconds)
        rows.append([f"11/14/2024 {9 + h}:{m:02}:{s:02}", email] + [cell(v, True) for v in row] + [""])
    write("google-forms.csv", rows)

    # Microsoft Forms: one Likert question, a column per statement (some
    # texts typed a little differently from the survey: matched loosely).
    def retyped(k, text):
        return text.rstrip(".").upper() if k % 4 == 1 else text
    rows = [["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
            + [retyped(k, it["text"]) for k, it in enumerate(items)]]
    for i, (email, row, seconds) in enumerate(people):
        h, m, s = clock(seconds)
        first, last = email.split("@")[0].split(".")
        rows.append([str(i + 1), "11/14/24 9:00:00", f"11/14/24 {9 + h}:{m:02}:{s:02}", email,
                     f"{first.title()} {last.title()}", ""] + [cell(v, True) for v in row])
    write("ms-forms.csv", rows)

    # Typeform: opinion-scale questions (numbers), a hidden field `email`.
    rows = [["#"] + [it["text"] for it in items] + ["email", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"]]
    for i, (email, row, seconds) in enumerate(people):
        h, m, s = clock(seconds)
        rows.append([f"t{i:02}x{(i * 104729) % 999983:06x}"] + [cell(v) for v in row]
                    + [email, "2024-11-14 09:00:00", f"2024-11-14 {9 + h:02}:{m:02}:{s:02}", f"n{i:04x}"])
    write("typeform.csv", rows)


if __name__ == "__main__":
    main()
