"""The force field at a real session's size in Chromium: 30 forces from 40
phones on the projector at 1920×1080 (strongest that fit, "+ N" for the rest,
text of 20 px or more), and a phone at 390×844 posting a force that the
projector draws live. Screenshots: docs/screenshots/forces-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browsing import live, signed_in
from tests.projector_checks import broken_words, clipped_items, smallest_font_px, untold_hidden
from tests.test_a11y import audit
from tests.test_projector_browser import PROJECTOR, join_phone, new_workshop, open_, projector_page

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SUBJECT = "Un guichet unique pour les permis de travail des étudiant·e·s internationaux·ales"
DRIVING = ["Les employeurs manquent de main-d'œuvre qualifiée", "Le cégep et l'université sont déjà partenaires",
           "Un financement régional est disponible cette année", "La Chambre de commerce veut s'impliquer",
           "Des diplômé·e·s installé·e·s ici prêt·e·s à parrainer", "Les municipalités cherchent à retenir les jeunes",
           "Un bureau d'Accès entreprise Québec dans chaque MRC", "Les étudiant·e·s sont motivé·e·s à rester",
           "Le programme de l'expérience québécoise", "Un réseau d'organismes d'accueil solide",
           "Les PME connaissent mal les démarches mais veulent apprendre", "Des stages déjà offerts en alternance",
           "La région a une bonne réputation de qualité de vie", "Des conseillères en emploi formées à l'immigration",
           "Un comité régional déjà en place"]
RESTRAINING = ["Le permis de travail fermé lie à un seul employeur", "Les délais d'Immigration Canada",
               "Le français au travail demande du temps", "Pas de transport en commun le soir",
               "Le logement rare près des zones industrielles", "Les horaires de cours chargés",
               "La méconnaissance des diplômes étrangers", "Les coûts pour les PME", "Le manque de personnel pour accompagner",
               "Des préjugés chez certains employeurs", "Les règles changent souvent", "L'hiver et l'isolement",
               "Peu de places en garderie", "La concurrence des grands centres", "Le financement seulement sur un an"]


def fill(workshop, people):
    """30 forces (both sides, strengths 1 to 5) and agreements from the 40 phones."""
    from workshop.extensions import db
    from workshop.forces import logic
    from workshop.forces.models import Force, ForceAgreement

    field = logic.create(workshop, SUBJECT, None)
    forces = []
    for n in range(30):
        side, texts = ("driving", DRIVING) if n % 2 == 0 else ("restraining", RESTRAINING)
        forces.append(Force(field_id=field.id, participant_id=people[n].id, side=side, strength=1 + (n * 7) % 5,
                            text=texts[n // 2], submission_key=f"f{n:04d}"))
    db.session.add_all(forces)
    db.session.flush()
    for n, force in enumerate(forces):
        db.session.add_all(ForceAgreement(force_id=force.id, participant_id=people[30 + k].id)
                           for k in range((n * 3) % 10))
    db.session.commit()
    return field


def field_on_the_projector(browser, server, workshop, field, name: str):
    """The field opened and on the projector, its screenshot kept as name: text of
    20 px or more, nothing clipped, nothing hidden untold, no word cut.
    Returns (context, page, smallest text)."""
    open_(workshop, field.activity)
    context, page = projector_page(browser, server, workshop.id)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    smallest = smallest_font_px(page)
    assert smallest[0] >= 20, smallest
    assert clipped_items(page) == [] and untold_hidden(page) == [] and broken_words(page) == []
    return context, page, smallest


def control_page(browser, server, workshop_id: int):
    """The facilitator's control view on a laptop, axe-core allowed in: (context, page)."""
    context, page = signed_in(browser, server.url, viewport={"width": 1366, "height": 768}, bypass_csp=True)
    live(page, f"{server.url}/w/{workshop_id}/control")
    return context, page


def audited(browser, context, url: str, viewport: dict) -> list[dict]:
    """axe-core on the same screen, in a context that lets its script in (the CSP forbids it)."""
    seen = browser.new_context(storage_state=context.storage_state(), viewport=viewport, bypass_csp=True)
    page = seen.new_page()
    page.goto(url)
    page.wait_for_selector("body[data-live=connected]")
    page.wait_for_timeout(300)
    try:
        return audit(page)
    finally:
        seen.close()


def test_thirty_forces_read_from_the_back_of_the_room_and_a_phone_adds_one(browser, server, server_app):
    workshop, people = new_workshop(phones=40)
    field = fill(workshop, people)
    context, page, smallest = field_on_the_projector(browser, server, workshop, field, "forces-projector-30")
    print(f"\nforces-30: smallest text {smallest[0]} px ({smallest[1]})")
    shown = page.eval_on_selector_all(".force-list > .force", "els => els.filter(e => e.offsetParent).length")
    told = sum(int(t.split()[1]) for t in page.locator(".more-forces:not([hidden])").all_inner_texts())
    assert shown + told == 30 and shown >= 12, (shown, told)

    phone_context, phone = join_phone(browser, server, workshop.join_code)
    phone.locator("#force-form").wait_for(timeout=10000)
    phone.check("label.force-choice-driving input")
    phone.check("label.force-strength:has-text('5') input")
    phone.fill("#force-text", "Une ministre qui en fait sa priorité")
    phone.fill("#force-explanation", "Annoncé la semaine dernière à Saguenay")
    phone.screenshot(path=str(SHOTS / "forces-phone-form.png"))
    phone.click("#force-form button.primary")
    # It takes its place by weight (strength 5, nobody agreeing yet), not first.
    expect(page.locator("#forces-driving-projector")).to_contain_text("Une ministre qui en fait sa priorité",
                                                                      timeout=10000)
    phone.locator("#my-forces li").first.wait_for()
    phone.locator(".force-plus-one").last.click()
    phone.locator(".force-agreed").first.wait_for()
    # A second force of its own: every phone's list is pushed again, and this phone
    # marks again, by its own request, what it agreed with and what is its own.
    phone.locator("#force-form").scroll_into_view_if_needed()
    phone.check("label.force-choice-restraining input")
    phone.fill("#force-text", "Les budgets votés seulement en juin")
    phone.click("#force-form button.primary")
    expect(phone.locator("#force-list .force-own")).to_have_count(2, timeout=10000)
    expect(phone.locator("#force-list .force-agreed")).to_have_count(1)
    phone.locator("#force-list .force-agreed").scroll_into_view_if_needed()
    phone.screenshot(path=str(SHOTS / "forces-phone-agree.png"))
    page.wait_for_timeout(300)
    assert untold_hidden(page) == [] and clipped_items(page) == []
    page.screenshot(path=str(SHOTS / "forces-projector-after-push.png"))
    assert audited(browser, context, page.url, PROJECTOR) == []
    assert audited(browser, phone_context, phone.url, {"width": 390, "height": 844}) == []
    phone_context.close()
    context.close()


def test_the_control_view_moderates_thirty_forces(browser, server, server_app):
    workshop, people = new_workshop(phones=40)
    field = fill(workshop, people)
    open_(workshop, field.activity)
    context, page = control_page(browser, server, workshop.id)
    page.locator("#force-field").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "forces-control.png"))
    # Merge the second driving force into the first: the kept one takes its agreements.
    items = page.locator("#force-moderation .force-moderate")
    second = items.nth(1)
    kept_text = items.nth(0).locator(".idea-text").inner_text()
    second.locator("select[name=keep]").select_option(label=kept_text[:50])
    second.locator("button", has_text="Fusionner").click()
    expect(page.locator("#force-moderation .force-moderate")).to_have_count(29, timeout=10000)
    assert audit(page) == []
    context.close()


IMPACTS = [  # (effect, text, group index or None for everyone), as a room observes them
    ("positive", "Trois stagiaires embauchés à l'usine de Saint-Félicien cet été", 1),
    ("positive", "Moins d'étudiant·e·s qui quittent la région après leur diplôme", 0),
    ("negative", "Les PME attendent quatre mois leurs permis de travail", 1),
    ("positive", "Le cégep a ouvert un bureau d'accueil ouvert le soir", None),
    ("negative", "Des loyers qui montent près du campus", 0),
    ("positive", "Un comité régional qui se réunit chaque mois", 2),
    ("negative", "Des conseillères en emploi débordées en septembre", None),
    ("positive", "Des employeurs qui parlent enfin avec les chercheur·e·s de l'université", 2),
    ("negative", "Certaines familles isolées loin des services en français", 0),
    ("positive", "Plus de français au travail grâce aux jumelages", None),
]


def observe(workshop, field, people):
    """The 10 impacts, from phones 20 to 29."""
    from workshop.extensions import db
    from workshop.forces.models import ForceImpact

    db.session.add_all(ForceImpact(field_id=field.id, participant_id=people[20 + n].id, effect=effect, text=text,
                                   group_id=None if group is None else workshop.groups[group].id,
                                   submission_key=f"i{n:04d}")
                       for n, (effect, text, group) in enumerate(IMPACTS))
    db.session.commit()


def test_ten_impacts_beside_thirty_forces_and_the_report_prints_the_field(browser, server, server_app):
    from workshop.extensions import db
    from workshop.voting.models import Project

    workshop, people = new_workshop(phones=40)
    field = fill(workshop, people)
    project = Project(workshop_id=workshop.id, title=SUBJECT, status="priority")
    db.session.add(project)
    db.session.flush()
    field.project_id = project.id
    observe(workshop, field, people)
    context, page, smallest = field_on_the_projector(browser, server, workshop, field, "forces-projector-impacts")
    print(f"\nforces-30 with 10 impacts: smallest text {smallest[0]} px ({smallest[1]})")

    def shown_and_told(items: str, lines: str) -> tuple[int, int]:
        shown = page.eval_on_selector_all(items, "els => els.filter(e => e.offsetParent && !e.classList.contains('fit-hidden')).length")
        told = sum(int(t.split()[1]) for t in page.locator(f"{lines}:not([hidden])").all_inner_texts())
        return shown, told

    forces_shown, forces_told = shown_and_told(".force-list > .force", ".more-forces")
    impacts_shown, impacts_told = shown_and_told(".force-impact-list > .force-impact", ".more-impacts")
    print(f"forces shown {forces_shown} + {forces_told} told; impacts shown {impacts_shown} + {impacts_told} told")
    assert forces_shown + forces_told == 30 and forces_shown >= 6, (forces_shown, forces_told)
    assert impacts_shown + impacts_told == 10 and impacts_shown >= 4, (impacts_shown, impacts_told)
    # The band stays below the field: nothing of a side runs under it.
    band_top = page.locator(".force-impacts").bounding_box()["y"]
    for side in ("driving", "restraining"):
        last = page.locator(f"#forces-{side}-projector > .force:not(.fit-hidden)").last.bounding_box()
        assert last["y"] + last["height"] <= band_top + 0.5, side

    # A phone sends an impact: the projector puts it first in its list.
    phone_context, phone = join_phone(browser, server, workshop.join_code)
    phone.locator("#impact-form").wait_for(timeout=10000)
    phone.check("label.force-choice-negative input")
    phone.fill("#impact-text", "Le transport du soir coupé en janvier")
    phone.select_option("#impact-affected", label="Recherche")
    phone.locator("#impact-form").scroll_into_view_if_needed()
    phone.screenshot(path=str(SHOTS / "forces-phone-impact.png"))
    phone.click("#impact-form button.primary")
    expect(page.locator("#impacts-negative-projector > .force-impact").first).to_contain_text(
        "Le transport du soir coupé", timeout=10000)
    phone.locator("#my-impacts li").first.wait_for()
    assert phone.input_value("#impact-text") == ""  # ready for the next one, with a fresh key
    page.wait_for_timeout(300)
    assert untold_hidden(page) == [] and clipped_items(page) == []
    assert audited(browser, context, page.url, PROJECTOR) == []
    assert audited(browser, phone_context, phone.url, {"width": 390, "height": 844}) == []
    phone_context.close()

    # The report's section, as it prints.
    report = context.new_page()
    report.set_viewport_size({"width": 1100, "height": 1400})
    report.goto(f"{server.url}/w/{workshop.id}/report")
    report.emulate_media(media="print")
    section = report.locator("#force-fields")
    section.screenshot(path=str(SHOTS / "forces-report.png"))
    assert report.locator("#force-fields svg.force-diagram .force-diagram-driving").count() == 5
    assert report.locator("h1").count() == 1
    # axe-core on the report and on the priority's cell page, each with its summary.
    from workshop.cells.models import Cell, CellSignup
    from workshop.workshops.models import Activity

    activity = Activity(workshop_id=workshop.id, kind="cells", prompt="cells", position=9)
    db.session.add(activity)
    db.session.flush()
    signup = CellSignup(activity_id=activity.id, cells=[Cell(project_id=project.id)])
    db.session.add(signup)
    db.session.commit()
    seen = browser.new_context(storage_state=context.storage_state(), bypass_csp=True)
    for url in (f"/w/{workshop.id}/report", f"/w/{workshop.id}/cell/{signup.cells[0].id}"):
        checked = seen.new_page()
        checked.goto(server.url + url)
        assert checked.locator(".force-summary svg.force-diagram").count() == 1, url
        assert audit(checked) == [], url
    seen.close()
    context.close()
