"""A coordinator follows two orphan projects over simulated months, in headless
Chromium against a real server: a contact logged without a stage change, a
follow-up that falls overdue (the test moves the dates) and shows on the board,
a partner's interest from the catalogue on a phone confirmed against the
existing organisation (no duplicate), a co-adoption, one project withdrawn
from the catalogue and the other's public progress page updated. Screenshots
go to ORPHANS_SCREENSHOTS (default /tmp/shots-orphans) for a person to look at."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browsing import COORDINATOR, coordinators_server, sign_in
from tests.conftest import PASSWORD
from workshop import dates

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("ORPHANS_SCREENSHOTS", "/tmp/shots-orphans"))
PHONE = {"width": 390, "height": 844}


def two_forums() -> dict:
    """Three orphan projects of two workshops (one title in both) and three organisations."""
    from workshop.accounts.models import User
    from workshop.extensions import db
    from workshop.orphans import logic as orphans
    from workshop.voting.models import Project
    from workshop.workshops.logic import create_workshop

    owner = db.session.scalar(db.select(User).where(User.role == "facilitator"))
    ids = []
    for title, projects in [("Forum emploi — Saguenay, mars", ["Un jumelage étudiant·e–employeur",
                                                               "Une navette vers les zones industrielles"]),
                            ("Forum emploi — Alma, avril", ["Un jumelage étudiant·e–employeur"])]:
        workshop = create_workshop(owner, title, "fr", ["Étudiant·e", "Employeur"], ["Quelles idées ?"])
        for name in projects:
            project = Project(workshop_id=workshop.id, title=name, status="orphan_candidate")
            db.session.add(project)
            db.session.commit()
            ids.append(project.id)
    for name, kind, territory, email in [
            ("Cégep de Jonquière", "education", "Saguenay", "sai@cegepjonquiere.example"),
            ("Carrefour jeunesse-emploi", "community", "Alma", "info@cje.example"),
            ("Chambre de commerce", "business", "MRC du Fjord-du-Saguenay", "")]:
        orphans.save_organisation(None, {"name": name, "kind": kind, "territory": territory,
                                         "contact_email": email, "contact_name": "Julie Gagnon"})
    return {"projects": ids}


@pytest.fixture
def server(tmp_path):
    with coordinators_server(tmp_path, two_forums) as server:
        yield server


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def move_dates(server, days: int) -> None:
    """Months pass: every date the follow-up depends on moves back by `days`."""
    with server.app.app_context():
        from workshop.extensions import db
        from workshop.orphans.models import Adoption, AdoptionEvent

        for adoption in db.session.scalars(db.select(Adoption)):
            adoption.created_at -= timedelta(days=days)  # the offer was made back then too
            if adoption.next_follow_up:
                adoption.next_follow_up -= timedelta(days=days)
        for event in db.session.scalars(db.select(AdoptionEvent)):
            event.at -= timedelta(days=days)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def organisation_count(server) -> int:
    with server.app.app_context():
        from workshop.extensions import db
        from workshop.orphans.models import Organisation

        count = db.session.query(Organisation).count()
        db.session.remove()
        db.engine.dispose()
        return count


def test_a_coordinator_follows_two_orphan_projects_over_months(browser, server):
    jumelage, navette = server.projects[0], server.projects[1]
    violations = []
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-CA")
    page = context.new_page()
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, server.url, COORDINATOR, PASSWORD)

    # Both projects described and published; the same title shows with its workshop.
    for project_id, text in [(jumelage, "Jumeler chaque étudiant·e international·e avec un employeur de la région."),
                             (navette, "Une navette du cégep aux zones industrielles, matin et soir.")]:
        page.goto(f"{server.url}/orphans/projects/{project_id}")
        page.fill("textarea[name=description]", text)
        with page.expect_navigation():  # each form posts and comes back: wait for the page it answers
            page.click("form.stack button.primary")
        with page.expect_navigation():
            page.click("#catalogue button.primary")
        expect(page.locator("#catalogue .is-published")).to_have_count(1)
    page.goto(f"{server.url}/orphans")
    listed = page.locator("section.card", has_text="Projets").last.inner_text()
    assert "Saguenay, mars" in listed and "Alma, avril" in listed  # the same title, told apart by workshop

    # Offers, then a call logged without a stage change, follow-up typed the Québec way.
    page.goto(f"{server.url}/orphans/projects/{jumelage}")
    for name in ("Cégep de Jonquière", "Carrefour jeunesse-emploi"):
        page.fill("#picker-organisation input[type=search]", name)  # the picker narrows to the one named
        expect(page.locator("#choices-organisation li")).to_have_count(1)
        page.locator("#choices-organisation input[type=radio]").check()
        page.click("form[action$='/offer'] button.primary")
    cegep = page.locator("article.adoption", has_text="Cégep de Jonquière")
    cegep.locator("summary", has_text="Noter un contact").click()
    cegep.locator("select[name=kind]").select_option("call")
    cegep.locator("input[name=note]").first.fill("Intéressé·es, à rappeler après leur conseil d'administration")
    follow_up = (dates.today() + timedelta(days=30)).strftime("%d/%m/%Y")
    cegep.locator("form[action$='/log'] input[name=next_follow_up]").fill(follow_up)
    cegep.locator("form[action$='/log'] button.primary").click()
    cegep = page.locator("article.adoption", has_text="Cégep de Jonquière")
    assert "proposé" in cegep.locator("h3").inner_text()  # no stage change
    assert "appel" in cegep.locator(".timeline").inner_text() and "conseil d'administration" in cegep.inner_text()

    # Two months pass: the follow-up is overdue on the board and on the project page.
    move_dates(server, 60)
    page.goto(f"{server.url}/orphans")
    overdue = page.locator(".board-card.is-overdue")
    assert overdue.count() >= 1 and "en retard" in overdue.first.inner_text()
    assert "Forum emploi — Saguenay" in overdue.first.inner_text()  # the title with its workshop
    shot(page, "board")
    page.goto(f"{server.url}/orphans/projects/{jumelage}")
    assert page.locator(".follow-up-badge.is-overdue").count() >= 1

    # A partner at a forum, on a phone: interested in the navette, as the cégep spelled otherwise.
    partner = browser.new_context(viewport=PHONE, locale="fr-CA", is_mobile=True, has_touch=True)
    phone = partner.new_page()
    phone.goto(f"{server.url}/catalogue")
    item = phone.locator(f"#project-{navette}")
    item.locator("summary").click()
    assert "jamais publiés" in item.locator(".privacy-notice").inner_text()
    item.locator("input[name=organisation]").fill("Cegep de Jonquiere (SAI)")
    item.locator("input[name=contact]").fill("Marc Tremblay")
    item.locator("input[name=email]").fill("marc@cegepjonquiere.example")
    shot(phone, "catalogue-phone")
    item.locator("button.primary").click()
    assert "Merci" in phone.locator(f"#project-{navette}").inner_text()
    before = organisation_count(server)
    page.goto(f"{server.url}/orphans")
    shot(page, "dashboard-interest")
    interest = page.locator(".interests li", has_text="Cegep de Jonquiere (SAI)")
    assert "existante : Cégep de Jonquière" in interest.locator("select[name=organisation] option").first.inner_text()
    interest.locator("button.primary").click()
    assert organisation_count(server) == before  # linked to the existing one, no duplicate
    page.goto(f"{server.url}/orphans/projects/{navette}")
    assert page.locator("article.adoption", has_text="Cégep de Jonquière").count() == 1
    page.click("article.adoption h3 a")  # the organisation's page: its offers and contacts
    offers = page.locator("ul.offers").inner_text()
    assert "navette" in offers and "jumelage" in offers and "conseil d'administration" in offers
    shot(page, "organisation")
    page.goto(f"{server.url}/orphans/projects/{navette}")

    # The navette is withdrawn from the catalogue for now.
    with page.expect_navigation():
        page.click("#catalogue button")
    phone.goto(f"{server.url}/catalogue")
    assert phone.locator(f"#project-{navette}").count() == 0

    # Co-adoption of the jumelage: adopting asks what happens to the other open offer.
    page.goto(f"{server.url}/orphans/projects/{jumelage}")
    cegep = page.locator("article.adoption", has_text="Cégep de Jonquière")
    cegep.locator("summary", has_text="Changer l'étape").click()
    cegep.locator("form[action$='/move'] select[name=stage]").select_option("adopted")
    cegep.locator("form[action$='/move'] button").click()
    choice = page.locator("form.adopt-choice")
    expect(choice).to_have_count(1)
    choice.locator("input[value=co_adopt]").check()
    choice.locator("button.primary").click()
    expect(page.locator("article.adoption h3 .badge")).to_have_text(["adopté", "adopté"])

    # It left the catalogue for its public progress page, updated by the coordinator.
    page.fill("#progress textarea[name=text]", "Première cohorte de 12 jumelages prévue en septembre.")
    with page.expect_navigation():
        page.click("#progress button.primary")
    shot(page, "project")
    phone.goto(f"{server.url}/catalogue")
    assert phone.locator(f"#project-{jumelage}").count() == 0
    phone.click(f"a[href='/catalogue/projects/{jumelage}']")
    body = phone.inner_text("body")
    assert "Première cohorte" in body and "Cégep de Jonquière" in body and "Carrefour jeunesse-emploi" in body
    assert "Forum emploi — Saguenay, mars" in body and "sai@cegepjonquiere" not in body
    shot(phone, "progress-phone")
    small = browser.new_context(viewport={"width": 360, "height": 640}, locale="fr-CA", is_mobile=True)
    narrow = small.new_page()
    narrow.goto(f"{server.url}/catalogue/projects/{jumelage}")
    assert not narrow.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    shot(narrow, "progress-360")
    overflow = phone.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow  # nothing wider than the phone
    assert not violations, violations


def test_an_organisation_added_by_a_double_click_is_sent_once(browser, server):
    """A coordinator clicks "Add" twice while the first answer is on its way:
    the form is sent once (static/js/send_once.js). Sent twice, the server
    made the organisation with the first and answered the second, the page the
    coordinator sees, with "this organisation is already in the list"."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-CA")
    page = context.new_page()
    sign_in(page, server.url, COORDINATOR, PASSWORD)
    page.goto(f"{server.url}/orphans/organisations")
    sent = []
    page.route("**/orphans/organisations", lambda route: sent.append(route) if route.request.method == "POST"
               else route.continue_())  # the answers wait: the second click comes while they are on their way
    form = page.locator("form.stack", has=page.locator("input[name=name]"))
    form.locator("input[name=name]").fill("Maison des jeunes de Chicoutimi")
    # Two clicks a tenth of a second apart (Playwright's own clicks wait for the page the first one asked for).
    form.locator("button.primary").evaluate(
        "button => { button.click(); return new Promise((done) => setTimeout(() => { button.click(); done(); }, 100)); }")
    page.wait_for_timeout(500)
    assert len(sent) == 1
    with page.expect_navigation():
        sent[0].continue_()
    assert page.locator("[role=alert]").count() == 0
    assert "Maison des jeunes de Chicoutimi" in page.locator("table").inner_text()
    assert organisation_count(server) == 4  # the three of the fixture, and this one once
    context.close()
