"""Every screen family, in French and in English, audited by axe-core (pinned
in package.json, injected by Playwright) against WCAG 2.1 A/AA and best
practices: no violation of serious or critical impact, one h1 and no
duplicate id. The workshop is real size: 40 participants, 60 ideas, a
ballot of 30 items, six hats and three cells."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browsing import join_at, signed_in
from tests.conftest import base_config, new_app
from tests.live_server import FACILITATOR_EMAIL, ServerProcess, create_account, prepare_database

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path("/tmp/shots-a11y")
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}
GROUPS = ["Étudiant·e international·e", "Employeur / entreprise", "Recherche"]
QUESTION = "Comment mieux accueillir les étudiant·e·s internationaux·ales en région ?"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def seed(database_url: str) -> dict:
    """A workshop at a session's size, filled through the app's logic."""
    from workshop.accounts.models import User
    from workshop.cells import logic as cells_logic
    from workshop.extensions import db
    from workshop.hats import logic as hats_logic
    from workshop.ideas.models import Idea
    from workshop.participants.logic import join
    from workshop.voting.logic import create_round
    from workshop.voting.models import Project
    from workshop.workshops.logic import create_workshop

    app = new_app(base_config(database_url))
    with app.app_context():
        owner = db.session.query(User).filter_by(email=FACILITATOR_EMAIL).one()
        workshop = create_workshop(owner, "Laboratoire vivant — accueil en région", "fr", GROUPS, [QUESTION])
        people = [join(workshop, f"Personne {i + 1}", workshop.groups[i % 3].id) for i in range(40)]
        question = workshop.activities[0]
        db.session.add_all(Idea(activity_id=question.id, participant_id=people[i % 40].id, submission_key=f"k{i}",
                                text=f"Idée numéro {i + 1} : un jumelage étudiant·e–employeur",
                                original_text=f"Idée {i + 1}") for i in range(60))
        projects = [Project(workshop_id=workshop.id, title=f"Projet {i + 1} : guichet unique d'accueil")
                    for i in range(30)]
        round_ = create_round(workshop, "Priorisation", "dots", projects, dots=5, max_per_item=3)
        for title in ["Jumelage étudiant·e–employeur", "Guichet unique d'accueil", "Francisation au travail"]:
            db.session.add(Project(workshop_id=workshop.id, title=title, status="priority"))
        db.session.commit()
        hats = hats_logic.create(workshop, ["Le jumelage étudiant·e–employeur"], [], "balanced")
        signup = cells_logic.create(workshop, "first_come", None, show_nicknames=True)
        result = {"id": workshop.id, "code": workshop.join_code,
                  "activities": {"ideas": question.id, "vote": round_.activity_id,
                                 "hats": hats.activity_id, "cells": signup.activity_id}}
        db.session.remove()
        db.engine.dispose()
    return result


def open_activity(database_url: str, workshop_id: int, activity_id: int) -> None:
    """The facilitator opens an activity (as its button does, without the push:
    the audited page is loaded afterwards)."""
    from workshop.extensions import db
    from workshop.workshops.logic import activity_of
    from workshop.workshops.logic import open_activity as open_
    from workshop.workshops.models import Workshop

    app = new_app(base_config(database_url))
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        open_(workshop, activity_of(workshop, activity_id))
        db.session.remove()
        db.engine.dispose()


SESSION: dict = {}


@pytest.fixture(scope="module")
def session(browser, tmp_path_factory):
    """One server, one workshop, a facilitator and a phone for the whole module."""
    env = prepare_database(tmp_path_factory.mktemp("a11y"))
    server = ServerProcess(env).start()
    SESSION["workshop"] = seed(env["DATABASE_URL"])
    SESSION["server"] = server
    laptop = {"viewport": {"width": 1366, "height": 768}, "bypass_csp": True}
    facilitator, page = signed_in(browser, server.url, **laptop)
    create_account(env, *COORDINATOR, role="coordinator")
    coordinator, desk = signed_in(browser, server.url, *COORDINATOR, **laptop)
    phone_context = browser.new_context(**PHONE, bypass_csp=True)
    phone = phone_context.new_page()
    join_at(phone, server.url, SESSION["workshop"]["code"], "Awa", "Recherche")
    SESSION.update(facilitator=page, coordinator=desk, phone=phone, env=env)
    yield SESSION
    facilitator.close()
    coordinator.close()
    phone_context.close()
    server.stop()


def use_language(page, lang: str) -> None:
    """Switch with the page's own language button when the page speaks the other language."""
    if page.get_attribute("html", "lang") != lang:
        page.click("form.language-switch button")
        page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == lang


def audit(page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def structure(page) -> dict:
    """How many h1 and which ids appear more than once."""
    return page.evaluate("""() => {
        const seen = {};
        for (const el of document.querySelectorAll('[id]')) seen[el.id] = (seen[el.id] || 0) + 1;
        // A heading more than one level below the one before it (h1 then h3).
        const skips = [];
        let level = 0;
        for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
            if (!h.getClientRects().length) continue;
            const n = Number(h.tagName[1]);
            if (n > level + 1) skips.push(h.tagName + ' ' + h.textContent.trim().slice(0, 40));
            level = n;
        }
        return {h1: document.querySelectorAll('h1').length,
                duplicates: Object.keys(seen).filter((id) => seen[id] > 1), skips};
    }""")


def check(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    shape = structure(page)
    violations = audit(page)
    assert (shape["h1"], shape["duplicates"], shape["skips"], violations) == (1, [], [], []), name


def load(page, url: str, live: bool = False) -> None:
    page.goto(url)
    if live:
        page.wait_for_selector("body[data-live=connected]")
    page.wait_for_load_state("networkidle")


FACILITATOR_SCREENS = {
    "index": ("/", False),
    "new-workshop": ("/workshops/new", False),
    "control": ("/w/{id}/control", True),
    "projector": ("/w/{id}/projector", True),
    "report": ("/w/{id}/report", False),
    "participants": ("/w/{id}/participants", False),
}
COORDINATOR_SCREENS = {"orphans": "/orphans", "organisations": "/orphans/organisations", "program": "/program"}
COORDINATOR = ("coordination@example.org", "another long enough password")


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("screen", list(FACILITATOR_SCREENS))
def test_facilitator_screens_pass_the_audit(session, screen, lang):
    page = session["facilitator"]
    path, live = FACILITATOR_SCREENS[screen]
    load(page, session["server"].url + path.format(id=session["workshop"]["id"]), live)
    if screen != "projector":  # the projector speaks the workshop's language, whoever looks
        use_language(page, lang)
    if live:
        page.wait_for_selector("body[data-live=connected]")
    check(page, f"{screen}-{lang}")


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("screen", list(COORDINATOR_SCREENS))
def test_coordinator_screens_pass_the_audit(session, screen, lang):
    page = session["coordinator"]
    load(page, session["server"].url + COORDINATOR_SCREENS[screen])
    use_language(page, lang)
    check(page, f"{screen}-{lang}")


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("screen", ["login", "enter-code", "join", "catalogue"])
def test_public_screens_pass_the_audit(browser, session, screen, lang):
    context = browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    url = session["server"].url
    path = {"login": "/login", "enter-code": "/join", "join": f"/j/{session['workshop']['code']}",
            "catalogue": "/catalogue"}[screen]
    load(page, url + path)
    use_language(page, lang)
    check(page, f"{screen}-{lang}")
    context.close()


# The phone's screens in the order of a session; each opens its activity first.
PHONE_SCREENS = ["waiting", "ideas", "vote", "hats", "cells"]


@pytest.mark.parametrize(("screen", "lang"), [(s, lang) for s in PHONE_SCREENS for lang in ("fr", "en")])
def test_phone_screens_pass_the_audit(session, screen, lang):
    if screen != "waiting":
        open_activity(session["env"]["DATABASE_URL"], session["workshop"]["id"],
                      session["workshop"]["activities"][screen])
    page = session["phone"]
    load(page, f"{session['server'].url}/j/{session['workshop']['code']}/phone", live=True)
    use_language(page, lang)
    page.wait_for_selector("body[data-live=connected]")
    page.wait_for_load_state("networkidle")
    check(page, f"phone-{screen}-{lang}")
    # The control view with the same activity on its stage.
    control = session["facilitator"]
    load(control, f"{session['server'].url}/w/{session['workshop']['id']}/control", live=True)
    use_language(control, lang)
    control.wait_for_selector("body[data-live=connected]")
    check(control, f"control-{screen}-{lang}")
