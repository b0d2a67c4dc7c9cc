"""Bytes a phone downloads to load the participant page, as Chromium
transfers them (compressed bodies plus headers), scripts and styles included.

    .venv/bin/python benchmarks/page_weight.py

Target (issue "Live idea generation"): under 100 KB.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.live_server import ServerProcess, prepare_database  # noqa: E402

TARGET = 100 * 1024


def main() -> None:
    from playwright.sync_api import sync_playwright

    env = prepare_database(Path(tempfile.mkdtemp(prefix="workshop-weight-")))
    server = ServerProcess(env).start()
    try:
        code = make_open_workshop(env)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=["--no-sandbox", "--disable-background-networking"])
            context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            page = context.new_page()
            page.goto(f"{server.url}/j/{code}")
            page.check("input[name=group]")
            page.click("button.primary")
            page.wait_for_selector("body[data-live=connected]")
            # A phone coming back: a fresh load of the page, cache emptied.
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.clearBrowserCache")
            transferred: dict[str, int] = {}
            urls: dict[str, str] = {}
            cdp.on("Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"]))
            cdp.on("Network.loadingFinished",
                   lambda e: transferred.__setitem__(e["requestId"], int(e["encodedDataLength"])))
            page.reload()
            page.wait_for_selector("body[data-live=connected]")
            page.wait_for_timeout(500)
            browser.close()
    finally:
        server.stop()
    total = 0
    print("| resource | bytes transferred |")
    print("|---|---|")
    for request_id, size in sorted(transferred.items(), key=lambda kv: -kv[1]):
        url = urls.get(request_id, "?").replace(server.url, "")
        print(f"| {url[:70]} | {size:,} |")
        total += size
    print(f"| **total** | **{total:,}** ({total / 1024:.1f} KB; target < {TARGET // 1024} KB) |")


def make_open_workshop(env: dict) -> str:
    import os
    import subprocess

    script = (
        "from workshop import create_app\n"
        "from workshop.accounts.logic import find_by_email\n"
        "from workshop.workshops.logic import create_workshop, open_activity, DEFAULT_GROUPS\n"
        "from tests.live_server import FACILITATOR_EMAIL\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    w = create_workshop(find_by_email(FACILITATOR_EMAIL), 'Atelier', 'fr', DEFAULT_GROUPS['fr'], ['Q ?'])\n"
        "    open_activity(w, w.activities[0])\n"
        "    print(w.join_code)\n"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", script], env={**os.environ, **env}, cwd=root,
                         capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


if __name__ == "__main__":
    main()
