#!/usr/bin/env python3
"""Opens every page of the HTML site in headless Chromium, as a reader would, and fails on
anything a reader would see go wrong:

  - a KaTeX error element (.katex-error), or math left unrendered (a .tex placeholder);
  - a console error, an uncaught exception, or a resource that failed to load (Log/Runtime
    events: a missing stylesheet, font or plot shows up here);
  - a request for anything but a local file (the pages must work with no network);
  - a page without rendered math, a KaTeX font that failed, or no KaTeX font loaded at all (the
    CSS and fonts copied into the site are what make the math look right offline);
  - a plot that did not load.

It saves a full-page screenshot of each page (PNG) into SCREENSHOT_DIR.

Chromium is driven through the DevTools protocol over --remote-debugging-pipe: the browser
reads JSON commands on file descriptor 3 and writes replies and events on 4, each message
ended by a NUL byte. That needs nothing beyond the standard library (no WebSocket client, no
Puppeteer), and, unlike scraping --enable-logging output, it tells errors from other console
messages and reports failed loads and network requests as structured events.

usage: check_pages.py SITE_DIR SCREENSHOT_DIR
exit:  0 every page is fine, 1 some page is not, 2 bad usage, 77 Chromium is not installed
"""

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SKIP = 77
PAGE_TIMEOUT = 60.0  # seconds for one page to load, settle and be captured
VIEWPORT_WIDTH = 1000
MAX_SCREENSHOT_HEIGHT = 30000

# The flags the project's closed network needs: without the networking ones Chromium waits on
# services it cannot reach. A fresh profile each run keeps earlier runs from leaking in.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--remote-debugging-pipe",
]


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    """A Chromium process and one page in it, spoken to over the DevTools pipe."""

    def __init__(self, executable, profile):
        to_browser_read, to_browser_write = os.pipe()
        from_browser_read, from_browser_write = os.pipe()
        # Chromium expects the pipe on descriptors 3 and 4 exactly; move ours above them first
        # so that the dup2 calls in the child cannot overwrite one another.
        child_in = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
        child_out = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
        os.close(to_browser_read)
        os.close(from_browser_write)

        def wire_pipe():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        self.process = subprocess.Popen(
            [executable, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=wire_pipe,
        )
        os.close(child_in)
        os.close(child_out)
        self.writer = to_browser_write
        self.reader = from_browser_read
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self.reader], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.reader, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe (did it crash?)")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=True, timeout=PAGE_TIMEOUT):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.writer, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for_event(self, method, timeout=PAGE_TIMEOUT):
        deadline = time.monotonic() + timeout
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                del self.events[i]
                return event
        while True:
            event = self._read_message(deadline)
            if event.get("method") == method:
                return event
            self.events.append(event)

    def open_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, session=False
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": VIEWPORT_WIDTH, "height": 900, "deviceScaleFactor": 1, "mobile": False},
        )

    def close(self):
        try:
            self.send("Browser.close", session=False, timeout=10)
        except Exception:  # the browser may already be gone; it is stopped below either way
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()  # only the process this script started
            self.process.wait()
        os.close(self.writer)
        os.close(self.reader)


# Runs in the page once it has loaded: waits for the fonts and the plot, then reports what a
# reader would notice.
INSPECT_PAGE = """
(async () => {
  await document.fonts.ready;
  const images = [...document.images];
  await Promise.all(images.map((img) => img.complete ? null :
      new Promise((done) => { img.onload = done; img.onerror = done; })));
  const fonts = [...document.fonts];
  return {
    katexErrors: [...document.querySelectorAll('.katex-error')]
        .map((e) => e.getAttribute('title') || e.textContent).slice(0, 5),
    placeholders: document.querySelectorAll('.tex').length,
    formulas: document.querySelectorAll('.katex').length,
    brokenImages: images.filter((img) => !(img.complete && img.naturalWidth > 0))
        .map((img) => img.getAttribute('src')),
    failedFonts: fonts.filter((f) => f.status === 'error').map((f) => f.family),
    katexFontsLoaded: fonts.filter((f) => f.status === 'loaded' && f.family.startsWith('KaTeX')).length,
    height: Math.ceil(document.documentElement.scrollHeight),
  };
})()
"""


def problems_in_events(events, page_url):
    """Console errors, exceptions, failed loads and any request that leaves the machine."""
    found = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            found.append(f"console {params['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            found.append(f"uncaught exception: {details.get('text')} {details.get('exception', {}).get('description', '')}")
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            entry = params["entry"]
            found.append(f"console error ({entry.get('source')}): {entry.get('text')} {entry.get('url', '')}")
        elif method == "Network.loadingFailed" and not params.get("canceled"):
            found.append(f"failed to load: {params.get('errorText')} ({params.get('type')})")
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not (url.startswith("file:") or url.startswith("data:") or url == page_url):
                found.append(f"network request at view time: {url}")
    return found


def check_page(browser, page):
    url = page.resolve().as_uri()
    browser.events.clear()
    browser.send("Page.navigate", {"url": url})
    browser.wait_for_event("Page.loadEventFired")
    result = browser.send(
        "Runtime.evaluate", {"expression": INSPECT_PAGE, "awaitPromise": True, "returnByValue": True}
    )
    if "exceptionDetails" in result:
        return [f"inspecting the page failed: {result['exceptionDetails'].get('text')}"], None
    report = result["result"]["value"]
    problems = []
    if report["katexErrors"]:
        problems.append(f"KaTeX errors: {report['katexErrors']}")
    if report["placeholders"]:
        problems.append(f"{report['placeholders']} formulas left unrendered (.tex placeholders)")
    if report["formulas"] == 0:
        problems.append("no rendered formula at all (was render-math.mjs run?)")
    if report["brokenImages"]:
        problems.append(f"images that did not load: {report['brokenImages']}")
    if report["failedFonts"]:
        problems.append(f"fonts that failed to load: {sorted(set(report['failedFonts']))}")
    if report["katexFontsLoaded"] == 0:
        problems.append("no KaTeX font loaded (is site/katex/ complete?)")

    height = min(max(report["height"], 600), MAX_SCREENSHOT_HEIGHT)
    shot = browser.send(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": VIEWPORT_WIDTH, "height": height, "scale": 1},
        },
    )
    # Events that arrived while the page was inspected and captured count too.
    problems += problems_in_events(browser.events, url)
    return problems, base64.b64decode(shot["data"])


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    site, screenshots = Path(sys.argv[1]), Path(sys.argv[2])
    pages = sorted(site.glob("*.html"))
    if not pages:
        print(f"check_pages: no HTML pages in {site}", file=sys.stderr)
        return 1
    chromium = find_chromium()
    if chromium is None:
        print("check_pages: SKIP: Chromium is not installed (tools/install-deps.sh --with-docs)")
        return SKIP
    screenshots.mkdir(parents=True, exist_ok=True)

    failed = 0
    with tempfile.TemporaryDirectory(prefix="elbocheck-chromium-") as profile:
        browser = Browser(chromium, profile)
        try:
            browser.open_page()
            for page in pages:
                try:
                    problems, png = check_page(browser, page)
                except (TimeoutError, RuntimeError) as error:
                    problems, png = [str(error)], None
                if png:
                    (screenshots / (page.stem + ".png")).write_bytes(png)
                if problems:
                    failed += 1
                    print(f"FAIL {page.name}")
                    for p in problems:
                        print(f"     {p}")
                else:
                    print(f"ok   {page.name}")
        finally:
            browser.close()
    print(f"{len(pages) - failed} passed, {failed} failed (screenshots in {screenshots})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
