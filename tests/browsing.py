"""What the browser tests do the same way: sign in through the login form,
join from a phone, run a script against a server's database, and serve a
database a coordinator works on. Plain helpers, no fixtures (those live in
tests/conftest.py)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys

from tests.conftest import PASSWORD, app_on
from tests.live_server import FACILITATOR_EMAIL, FACILITATOR_PASSWORD, ROOT, ServerProcess, prepare_database

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
PROJECTOR = {"width": 1920, "height": 1080}
COORDINATOR = "coordination@example.org"


def sign_in(page, base: str, email: str = FACILITATOR_EMAIL, password: str = FACILITATOR_PASSWORD) -> None:
    """Through the login form, as a person does, waiting for the home page
    (a page left before the answer arrives would not be signed in)."""
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_url(f"{base}/")


def signed_in(browser, base: str, email: str = FACILITATOR_EMAIL, password: str = FACILITATOR_PASSWORD,
              **options):
    """A new browser context (options as Playwright's new_context takes them), signed in: (context, page)."""
    context = browser.new_context(**options)
    page = context.new_page()
    sign_in(page, base, email, password)
    return context, page


def live(page, url: str) -> None:
    """Loads a screen and waits until its socket is connected."""
    page.goto(url)
    page.wait_for_selector("body[data-live=connected]")


def join_at(phone, base: str, code: str, nickname: str, group: str) -> None:
    """Joins from the workshop's own join page (/j/<code>), as a scanned QR code opens it."""
    phone.goto(f"{base}/j/{code}")
    introduce(phone, nickname, group)


def join_by_code(phone, base: str, code: str, nickname: str, group: str) -> None:
    """Joins by typing the code at /join, as someone reading it off the projector does."""
    phone.goto(f"{base}/join")
    phone.fill("input[name=code]", code.lower())
    phone.click("button.primary")
    introduce(phone, nickname, group)


def introduce(phone, nickname: str, group: str) -> None:
    """The join form: a nickname, a group, then the phone page."""
    phone.fill("input[name=nickname]", nickname)
    phone.check(f"label:has-text('{group}') input")
    phone.click("button.primary")
    phone.wait_for_url("**/phone")


def run_in_server(server, script: str, stdin: str = "", args: tuple[str, ...] = ()) -> str:
    """Runs a Python script against the server's database (its environment); returns what it prints."""
    return subprocess.run([sys.executable, "-c", script, *args], input=stdin, text=True, env=server.env, cwd=ROOT,
                          check=True, stdout=subprocess.PIPE).stdout


class ControlSession:
    """The facilitator signed in on a workshop's control view, acting with the
    same posts as its buttons. The workshop is made by setup, a script run
    against the server's database that reads `given` (JSON) on its input and
    prints the workshop (JSON, with at least its id)."""

    def __init__(self, browser, server, setup: str, given: dict, **options):
        self.base = server.url
        self.context, self.page = signed_in(browser, server.url, **options)
        self.workshop = json.loads(run_in_server(server, setup, json.dumps(given)))
        self.page.goto(f"{server.url}/w/{self.workshop['id']}/control")
        self.token = json.loads(self.page.get_attribute("body", "hx-headers"))["X-CSRFToken"]

    def post(self, path: str, **form) -> None:
        response = self.page.request.post(f"{self.base}/w/{self.workshop['id']}{path}", form=form or None,
                                          headers={"X-CSRFToken": self.token, "HX-Request": "true"})
        assert response.ok, (path, response.status, response.text()[:300])

    def open(self, activity_id) -> None:
        self.post(f"/activities/{activity_id}/open")

    def close(self, activity_id) -> None:
        self.post(f"/activities/{activity_id}/close")


@contextlib.contextmanager
def coordinators_server(instance, fill):
    """A server on a new database holding a coordinator account and what
    fill() writes (in an app context on that database). fill returns the
    attributes the tests read on the server (its ids); the server also
    carries the app, to read the database afterwards."""
    from workshop.accounts.logic import create_user

    env = prepare_database(instance)
    with app_on(env["DATABASE_URL"]) as app:
        create_user(COORDINATOR, "Coordination", PASSWORD, role="coordinator")
        filled = fill()
    server = ServerProcess(env).start()
    server.app = app
    for name, value in filled.items():
        setattr(server, name, value)
    try:
        yield server
    finally:
        server.stop()
