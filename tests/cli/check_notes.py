#!/usr/bin/env python3
"""End-to-end checks of `elbocheck check NOTE...`.

usage: check_notes.py ELBOCHECK SCHEMA WORKDIR [SEEDS_DIR]

Writes small notes into WORKDIR and checks: a wrong step is reported like a compiler's error
(file:line:column) and gives exit 1; a correct note gives exit 0; a missing file, or notes
mixed with built-in names, exit 2 with the file named; directories are searched; JSON
validates against the schema and carries file/line/column; JUnit parses with a failure on the
wrong step; Markdown marks it; --observed/--latent and --macros change what is understood;
`docs` writes a page per note and an index; and, when the seed documents are there, their exit codes are 000:1 001:0 002:0 003:0 004:1.
"""
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


WRONG = """# A note with a dropped log

The evidence is constant in z, so it is its own expectation:

$$
\\begin{aligned}
\\log p(x) &= \\mathbb{E}_{q(z|x)}[\\log p(x)] \\\\
&= \\mathbb{E}_{q(z|x)}[p(x)]
\\end{aligned}
$$
"""

RIGHT = """# The bound

$$\\log p(x) = \\log \\int q(z|x) \\frac{p(x, z)}{q(z|x)} dz
\\geq \\mathbb{E}_{q(z|x)}\\left[\\log \\frac{p(x, z)}{q(z|x)}\\right]$$
"""

OTHER_LETTERS = """$$\\log p(y) = \\log \\int p(y, w) \\, dw$$
"""

MACROS_NOTE = """$$\\log p(x) = \\log \\int \\joint \\, dz$$
"""


def run(elbocheck, *args):
    return subprocess.run([elbocheck, *args], capture_output=True, text=True)


def main():
    elbocheck, schema_path, workdir = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    seeds = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    workdir.mkdir(parents=True, exist_ok=True)
    notes = workdir / "notes"
    shutil.rmtree(notes, ignore_errors=True)  # a run before this one left its notes
    (notes / "sub").mkdir(parents=True, exist_ok=True)
    wrong, right = notes / "wrong.md", notes / "sub" / "right.md"
    wrong.write_text(WRONG)
    right.write_text(RIGHT)

    r = run(elbocheck, "check", str(wrong))
    expect(r.returncode == 1, f"a note with a wrong step exited {r.returncode}")
    expect(f"{wrong}:8:2: error: step 1.2 (=) is false" in r.stdout,
           f"no compiler-style error for the wrong step:\n{r.stdout}")
    expect("written:" in r.stdout and "understood:" in r.stdout,
           "the error does not show the step as written and as understood")
    expect("1 note, 1 derivations, 2 steps" in r.stdout, f"no summary line:\n{r.stdout}")

    r = run(elbocheck, "check", str(right))
    expect(r.returncode == 0, f"a correct note exited {r.returncode}: {r.stdout}")
    expect("justified by" in r.stdout and "jensen" in r.stdout,
           f"the Jensen step is not reported with its rule:\n{r.stdout}")

    r = run(elbocheck, "check", str(notes))
    expect(r.returncode == 1, f"a directory with a wrong note exited {r.returncode}")
    expect("2 notes" in r.stdout, f"the directory was not searched:\n{r.stdout}")

    r = run(elbocheck, "check", str(notes / "missing.md"))
    expect(r.returncode == 2 and "missing.md" in r.stderr,
           f"a missing note: exit {r.returncode}, stderr {r.stderr!r}")
    r = run(elbocheck, "check", str(wrong), "doc000_evidence_marginal")
    expect(r.returncode == 2, f"notes mixed with built-in names exited {r.returncode}")

    # JSON: the schema, and the place of every step.
    out = workdir / "notes.json"
    r = run(elbocheck, "check", "--format", "json", "--output", str(out), str(wrong), str(right))
    expect(r.returncode == 1, f"--format json exited {r.returncode}")
    report = json.loads(out.read_text())
    jsonschema.validate(report, json.loads(schema_path.read_text()))
    steps = [s for n in report["notes"] for s in n["steps"]]
    bad = [s for s in steps if s["verdict"] == "false"]
    expect(len(bad) == 1 and bad[0]["line"] == 8 and bad[0]["column"] == 2 and
           bad[0]["file"] == str(wrong), f"the false step in JSON: {bad}")
    expect(any("jensen" in s["rules"] for s in steps), "the Jensen step's rule is not in JSON")
    expect(report["summary"]["verdicts"]["false"] == 1, f"summary: {report['summary']}")

    # JUnit: parses, one failure.
    out = workdir / "notes.xml"
    run(elbocheck, "check", "--format", "junit", "--output", str(out), str(wrong), str(right))
    root = ET.parse(out).getroot()
    expect(root.get("failures") == "1", f"JUnit failures {root.get('failures')}")

    r = run(elbocheck, "check", "--format", "markdown", str(wrong))
    expect("**false**" in r.stdout and "What is wrong" in r.stdout,
           f"the Markdown report does not mark the wrong step:\n{r.stdout}")

    # Letters other than x and z: not understood by default, understood when named.
    other = notes / "letters.md"
    other.write_text(OTHER_LETTERS)
    r = run(elbocheck, "check", "--format", "json", str(other))
    default = json.loads(r.stdout)["notes"][0]["steps"][0]["verdict"]
    r = run(elbocheck, "check", "--format", "json", "--observed", "y", "--latent", "w",
            str(other))
    named = json.loads(r.stdout)["notes"][0]["steps"][0]["verdict"]
    expect(default != "justified" and named == "justified",
           f"--observed/--latent: {default} by default, {named} with the options")

    # --macros: a definition from a file.
    macros, macro_note = workdir / "macros.tex", notes / "macros.md"
    macros.write_text("\\newcommand{\\joint}{p(x, z)}\n")
    macro_note.write_text(MACROS_NOTE)
    r = run(elbocheck, "check", "--format", "json", "--macros", str(macros), str(macro_note))
    verdict = json.loads(r.stdout)["notes"][0]["steps"][0]["verdict"]
    expect(verdict == "justified", f"--macros: the step is {verdict}")
    r = run(elbocheck, "check", "--macros", str(workdir / "nope.tex"), str(macro_note))
    expect(r.returncode == 2 and "nope.tex" in r.stderr, "a missing --macros file")

    # docs: a page per note and an index linking them, the wrong step shown with what is wrong.
    out_dir = workdir / "docs-out"
    shutil.rmtree(out_dir, ignore_errors=True)
    r = run(elbocheck, "docs", "--out", str(out_dir), str(wrong), str(right))
    expect(r.returncode == 0, f"docs for notes exited {r.returncode}: {r.stderr}")
    index_html = out_dir / "site" / "notes-index.html"
    index_md = out_dir / "notes" / "notes-index.md"
    expect(index_html.is_file() and index_md.is_file(), "docs wrote no index of the notes")
    if index_html.is_file() and index_md.is_file():
        expect('href="note-wrong.html"' in index_html.read_text() and
               'href="note-right.html"' in index_html.read_text(),
               "the HTML index does not link both note pages")
        expect("(note-wrong.md)" in index_md.read_text() and "line 8" in index_md.read_text(),
               f"the Markdown index lacks the link or the first wrong line:\n{index_md.read_text()}")
    page = out_dir / "notes" / "note-wrong.md"
    expect(page.is_file() and "What is wrong" in page.read_text() and
           f"{wrong}:8:2" in page.read_text(), "the wrong note's page does not show the step")
    expect((out_dir / "site" / "style.css").is_file(), "docs wrote no stylesheet")
    # docs takes the notes' options: --macros makes the macro note's step understood.
    r = run(elbocheck, "docs", "--out", str(out_dir), "--macros", str(macros), str(macro_note))
    macro_page = out_dir / "notes" / "note-macros.md"
    expect(r.returncode == 0 and macro_page.is_file() and "justified" in macro_page.read_text(),
           "docs --macros did not use the macro file")
    empty = workdir / "empty"
    empty.mkdir(exist_ok=True)
    r = run(elbocheck, "docs", "--out", str(out_dir), str(empty))
    expect(r.returncode == 2 and "no notes" in r.stderr,
           f"docs on a directory without notes: exit {r.returncode}, {r.stderr!r}")

    if seeds and seeds.is_dir():
        for name, code in (("000", 1), ("001", 0), ("002", 0), ("003", 0), ("004", 1)):
            seed = next(seeds.glob(name + "_*.txt"))
            r = run(elbocheck, "check", str(seed))
            expect(r.returncode == code, f"seed {name} exited {r.returncode}, not {code}")

    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
