"""Long ballots on a phone, in headless Chromium against a real gevent server:
a 200-item approval round (the limit holds on the phone, a refused save keeps
the ticks, the save button stays on screen, search and themes), and a
200-item dots round whose taps answer with a few hundred bytes. The items
look like a city's participatory budget: themes, descriptions, and titles
that several projects share."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browsing import PHONE, ControlSession, join_at
from tests.live_server import FACILITATOR_EMAIL

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")

THEMES = ["Parcs et espaces verts", "Mobilité active", "Culture et patrimoine", "Sports et loisirs",
          "Propreté et environnement", "Vie de quartier", "Sécurité", "Jeunesse"]
# Titles several projects share, told apart by their theme and description.
SHARED = ["Aménagement d'un parc", "Plantation d'arbres", "Nouveau mobilier urbain", "Éclairage de sentier",
          "Fontaine d'eau potable", "Jeux pour enfants"]
PLACES = ["rue Racine", "boulevard Talbot", "parc Rivière-du-Moulin", "secteur Jonquière", "quartier Kénogami",
          "bord du Saguenay", "centre-ville de Chicoutimi", "La Baie", "Shipshaw", "Laterrière"]


def budget_items(count: int) -> list[dict]:
    """Items of a participatory budget: every seventh title is one of the shared ones."""
    items = []
    for n in range(count):
        theme = THEMES[n % len(THEMES)]
        place = PLACES[(n * 7) % len(PLACES)]
        title = SHARED[(n // 7) % len(SHARED)] if n % 7 == 0 else f"Projet {n + 1} : {theme.split()[0].lower()} {place}"
        items.append({"title": title, "theme": theme,
                      "description": f"{place[0].upper()}{place[1:]}, budget de {5 + n % 40} 000 $"})
    return items


SETUP = """
import json, sys
from workshop import create_app
from workshop.extensions import db
from workshop.accounts.models import User
from workshop.voting import logic
from workshop.voting.models import Project
from workshop.workshops.logic import create_workshop
setup = json.loads(sys.stdin.read())
app = create_app()
with app.app_context():
    owner = db.session.query(User).filter_by(email=setup["email"]).one()
    workshop = create_workshop(owner, "Budget participatif", "fr", ["Citoyen·ne", "Organisme", "Autre"], ["Vos idées ?"])
    rounds = {}
    for name, kind, count, extra in setup["rounds"]:
        projects = [Project(workshop_id=workshop.id, title=i["title"], theme_name=i["theme"], description=i["description"])
                    for i in setup["items"][:count]]
        round_ = logic.create_round(workshop, name, kind, projects, top_k=3, dots=5, max_per_item=3, **extra)
        rounds[name] = round_.activity_id
    print(json.dumps({"id": workshop.id, "code": workshop.join_code, "rounds": rounds}))
"""


class Facilitator(ControlSession):
    def __init__(self, browser, server, rounds):
        super().__init__(browser, server, SETUP,
                         {"email": FACILITATOR_EMAIL, "items": budget_items(200), "rounds": rounds})

    def open(self, name):
        """Opens a round by its name."""
        super().open(self.workshop["rounds"][name])


def join(browser, server, code):
    phone = browser.new_context(**PHONE).new_page()
    join_at(phone, server.url, code, "Léa", "Citoyen")
    phone.wait_for_selector("body[data-live=connected]")
    return phone


def shot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def scroll_to_middle(phone):
    phone.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2 - innerHeight / 2)")
    phone.wait_for_timeout(100)


def test_a_200_item_approval_ballot_on_a_phone(browser, server):
    facilitator = Facilitator(browser, server, [["Approbation 200", "approval", 200, {"min_choices": 2}]])
    phone = join(browser, server, facilitator.workshop["code"])
    facilitator.open("Approbation 200")
    boxes = phone.locator("#my-ballot input[name=project]")
    expect(boxes).to_have_count(200, timeout=10000)
    budget = phone.locator("#ballot-bar .budget-count")
    save = phone.locator("#ballot-bar .ballot-save")
    expect(budget).to_have_text("3 choix restants")
    shot(phone, "approval-200-top")

    # Shared titles are told apart: grouped by theme, with a detail line each.
    parks = phone.locator(".ballot-item", has_text="Aménagement d'un parc")
    assert parks.count() >= 4
    details = {parks.nth(i).locator(".ballot-detail").inner_text() for i in range(parks.count())}
    assert len(details) == parks.count()  # no two the same
    expect(phone.locator(".ballot-group-name")).to_have_count(len(THEMES))

    # The save button is on screen at the middle of the list, and so is the count.
    scroll_to_middle(phone)
    expect(save).to_be_in_viewport()
    expect(budget).to_be_in_viewport()
    shot(phone, "approval-200-middle")

    # A refused save (one choice, the round asks for two) keeps the tick.
    middle = boxes.nth(100)
    middle.check()
    expect(budget).to_have_text("2 choix restants")  # counted as ticked, before saving
    save.click()
    expect(phone.locator("#ballot-bar [role=alert]")).to_contain_text("Choisissez au moins 2 éléments")
    expect(middle).to_be_checked()
    expect(budget).to_have_text("2 choix restants")

    # The limit holds on the phone: a fourth item cannot be ticked.
    boxes.nth(101).check()
    boxes.nth(150).check()
    expect(budget).to_have_text("0 choix restant")
    fourth = boxes.nth(10)
    expect(fourth).to_be_disabled()
    fourth.click(force=True)
    expect(fourth).not_to_be_checked()
    expect(phone.locator("#my-ballot input[name=project]:checked")).to_have_count(3)
    save.click()
    expect(phone.locator("#ballot-bar .message-ok")).to_have_text("Votre vote est enregistré.")
    shot(phone, "approval-200-saved")

    # Search and "only my choices" for a long list.
    phone.evaluate("window.scrollTo(0, 0)")
    phone.fill("[data-ballot-search]", "fontaine")
    visible = phone.locator(".ballot-item:visible")
    assert 0 < visible.count() < 200
    assert all("fontaine" in visible.nth(i).inner_text().lower() for i in range(visible.count()))
    shot(phone, "approval-200-search")
    phone.fill("[data-ballot-search]", "budget de 12 000 $")  # typed with plain spaces, shown with no-break ones
    expect(phone.locator(".ballot-item:visible")).not_to_have_count(0)
    phone.fill("[data-ballot-search]", "")
    phone.check("[data-ballot-mine]")
    expect(phone.locator(".ballot-item:visible")).to_have_count(3)
    phone.uncheck("[data-ballot-mine]")
    phone.select_option("[data-ballot-theme]", THEMES[2])
    expect(phone.locator(".ballot-item:visible")).to_have_count(25)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_200_item_dots_ballot_answers_each_tap_with_little(browser, server):
    facilitator = Facilitator(browser, server, [["Gommettes 200", "dots", 200, {}],
                                                ["Gommettes 8", "dots", 8, {}], ["Approbation 8", "approval", 8, {}],
                                                ["Approbation 40", "approval", 40, {}], ["Gommettes 40", "dots", 40, {}]])
    phone = join(browser, server, facilitator.workshop["code"])
    facilitator.open("Gommettes 200")
    plus = phone.locator("#my-ballot [data-move='1']")
    expect(plus).to_have_count(200, timeout=10000)
    budget = phone.locator("#ballot-bar .budget-count")
    expect(budget).to_have_text("5 gommettes restantes")
    scroll_to_middle(phone)
    with phone.expect_response(lambda r: r.url.endswith("/dots")) as answer:
        plus.nth(100).click()
    assert answer.value.status == 200 and len(answer.value.body()) < 2500  # the item and the bar, not the list
    expect(budget).to_have_text("4 gommettes restantes")
    expect(budget).to_be_in_viewport()
    for n in (100, 100, 101, 102):
        plus.nth(n).click()
    expect(budget).to_have_text("0 gommette restante")
    expect(plus.nth(5)).to_be_disabled()  # no dot left: every + is off
    expect(phone.locator("#dot-controls-" + plus.nth(100).get_attribute("data-project") + " .dots")).to_have_text("●●●")
    shot(phone, "dots-200-middle")
    for name in ("Gommettes 8", "Approbation 8", "Approbation 40", "Gommettes 40"):
        facilitator.open(name)
        expect(phone.locator("#my-ballot .ballot-item")).to_have_count(int(name.split()[-1]), timeout=10000)
        phone.wait_for_timeout(500)  # the round's push, then the ballot it loads
        expect(phone.locator("#ballot-bar")).to_be_visible()
        shot(phone, name.lower().replace(" ", "-"))
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
