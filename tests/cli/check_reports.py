#!/usr/bin/env python3
"""End-to-end checks of the elbocheck binary's reports.

usage: check_reports.py ELBOCHECK SCHEMA WORKDIR

Runs `elbocheck check` in JSON and JUnit form and checks: the JSON validates against the
schema (the contract); its semantics hold (steps numbered 1..n, a gap exactly on
inequalities, 'expected: fail' exactly on the recorded mistakes of documents 000 and 004,
every derivation 'pass'); the JUnit XML parses and has one test case per step.
"""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

failures = []


def expect(condition, message):
    if not condition:
        failures.append(message)


def main():
    elbocheck, schema_path, workdir = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    workdir.mkdir(parents=True, exist_ok=True)
    json_path, junit_path = workdir / "report.json", workdir / "report.xml"

    run = subprocess.run([elbocheck, "check", "--format", "json", "--output", str(json_path),
                          "--models", "20"], capture_output=True, text=True)
    expect(run.returncode == 0, f"check --format json exited {run.returncode}: {run.stderr}")
    report = json.loads(json_path.read_text())
    schema = json.loads(schema_path.read_text())
    jsonschema.validate(report, schema)  # raises with the offending path

    # The schema ties the verdict to the counts: a "fails" that no model refutes, or a "holds"
    # that no model evaluated, is not a valid report.
    step = next(s for d in report["derivations"] for s in d["steps"] if s["numeric"] == "holds")
    for numeric, changes in (("fails", {"failing": 0}), ("holds", {"instances": 0}),
                             ("not-evaluated", {"instances": 3})):
        bad = json.loads(json.dumps(report))
        bad["derivations"] = [{**report["derivations"][0],
                               "steps": [{**step, "numeric": numeric, **changes,
                                          "numeric_message": "x"}]}]
        try:
            jsonschema.validate(bad, schema)
            expect(False, f"the schema accepts numeric {numeric!r} with {changes}")
        except jsonschema.ValidationError:
            pass

    steps_total = 0
    flagged = {}
    for d in report["derivations"]:
        expect(d["verdict"] == "pass", f"{d['name']}: verdict {d['verdict']}")
        expect([s["index"] for s in d["steps"]] == list(range(1, len(d["steps"]) + 1)),
               f"{d['name']}: steps not numbered 1..n")
        for s in d["steps"]:
            steps_total += 1
            # Every model is either evaluated or set aside as not evaluable, never both.
            for c in [s] + ([s["correction"]] if "correction" in s else []):
                expect(c["instances"] + c["not_evaluable"] == d["instances"],
                       f"{d['name']} step {s['index']}: {c['instances']} evaluated + "
                       f"{c['not_evaluable']} not evaluable != {d['instances']} models")
            expect(("gap" in s) == (s["relation"] != "="),
                   f"{d['name']} step {s['index']}: gap present iff inequality")
            if s["expected"] == "fail":
                flagged.setdefault(d["document"], []).append(s["index"])
                expect(s["symbolic"] != "justified", f"{d['name']} step {s['index']}: a recorded "
                       "mistake is justified")
                expect("correction" in s and s["correction"]["symbolic"] == "justified",
                       f"{d['name']} step {s['index']}: no justified correction")
            else:
                expect(s["symbolic"] == "justified", f"{d['name']} step {s['index']}: "
                       f"{s['symbolic']}")
                # Every correct step is evaluated: terms without a closed form (the
                # importance-weighted bound's two draws) are sampled.
                expect(s["numeric"] == "holds",
                       f"{d['name']} step {s['index']}: numeric {s['numeric']}: "
                       f"{s.get('numeric_message', '')}")
                if s["relation"] != "=" and s["max_abs_error"] is not None:
                    # A sampled gap may dip below 0 by sampling error, within its interval.
                    allowed = 1e-6
                    if s.get("method") == "monte-carlo":
                        allowed += 6 * s.get("standard_error", 0.0)
                    expect(s["max_abs_error"] < allowed,
                           f"{d['name']} step {s['index']}: inequality violated")
    expect(flagged == {"000_c4e610161a6ffb42.txt": [2], "004_d9c7db41d7f73834.txt": [4, 5, 6]},
           f"flagged steps per document: {flagged}")

    run = subprocess.run([elbocheck, "check", "--format", "junit", "--output", str(junit_path),
                          "--models", "20"], capture_output=True, text=True)
    expect(run.returncode == 0, f"check --format junit exited {run.returncode}: {run.stderr}")
    root = ET.parse(junit_path).getroot()
    cases = root.findall("./testsuite/testcase")
    expect(len(cases) == steps_total, f"JUnit has {len(cases)} test cases for {steps_total} steps")
    expect(len(root.findall("./testsuite")) == len(report["derivations"]),
           "one JUnit test suite per derivation")
    expect(not root.findall(".//failure"), "JUnit reports failures")

    for f in failures:
        print("FAIL:", f)
    print(f"{steps_total} steps in {len(report['derivations'])} derivations checked; "
          f"{len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
