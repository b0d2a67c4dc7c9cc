"""Organisation pickers in Chromium at 50,000 organisations: on the projector-size
screen the coordinator types part of a name without its accents and offers the
project to the one organisation left; on a phone the merge picker narrows the
same way; without script the Search button brings the page again, narrowed,
and the offer goes through. Screenshots go to docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert

from tests import browsing
from tests.browsing import COORDINATOR, coordinators_server
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def fifty_thousand_organisations() -> dict:
    """An orphan project and 50,000 organisations, three of them with real names."""
    from workshop.accounts.models import User
    from workshop.extensions import db
    from workshop.orphans.models import Organisation
    from workshop.voting.models import Project
    from workshop.workshops.logic import create_workshop

    owner = db.session.scalar(db.select(User).where(User.role == "facilitator"))
    workshop = create_workshop(owner, "Forum emploi — Saguenay", "fr", ["Étudiant·e", "Employeur"], ["Idées ?"])
    project = Project(workshop_id=workshop.id, title="Un jumelage étudiant·e–employeur", status="orphan_candidate")
    db.session.add(project)
    names = [(f"Organisme {n:05d}", "Lac-Saint-Jean-Est") for n in range(50_000)] + [
        ("Cégep de Jonquière", "Saguenay"), ("CÉGEP de Chicoutimi", "Saguenay"),
        ("Carrefour jeunesse-emploi Lac-Saint-Jean-Est", "Alma")]
    db.session.execute(insert(Organisation), [
        {"name": name, "kind": "community", "sector": "Emploi", "territory": territory, "contact_name": "",
         "contact_email": "", "mission": "", "interests": "", "archived": False} for name, territory in names])
    db.session.commit()
    return {"ids": {"project": project.id,
                    "chicoutimi": db.session.scalar(db.select(Organisation.id).where(
                        Organisation.name == "CÉGEP de Chicoutimi"))}}


@pytest.fixture
def server(tmp_path):
    with coordinators_server(tmp_path, fifty_thousand_organisations) as server:
        yield server


def signed_in(browser, server, **options):
    """The coordinator, signed in, in French as spoken here."""
    return browsing.signed_in(browser, server.url, COORDINATOR, PASSWORD, locale="fr-CA", **options)


def test_pickers_narrow_50000_organisations_as_one_types_and_without_script(browser, server):
    project_url = f"{server.url}/orphans/projects/{server.ids['project']}"
    context, page = signed_in(browser, server, viewport={"width": 1920, "height": 1080})
    page.goto(project_url)
    expect(page.locator("#choices-organisation li")).to_have_count(20)
    page.fill("#picker-organisation input[type=search]", "jonqu")  # no accent, part of a word
    expect(page.locator("#choices-organisation li")).to_have_count(1)
    expect(page.locator("#choices-organisation")).to_contain_text("Cégep de Jonquière")
    page.fill("input[name=note]", "Premier appel au service des stages")
    page.locator("#picker-organisation").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "orphans-picker-1920.png"), full_page=False)
    page.click("form[action$='/offer'] button.primary")
    expect(page.locator("article.adoption", has_text="Cégep de Jonquière")).to_have_count(1)
    context.close()

    context, page = signed_in(browser, server, viewport={"width": 390, "height": 844}, is_mobile=True,
                              has_touch=True)
    page.goto(f"{server.url}/orphans/organisations/{server.ids['chicoutimi']}")
    page.fill("#picker-into input[type=search]", "CEGEP")
    expect(page.locator("#choices-into li")).to_have_count(1)  # itself left out
    expect(page.locator("#choices-into")).to_contain_text("Cégep de Jonquière")
    page.locator("#picker-into").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "orphans-picker-phone.png"), full_page=False)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    context.close()

    context, page = signed_in(browser, server, viewport={"width": 1366, "height": 768}, java_script_enabled=False)
    page.goto(project_url)
    page.fill("#picker-organisation input[type=search]", "carrefour")
    page.click("#picker-organisation button:has-text('Chercher')")
    expect(page).to_have_url(f"{project_url}?org_q=carrefour#picker-organisation")
    expect(page.locator("#choices-organisation li")).to_have_count(1)
    page.click("form[action$='/offer'] button.primary")  # the only match is chosen already
    expect(page.locator("article.adoption", has_text="Carrefour jeunesse-emploi")).to_have_count(1)
    context.close()
