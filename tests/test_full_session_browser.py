"""The living lab's session at its real size, in headless Chromium against a
real gevent server: three questions, 66 ideas from 40 phones driven as the load
script drives them (HTTP and a socket each) plus three Chromium phones;
grouping across the questions; a dots round over every question's themes;
three priorities retained; six hats on them; innovation cells.

At each stage the projector page itself is measured: no idea, theme or result
clipped without a visible count of what is not shown, and no text under 20 px.
With SCREENSHOT_DIR set, every stage is saved for the README."""

from __future__ import annotations

import asyncio
import json
import random
import re
import sqlite3
import threading
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browsing import signed_in
from tests.live_server import Phone
from tests.projector_checks import clipped_items, smallest_font_px, untold_hidden
from tests.session_data import IDEAS, QUESTIONS
from tests.test_browser import PROJECTOR, join_by_code, shot

pytestmark = pytest.mark.browser

CROWD = 40
SMALLEST_PROJECTOR_TEXT = 20  # px at 1920×1080, read from the back of a room
GROUPS = ["Étudiant·e international·e", "Employeur / entreprise", "Recherche"]


class Crowd:
    """Phones as tests/live_server.Phone drives them, on an asyncio loop of their own
    (Playwright's sync API owns the main thread)."""

    def __init__(self, base: str, code: str, count: int):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.phones: list[Phone] = self.run(self._make(base, code, count))

    def run(self, coroutine, timeout: float = 180):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    @staticmethod
    async def _make(base, code, count):
        phones = [Phone(base, code, index) for index in range(count)]
        for start in range(0, count, 10):  # ten at a time, as a room scans the code
            await asyncio.gather(*(phone.join() for phone in phones[start:start + 10]))
            await asyncio.gather(*(phone.connect() for phone in phones[start:start + 10]))
        return phones

    def send(self, texts: list[str]) -> list[int]:
        """Each text from the next phone, at random moments within a few seconds."""
        async def one(phone, text):
            await asyncio.sleep(random.uniform(0, 3))
            return await phone.send_until_answered(text)

        async def everyone():
            return await asyncio.gather(*(one(self.phones[n % len(self.phones)], text)
                                          for n, text in enumerate(texts)))
        return self.run(everyone())

    def post(self, path_of, data_of) -> list[int]:
        """Every phone posts one form: path_of(phone) and data_of(phone)."""
        async def one(phone):
            import aiohttp

            for attempt in range(3):
                try:
                    async with phone.http.post(f"{phone.base}{path_of(phone)}", data=data_of(phone),
                                               headers={"X-CSRFToken": phone.token, "HX-Request": "true"}) as answer:
                        await answer.read()
                        return answer.status
                except aiohttp.ServerDisconnectedError:
                    # The server closes a keep-alive connection left idle past its wait for
                    # a request line (workshop/serve.py); one reused just then is dropped
                    # unanswered, and a browser sends again on a new one, as here.
                    if attempt == 2:
                        raise

        async def everyone():
            return await asyncio.gather(*(one(phone) for phone in self.phones))
        return self.run(everyone())

    def close(self):
        async def everyone():
            await asyncio.gather(*(phone.close() for phone in self.phones))
        self.run(everyone())
        self.loop.call_soon_threadsafe(self.loop.stop)


class Facilitator:
    """The facilitator's commands, posted with the control page's own cookie and token
    (the control view's buttons post the same forms)."""

    def __init__(self, control, server):
        self.control, self.server = control, server
        self.workshop_id = int(re.search(r"/w/(\d+)/", control.url).group(1))
        headers = control.evaluate("document.body.getAttribute('hx-headers')")
        self.token = re.search(r'"X-CSRFToken": "([^"]+)"', headers).group(1)

    def post(self, path: str, data: dict | list | None = None, ok=(200,)):
        """data: a dict, or (name, value) pairs where a name repeats (ticked boxes)."""
        pairs = list(data.items()) if isinstance(data, dict) else list(data or [])
        answer = self.control.request.post(
            f"{self.server.url}/w/{self.workshop_id}{path}", data=urlencode(pairs),
            headers={"X-CSRFToken": self.token, "HX-Request": "true",
                     "Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status in ok, (path, answer.status, answer.text()[:300])
        text = answer.text()
        assert "message-error" not in text, (path, text[:500])
        return text

    def open(self, activity_id: int):
        self.post(f"/activities/{activity_id}/open")

    def close(self, activity_id: int):
        self.post(f"/activities/{activity_id}/close")


def database(server):
    return sqlite3.connect(server.env["DATABASE_URL"].replace("sqlite:///", ""))


def rows(server, query: str, *args):
    with database(server) as connection:
        return connection.execute(query, args).fetchall()


def activity_ids(server, kind: str) -> list[int]:
    return [r[0] for r in rows(server, "SELECT id FROM activities WHERE kind = ? ORDER BY position", kind)]


def check_projector(projector, name: str) -> float:
    """Nothing clipped without a count, nothing too small to read; the screenshot kept."""
    projector.wait_for_timeout(600)  # the fitting runs after each swap
    clipped, untold = clipped_items(projector), untold_hidden(projector)
    smallest, where = smallest_font_px(projector)
    shot(projector, name)
    assert not clipped, f"{name}: clipped without a count: {clipped[:5]}"
    assert not untold, f"{name}: hidden without saying so: {untold[:5]}"
    assert smallest >= SMALLEST_PROJECTOR_TEXT, f"{name}: {smallest}px text ({where})"
    return smallest


def create_workshop_with_questions(browser, server):
    context, control = signed_in(browser, server.url, viewport={"width": 1440, "height": 900})
    control.goto(f"{server.url}/workshops/new")
    control.fill("input[name=title]", "Laboratoire vivant — séance d'automne")
    control.fill("textarea[name=prompts]", "\n".join(QUESTIONS))
    control.click("form button.primary")
    control.wait_for_url("**/control")
    control.wait_for_selector("body[data-live=connected]")
    code = rows(server, "SELECT join_code FROM workshops")[0][0]
    projector = context.new_page()
    projector.set_viewport_size(PROJECTOR)
    projector.goto(control.url.replace("/control", "/projector"))
    projector.wait_for_selector("body[data-live=connected]")
    return context, control, projector, code


def test_a_full_size_session_from_sixty_ideas_to_three_priorities(browser, server):
    random.seed(14)
    context, control, projector, code = create_workshop_with_questions(browser, server)
    crowd = Crowd(server.url, code, CROWD)
    try:
        run_the_session(browser, server, context, control, projector, code, crowd)
    finally:
        crowd.close()
        context.close()


def run_the_session(browser, server, context, control, projector, code, crowd):
    facilitator = Facilitator(control, server)
    phones = [join_by_code(browser, server, code, name, group)
              for name, group in zip(["Amina", "Marc", "Sofía"], GROUPS)]
    expect(projector.locator(".participant-count .count-number")).to_have_text(str(CROWD + 3), timeout=10000)
    check_projector(projector, "20-full-projector-waiting")
    smallest = {}

    # --- three questions, 22 ideas each: 19 from the crowd, one from each Chromium phone
    questions = activity_ids(server, "ideas")
    assert len(questions) == 3
    for number, (activity_id, ideas) in enumerate(zip(questions, IDEAS), start=1):
        facilitator.open(activity_id)
        for _context, phone in phones:
            phone.wait_for_selector("#idea-form", timeout=10000)
        statuses = crowd.send(ideas[3:])
        assert statuses == [200] * len(ideas[3:])
        for (_context, phone), text in zip(phones, ideas[:3]):
            phone.fill("#idea-text", text)
            phone.click("#idea-form button")
            phone.locator("#my-ideas-list li", has_text=text[:20]).wait_for(timeout=10000)
        stored = rows(server, "SELECT COUNT(*) FROM ideas WHERE activity_id = ?", activity_id)[0][0]
        assert stored == 22
        # The newest idea is on the projector, whatever the count.
        projector.locator(".idea", has_text=ideas[2][:25]).first.wait_for(timeout=10000)
        smallest[f"wall {number}"] = check_projector(projector, f"21-full-projector-wall-q{number}")
        facilitator.close(activity_id)
    total = rows(server, "SELECT COUNT(*) FROM ideas")[0][0]
    assert total == 66

    # --- the three questions grouped together into ten themes
    facilitator.post(f"/activities/{questions[0]}/group", ok=(200, 202), data=
                     [("k", "10"), ("seed_themes", ""), ("together", questions[1]), ("together", questions[2])])
    expect(projector.locator(".themes .theme")).to_have_count(10, timeout=60000)
    themes = rows(server, "SELECT id, label FROM themes")
    assert len(themes) == 10
    grouped = rows(server, "SELECT COUNT(*) FROM ideas WHERE theme_id IS NOT NULL")[0][0]
    assert grouped == 66  # every question's ideas, in one grouping
    smallest["10 themes"] = check_projector(projector, "22-full-projector-themes")
    control.set_viewport_size({"width": 1366, "height": 768})
    control.reload()
    control.wait_for_selector("body[data-live=connected]")
    shot(control, "22b-full-control-themes")

    # --- a dots round over every question's themes, 43 phones voting
    facilitator.post("/rounds", {"title": "Quels chantiers comptent le plus ?", "source": "themes",
                                 "kind": "dots", "dots": "5", "max_per_item": "3", "top_k": "3"})
    vote = activity_ids(server, "vote")[-1]
    round_id, = rows(server, "SELECT id FROM rounds WHERE activity_id = ?", vote)[0]
    items = [r[0] for r in rows(server, "SELECT project_id FROM round_items WHERE round_id = ? ORDER BY position",
                                round_id)]
    assert len(items) == 10
    facilitator.open(vote)
    weights = [10, 9, 8, 3, 3, 2, 2, 1, 1, 1]  # a room has favourites
    for _dot in range(5):
        picks = {phone.index: random.choices(items, weights)[0] for phone in crowd.phones}
        statuses = crowd.post(lambda phone: f"/j/{code}/rounds/{round_id}/dots",
                              lambda phone, picks=picks: {"project": str(picks[phone.index]), "delta": "1"})
        # A third dot on one item is refused with a message (422), as the rules say.
        assert set(statuses) <= {200, 422}, statuses
    for _context, phone in phones:
        add = phone.locator(".ballot-item").first.locator("button[aria-label='Ajouter une gommette']")
        add.click()
        expect(phone.locator(".budget")).to_contain_text("4", timeout=15000)
        expect(phone.locator("#ballot-bar .dot-saved")).to_have_text("✓ Enregistré")  # saved as placed
    shot(phones[0][1], "23b-full-phone-dots")
    phones[1][1].set_viewport_size({"width": 360, "height": 640})  # a small phone reads the same ballot
    # Nothing wider than the phone: a mobile browser would zoom the whole page out to fit it.
    assert phones[1][1].evaluate("[window.innerWidth, visualViewport.scale]") == [360, 1]
    phones[1][1].wait_for_timeout(300)  # a frame at the new size before the picture
    shot(phones[1][1], "23b-full-phone-dots-360x640")
    control.reload()
    control.wait_for_selector("body[data-live=connected]")
    shot(control, "23c-full-control-round")
    facilitator.close(vote)
    expect(projector.locator(".result")).not_to_have_count(0, timeout=10000)
    smallest["dots results"] = check_projector(projector, "23-full-projector-results")

    # --- three priorities retained: the top three of the round
    totals = {}
    for (content,) in rows(server, "SELECT content FROM ballots WHERE round_id = ?", round_id):
        for project, dots in json.loads(content).items():
            totals[int(project)] = totals.get(int(project), 0) + dots
    top = sorted(totals, key=totals.get, reverse=True)[:3]
    facilitator.post("/projects/retain", [("project", str(p)) for p in top])
    expect(projector.locator(".result.is-priority")).to_have_count(3, timeout=10000)
    statuses = dict(rows(server, "SELECT id, status FROM projects"))
    assert sorted(statuses.values()).count("priority") == 3
    assert list(statuses.values()).count("orphan_candidate") == 7

    # --- six hats on the three priorities: every phone comments under its own hat
    facilitator.post("/hats", [("mode", "balanced"), ("subjects", "")] + [("project", str(p)) for p in top])
    hats_activity = activity_ids(server, "hats")[-1]
    facilitator.open(hats_activity)
    hats_id, subject = rows(server, "SELECT id, current_subject_id FROM hats_activities WHERE activity_id = ?",
                            hats_activity)[0]
    worn = dict(rows(server, "SELECT p.nickname, a.hat FROM hat_assignments a JOIN participants p "
                             "ON p.id = a.participant_id WHERE a.subject_id = ?", subject))
    assert len(worn) == CROWD + 3 and len(set(worn.values())) == 6
    statuses = crowd.post(lambda phone: f"/j/{code}/hats/{hats_id}/comments",
                          lambda phone: {"hat": worn[f"p{phone.index}"], "key": f"{phone.index:032x}",
                                         "text": f"Commentaire {phone.index} : ce qu'on en pense sous ce chapeau."})
    assert statuses == [200] * CROWD
    for _context, phone in phones:
        phone.locator(".hat-card").wait_for(timeout=10000)
        phone.fill("textarea[name=text]", "Il faudra mesurer l'effet dès la première année.")
        phone.locator("form[data-resend] button").click()
        phone.locator("#my-comments li").first.wait_for(timeout=10000)
    expect(projector.locator(".hat-comment")).not_to_have_count(0, timeout=10000)
    stored = rows(server, "SELECT COUNT(*) FROM hat_comments WHERE subject_id = ?", subject)[0][0]
    assert stored == CROWD + 3
    # Three priorities, three subjects: the room and the phones know where they are.
    expect(projector.locator(".hat-subject-count")).to_have_text("Sujet 1 sur 3")
    expect(phones[1][1].locator(".hat-subject-count")).to_have_text("Sujet 1 sur 3")
    smallest["hats"] = check_projector(projector, "24-full-projector-hats")
    shot(phones[1][1], "24b-full-phone-hat")
    facilitator.close(hats_activity)

    # --- innovation cells: one per priority, every phone signs up
    facilitator.post("/cells", {"mode": "first_come", "capacity": "20"})
    cells_activity = activity_ids(server, "cells")[-1]
    facilitator.open(cells_activity)
    signup_id, = rows(server, "SELECT id FROM cell_signups WHERE activity_id = ?", cells_activity)[0]
    cells = [r[0] for r in rows(server, "SELECT id FROM cells WHERE signup_id = ? ORDER BY id", signup_id)]
    assert len(cells) == 3
    statuses = crowd.post(lambda phone: f"/j/{code}/cells/{signup_id}/join",
                          lambda phone: {"cell": str(cells[phone.index % 3])})
    assert statuses.count(200) == CROWD
    expect(projector.locator(".cell")).to_have_count(3, timeout=10000)
    members = rows(server, "SELECT COUNT(*) FROM cell_members")[0][0]
    assert members == CROWD
    smallest["cells"] = check_projector(projector, "25-full-projector-cells")

    # --- the report's funnel counts what went through each step: 66 ideas → 10 themes → 3 priorities
    report = control.request.get(f"{server.url}/w/{facilitator.workshop_id}/report").text()
    assert re.search(r"66\s*→\s*10\s*→\s*3", report), re.findall(r"report-funnel-summary[^<]*", report)
    for phone_context, _ in phones:
        phone_context.close()
    print("smallest projector text:", smallest)
