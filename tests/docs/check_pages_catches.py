#!/usr/bin/env python3
"""The browser test must be able to fail: this builds a small site from a committed page, plants
one defect per copy, runs check_pages.py on it, and requires every defective page to fail for
its own reason while the untouched copy passes.

usage: check_pages_catches.py SITE_DIR SCRATCH_DIR
exit:  0 every defect was caught, 1 one was not, 77 Chromium is not installed
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOCS_TOOLS = HERE.parent.parent / "tools" / "docs"


def katex_error_html():
    """What KaTeX itself writes for a formula it cannot parse (throwOnError off, as
    render-math.mjs does after reporting one), so the defect below is the real thing and not a
    guess at its markup. None when Node or the KaTeX package is not installed."""
    script = ("const katex = require('katex');"
              "process.stdout.write(katex.renderToString('\\\\frac{1}{', "
              "{throwOnError: false}));")
    try:
        run = subprocess.run(["node", "-e", script], cwd=DOCS_TOOLS, capture_output=True,
                             text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return run.stdout if run.returncode == 0 and "katex-error" in run.stdout else None

# page name -> (how to break the page, what check_pages must say about it)
DEFECTS = {
    "katex_error": (
        lambda html: html.replace(
            "<main>", '<main><span class="katex-error" title="ParseError: planted">\\oops</span>', 1
        ),
        "KaTeX errors",
    ),
    "unrendered": (
        lambda html: html.replace("<main>", '<main><span class="tex">x^2</span>', 1),
        "left unrendered",
    ),
    "console_error": (
        lambda html: html.replace("</body>", "<script>console.error('planted')</script></body>", 1),
        "console error",
    ),
    "exception": (
        lambda html: html.replace("</body>", "<script>throw new Error('planted')</script></body>", 1),
        "uncaught exception",
    ),
    "missing_katex_css": (
        lambda html: html.replace('href="katex/katex.min.css"', 'href="katex/missing.css"', 1),
        "failed to load",
    ),
    "missing_plot": (
        lambda html: re.sub(r'src="plots/[^"]+\.svg"', 'src="plots/missing.svg"', html, count=1),
        "images that did not load",
    ),
    # Loopback only, to a port nothing listens on: the request is refused at once, and nothing
    # leaves the machine.
    "network": (
        lambda html: html.replace("</main>", '<img src="http://127.0.0.1:9/x.png" alt=""></main>', 1),
        "network request at view time",
    ),
}


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    site, scratch = Path(sys.argv[1]), Path(sys.argv[2])
    source = site / "doc000_marginal.html"
    if not source.is_file():
        print(f"check_pages_catches: {source} is missing", file=sys.stderr)
        return 1
    if scratch.exists():
        shutil.rmtree(scratch)
    broken = scratch / "site"
    broken.mkdir(parents=True)
    shutil.copytree(site / "katex", broken / "katex")
    shutil.copytree(site / "plots", broken / "plots")
    shutil.copy(site / "style.css", broken / "style.css")
    html = source.read_text(encoding="utf-8")
    (broken / "untouched.html").write_text(html, encoding="utf-8")
    rendered_error = katex_error_html()
    if rendered_error is None:
        print("check_pages_catches: Node and KaTeX are needed (tools/docs/install-katex.sh)")
        return 1
    DEFECTS["katex_parse_error"] = (
        lambda page: page.replace("<main>", f"<main>{rendered_error}", 1),
        "KaTeX errors",
    )
    for name, (plant, _) in DEFECTS.items():
        changed = plant(html)
        if changed == html:
            print(f"check_pages_catches: could not plant '{name}' (the page changed shape?)")
            return 1
        (broken / f"{name}.html").write_text(changed, encoding="utf-8")

    run = subprocess.run(
        [sys.executable, str(HERE / "check_pages.py"), str(broken), str(scratch / "screenshots")],
        capture_output=True,
        text=True,
    )
    # Indented, so that its own closing line is not read as this test's.
    for line in run.stdout.splitlines():
        print(f"  | {line}")
    if run.returncode == 77:
        return 77
    # check_pages prints "FAIL page.html" and then its problems, indented.
    report, current = {}, None
    for line in run.stdout.splitlines():
        if line.startswith("FAIL ") or line.startswith("ok   "):
            current = line[5:].strip()
            report[current] = ("ok" if line.startswith("ok") else "fail", [])
        elif line.startswith("     ") and current:
            report[current][1].append(line.strip())

    missed = []
    if report.get("untouched.html", ("missing",))[0] != "ok":
        missed.append("untouched.html should pass")
    for name, (_, expected) in DEFECTS.items():
        verdict, problems = report.get(f"{name}.html", ("missing", []))
        if verdict != "fail" or not any(expected in p for p in problems):
            missed.append(f"{name}.html should fail with '{expected}' (got {verdict}: {problems})")
    if run.returncode != 1:
        missed.append(f"check_pages.py should exit 1, not {run.returncode}")
    for m in missed:
        print(f"NOT CAUGHT: {m}")
    print(f"{len(DEFECTS) + 1 - len(missed)} passed, {len(missed)} failed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
