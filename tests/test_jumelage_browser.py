"""Jumelage in headless Chromium against a real server: a student signs up on
a phone (390×844) with the consent, the coordinator accepts her, runs the
matching over a cohort of 36 and locks a duo on a laptop (1366×768).
Screenshots go to docs/screenshots/jumelage-*.png."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from tests.browsing import COORDINATOR, coordinators_server, signed_in
from tests.conftest import PASSWORD
from tests.test_a11y import audit, structure

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
NAMES = {"student": ["Aïcha", "Mamadou", "Lucía", "Wei", "Fatou", "Karim", "Priya", "Oumar", "Sofía", "Nguyen",
                     "Yasmine", "Diego", "Amina", "Thabo"],
         "citizen": ["Julie", "Marc", "Geneviève", "Pierre", "Chantal", "Mathieu", "Isabelle", "Luc", "Nathalie",
                     "Sylvain", "Émilie", "François", "Josée", "Réjean"],
         "employer": ["Rio Tinto (Alma)", "Cégep de Jonquière", "Desjardins Saguenay", "Garage Tremblay"]}


def accepted_cohort() -> dict:
    """The program and its 32 people, signed up and accepted."""
    from workshop.jumelage import logic

    program = logic.create_program("Jumelage interculturel — automne 2027")
    rng = random.Random(19)
    for role, names in NAMES.items():
        for i, first in enumerate(names):
            form = MultiDict({"role": role, "name": first if role == "employer" else f"{first} {'BCDGLMRST'[i % 9]}.",
                              "email": f"{role}{i}@example.org", "languages": "français, anglais",
                              "french_level": "intermediate" if role == "student" else "native",
                              "place": rng.choice(logic.PLACES), "field": rng.choice(["génie", "santé"]),
                              "group_size": rng.choice(logic.GROUP_SIZES), "capacity": "2"})
            for slot in rng.sample(logic.SLOTS[:15], 5):
                form.add("slots", slot)
            for goal in rng.sample(logic.GOALS, 2):
                form.add("goals", goal)
            for interest in rng.sample(logic.INTERESTS, 3):
                form.add("interests", interest)
            form["consent"] = "yes"
            logic.review(logic.sign_up(program, form, "consentement", "fr"), "accepted")
    return {"program": program.id}


@pytest.fixture
def server(tmp_path):
    with coordinators_server(tmp_path, accepted_cohort) as server:
        yield server


def audited(page, name: str) -> None:
    """One h1, no id twice, no heading skipped, no serious axe-core violation."""
    shape = structure(page)
    assert (shape["h1"], shape["duplicates"], shape["skips"], audit(page)) == (1, [], [], []), name


def test_a_phone_signs_up_and_the_coordinator_matches_the_cohort(browser, server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-CA", bypass_csp=True).new_page()
    phone.goto(f"{server.url}/jumelage/{server.program}/inscription")
    audited(phone, "sign-up")
    capacity = phone.locator("input[name=capacity]")
    assert not capacity.is_visible()  # an employer's question: shown once "employer" is ticked, no script needed
    phone.check("input[name=role][value=employer]")
    assert capacity.is_visible()
    phone.check("input[name=role][value=student]")
    assert not capacity.is_visible()
    scriptless = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False).new_page()
    scriptless.goto(f"{server.url}/jumelage/{server.program}/inscription")
    scriptless.check("input[name=role][value=employer]")
    assert scriptless.locator("input[name=capacity]").is_visible()
    scriptless.context.close()
    phone.fill("input[name=name]", "Nadia Haddad")
    phone.fill("input[name=email]", "nadia@example.org")
    phone.fill("input[name=languages]", "arabe, français, anglais")
    phone.select_option("select[name=french_level]", "intermediate")
    phone.check("input[name=goals][value=french]")
    phone.check("input[name=goals][value=job]")
    phone.check("input[name=interests][value=music]")
    phone.select_option("select[name=place]", "Saguenay")
    for slot in ("mon-ev", "wed-ev", "sat-am"):
        phone.check(f"input[name=slots][value={slot}]")
    phone.check("input[name=consent]")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the sign-up scrolls sideways on a phone ({width}px)"
    box = phone.locator(".jumelage-choices .choice").first.bounding_box()
    assert box["height"] >= 44  # a thumb hits it
    phone.screenshot(path=str(SHOTS / "jumelage-signup.png"), full_page=True)
    with phone.expect_navigation():
        phone.click("button.primary")
    assert "Merci, Nadia Haddad" in phone.locator("h1").inner_text()
    private = phone.locator(".jumelage-link a").get_attribute("href")

    _, page = signed_in(browser, server.url, COORDINATOR, PASSWORD, viewport={"width": 1366, "height": 768},
                        locale="fr-CA", bypass_csp=True)
    page.goto(f"{server.url}/jumelage/{server.program}?status=pending")
    row = page.locator("tr", has_text="Nadia Haddad")
    accepted_before = int(page.locator("#count-student-accepted").inner_text())
    row.locator("button[value=accepted]").click()  # htmx swaps the row
    page.locator("tr", has_text="Nadia Haddad").filter(has_text="Acceptée").wait_for()
    assert int(page.locator("#count-student-accepted").inner_text()) == accepted_before + 1  # counts out of band

    page.goto(f"{server.url}/jumelage/{server.program}/proposition")
    with page.expect_navigation():
        page.click(".jumelage-weights form.stack button.primary")
    matches = page.locator(".jumelage-match")
    assert matches.count() >= 12
    first = matches.first
    names = first.locator(".jumelage-people").inner_text()
    with page.expect_navigation():
        first.locator("button", has_text="Verrouiller").click()
    assert page.locator(".jumelage-match.locked").count() == 1
    assert "disponibles ensemble" in page.locator(".jumelage-matches").inner_text()
    page.screenshot(path=str(SHOTS / "jumelage-proposal.png"))
    audited(page, "proposal")
    with page.expect_navigation():
        page.click(".jumelage-weights form.stack button.primary")  # re-run: the lock holds
    assert names.split(" · ")[0] in page.locator(".jumelage-match.locked").inner_text()
    page.locator("form[action$='/accept'] input[name=confirm]").check()  # accepting asks first
    with page.expect_navigation():
        page.locator("form[action$='/accept'] button").click()
    assert "jumelages acceptés" in page.locator(".jumelage-matches").inner_text()

    phone.goto(private)
    assert "Acceptée".lower() in phone.locator("main").inner_text().lower()

    # A trio writes its contract on one phone, each member confirms on theirs, one logs a meeting.
    page.goto(f"{server.url}/jumelage/{server.program}/suivi")
    trio_row = page.locator("tbody tr").filter(has=page.locator("td:last-child a:nth-child(3)")).first
    links = [trio_row.locator("td:last-child a").nth(i).get_attribute("href") for i in range(3)]
    phone.goto(f"{server.url}{links[0]}")
    phone.fill("textarea[name=goals]", "Pratiquer le français; découvrir la région; recruter un stagiaire")
    phone.fill("textarea[name=commitments]", "Deux rencontres par mois, au café ou en ligne, d'octobre à avril")
    with phone.expect_navigation():
        phone.click(".jumelage-contract form.stack button")
    for link in links:
        phone.goto(f"{server.url}{link}")
        with phone.expect_navigation():
            phone.click(".jumelage-contract button.primary")
    assert phone.locator(".jumelage-confirmed li", has_text="confirmé le").count() == 3
    # The employer may be in several trios: each has its own contract and meetings.
    trio = phone.locator(".jumelage-member-match").filter(has_text="confirmé le")
    trio.locator("input[name=what]").fill("Visite du Vieux-Port de Chicoutimi")
    trio.locator(".jumelage-check-ins .choice", has_text="4").click()
    with phone.expect_navigation():
        trio.locator(".jumelage-check-ins button.primary").click()
    assert "Vieux-Port" in trio.locator(".jumelage-check-ins ul").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "jumelage-member.png"), full_page=True)
    audited(phone, "member")

    # Six weeks pass without a meeting for the others: they are flagged, the trio is not.
    with server.app.app_context():
        from datetime import timedelta

        from workshop.extensions import db
        from workshop.jumelage.models import CheckIn, Match

        for match in db.session.scalars(db.select(Match)):
            match.created_at -= timedelta(weeks=6)
            if match.accepted_at:
                match.accepted_at -= timedelta(weeks=6)
        for entry in db.session.scalars(db.select(CheckIn)):
            entry.met_on -= timedelta(weeks=1)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    page.goto(f"{server.url}/jumelage/{server.program}/suivi")
    flagged = page.locator("tr.jumelage-inactive")
    assert flagged.count() == page.locator("tbody tr").count() - 1
    assert page.locator("tbody tr").last.locator(".jumelage-flag").count() == 0  # the trio met, listed last
    page.screenshot(path=str(SHOTS / "jumelage-follow-up.png"))
    audited(page, "follow-up")
    # The coordinator opens the evaluation early; the trio answers; the report draws what helped and hindered.
    page.goto(f"{server.url}/jumelage/{server.program}")
    page.check("input[name=evaluation_open]")
    with page.expect_navigation():
        page.locator("form[action$='/schedule'] button").click()
    answers = (("5", "Les soupers chez Josée", "Les horaires de cours"), ("4", "La patience de chacun", ""),
               ("2", "", "La distance entre Alma et Chicoutimi"))
    for link, (overall, helped, hindered) in zip(links, answers):
        phone.goto(f"{server.url}{link}")
        phone.locator("#evaluation .choice", has_text=overall).click()
        phone.fill("textarea[name=helped]", helped)
        phone.fill("textarea[name=hindered]", hindered)
        with phone.expect_navigation():
            phone.click("#evaluation button.primary")
    page.goto(f"{server.url}/jumelage/{server.program}/rapport")
    assert page.locator(".jumelage-force-field .force-arrow").count() == 4
    page.locator(".jumelage-force-field").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "jumelage-report.png"))
    # A Law 25 request: the coordinator finds one person from the program's page.
    page.goto(f"{server.url}/jumelage/{server.program}")
    page.fill("input[name=q]", "josee")
    with page.expect_navigation():
        page.locator("form[role=search] button").click()
    assert page.locator(".jumelage-search-results li").count() == 1
    assert "Josée" in page.locator(".jumelage-search-results").inner_text()
    page.locator("#schedule-title").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(SHOTS / "jumelage-program.png"))
    for screen in ("", "/activites", "/rapport"):
        page.goto(f"{server.url}/jumelage/{server.program}{screen}")
        audited(page, screen or "program")
    page.goto(f"{server.url}/jumelage")
    audited(page, "programs")
