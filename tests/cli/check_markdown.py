#!/usr/bin/env python3
"""End-to-end check of `elbocheck check --format markdown`.

usage: check_markdown.py ELBOCHECK WORKDIR

The Markdown report must say what the JSON report (the contract) says: one section per
derivation in the same order, one table row per step with its index, relation, rules, symbolic
and numeric verdicts and largest error (to the digits shown), a "(corrected)" row after each
recorded mistake, and a summary whose counts match the rows. The comparison is then run on
tampered copies of the report, each of which it must reject: a checker that cannot fail checks
nothing.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

ROW = re.compile(r"^\| (.*) \|$")
SECTION = re.compile(r"^## `([^`]+)` — ")
SUMMARY = re.compile(r"^(\d+) derivations, (\d+) steps on (\d+) models .*; (\d+) recorded "
                     r"mistakes of the documents\): (\d+) behaved as expected, (\d+) did not\.$")


def unescaped(cell):
    # The report backslash-escapes Markdown punctuation; a reader sees the bare character.
    return re.sub(r"\\(.)", r"\1", cell)


def cells(line):
    # Split on '|' that is not escaped.
    return [unescaped(c.strip()) for c in re.split(r"(?<!\\)\|", ROW.match(line).group(1))]


def parse(text):
    """{'sections': [(name, [row cells...])], 'summary': match groups or None}"""
    sections, summary = [], None
    for line in text.splitlines():
        m = SECTION.match(line)
        if m:
            sections.append((m.group(1), []))
            continue
        if ROW.match(line) and sections:
            row = cells(line)
            if row[0] in ("Step", "---:"):
                continue
            sections[-1][1].append(row)
            continue
        m = SUMMARY.match(line)
        if m:
            summary = tuple(int(g) for g in m.groups())
    return {"sections": sections, "summary": summary}


def error_text(step):
    if step["max_abs_error"] is None:
        return "—"
    text = f"{step['max_abs_error']:.1e}"
    if step.get("method") == "monte-carlo":  # a sampled step shows its standard error too
        text += f" (sampled, se {step['standard_error']:.1e})"
    return text


def numeric_text(step):
    """The Numeric cell: the verdict, how many models refute it, how many had no value."""
    text = step["numeric"]
    if text == "fails":
        text += f" on {step['failing']} of {step['instances']}"
    if step["not_evaluable"] and text != "not-evaluated":
        total = step["instances"] + step["not_evaluable"]
        text += f" ({step['not_evaluable']} of {total} not evaluable)"
    return text


def expected_row(label, step, ok):
    return [label, step["relation"], ", ".join(step["rules"]), step["symbolic"],
            numeric_text(step), error_text(step), "✅" if ok else "❌"]


def compare(markdown, report):
    """Every way the Markdown report disagrees with the JSON one."""
    problems = []
    parsed = parse(markdown)
    names = [name for name, _ in parsed["sections"]]
    wanted = [d["name"] for d in report["derivations"]]
    if names != wanted:
        problems.append(f"sections {names} != derivations {wanted}")
    steps = mistakes = surprises = 0
    for (name, rows), d in zip(parsed["sections"], report["derivations"]):
        want = []
        for s in d["steps"]:
            steps += 1
            mistakes += s["expected"] == "fail"
            surprises += not s["behaved_as_expected"]
            want.append(expected_row(str(s["index"]), s, s["behaved_as_expected"]))
            if "correction" in s:
                c = s["correction"]
                ok = c["symbolic"] == "justified" and c["numeric"] != "fails"
                want.append(expected_row(f"{s['index']} (corrected)", c, ok))
        # The last cell may carry a note after the mark ("✅ recorded mistake: ...").
        got = [row[:6] + [row[6].split(" ")[0]] if len(row) == 7 else row for row in rows]
        if len(got) != len(want):
            problems.append(f"{name}: {len(got)} rows for {len(want)} steps and corrections")
        for g, w in zip(got, want):
            if g != w:
                problems.append(f"{name}: row {g} != {w}")
        for row, s in zip(rows, (s for s in d["steps"] for _ in range(1 + ("correction" in s)))):
            noted = len(row) == 7 and "recorded mistake" in row[6]
            if noted != (s["expected"] == "fail" and "(corrected)" not in row[0]):
                problems.append(f"{name} row {row[0]}: recorded-mistake note misplaced")
    if parsed["summary"] is None:
        problems.append("no summary line")
    else:
        derivations, n, _, m, good, bad = parsed["summary"]
        if (derivations, n, m, good, bad) != (len(wanted), steps, mistakes, steps - surprises,
                                               surprises):
            problems.append(f"summary {parsed['summary']} does not match the rows")
    return problems


def main():
    elbocheck, workdir = sys.argv[1], Path(sys.argv[2])
    workdir.mkdir(parents=True, exist_ok=True)
    md_path, json_path = workdir / "report.md", workdir / "report.json"
    common = ["--models", "10", "--seed", "7"]
    for fmt, path in (("markdown", md_path), ("json", json_path)):
        run = subprocess.run([elbocheck, "check", "--format", fmt, "--output", str(path)] + common,
                             capture_output=True, text=True)
        if run.returncode != 0:
            print(f"FAIL: check --format {fmt} exited {run.returncode}: {run.stderr}")
            return 1
    markdown, report = md_path.read_text(), json.loads(json_path.read_text())

    problems = compare(markdown, report)
    if not markdown.startswith("# "):
        problems.append("the report does not start with a heading")

    # Each tampering must be caught.
    lines = markdown.splitlines(keepends=True)
    first_row = next(i for i, l in enumerate(lines) if l.startswith("| 1 |"))
    tampered = {
        "a verdict changed": markdown.replace("| justified | holds |", "| justified | fails |", 1),
        "a row dropped": "".join(lines[:first_row] + lines[first_row + 1:]),
        "an error changed": re.sub(r"\| (\d)\.(\d)e", lambda m: f"| {(int(m.group(1)) % 9) + 1}."
                                   f"{m.group(2)}e", markdown, count=1),
        "a correction dropped": re.sub(r"^\| \d+ \(corrected\).*\n", "", markdown, count=1,
                                       flags=re.M),
        "the summary off by one": re.sub(r"(\d+) did not\.", lambda m: f"{int(m.group(1)) + 1} "
                                         "did not.", markdown),
    }
    for what, text in tampered.items():
        if text == markdown:
            problems.append(f"tampering '{what}' changed nothing (the test is stale)")
        elif not compare(text, report):
            problems.append(f"the comparison missed {what}")

    for p in problems:
        print("FAIL:", p)
    rows = sum(len(r) for _, r in parse(markdown)["sections"])
    print(f"markdown report: {len(report['derivations'])} derivations, {rows} rows; "
          f"{len(tampered)} tamperings tried; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
