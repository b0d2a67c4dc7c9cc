"""Brainwriting at a session's size in a real browser: 40 phones, 60 ideas,
3 rounds of build-ons, then a Chromium phone joining late. The projector at
1920×1080 shows every chain or says how many ideas it leaves out, in text of
at least 20 px; the phone at 390×844 shows the idea it was handed and the form.
Screenshots: docs/screenshots/brainwriting-*.png (and /tmp/shots-projector)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.projector_checks import broken_words, clipped_items, smallest_font_px, untold_hidden
from tests.test_projector_browser import add_ideas, idea_texts, join_phone, new_workshop, projector_page

pytestmark = pytest.mark.browser

SHOTS = [Path("/tmp/shots-projector"), Path(__file__).resolve().parent.parent / "docs" / "screenshots"]
BUILDS = [
    "des cafés-rencontres chaque mois avec les employeurs du quartier",
    "un mentor de la même discipline pour la première année",
    "les cégeps offriraient ces stages crédités ?",
    "une trousse d'accueil traduite en cinq langues",
    "la municipalité paierait le transport vers les parcs industriels ?",
    "les PME pourraient partager une personne-ressource en immigration",
    "un suivi six mois après l'embauche pour que ça tienne",
]


def shoot(page, name: str) -> None:
    for folder in SHOTS:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"brainwriting-{name}.png"))


def three_rounds(workshop, people):
    """Open the brainwriting over the question's 60 ideas; every phone builds in each of 3 rounds."""
    from workshop.brainwriting import logic
    from workshop.kinds import kind_of
    from workshop.workshops.logic import close_activity, open_activity

    question = workshop.activities[0]
    add_ideas(question, people, idea_texts(60))
    close_activity(workshop, question)
    bw = logic.create(workshop, question.id, 5)
    open_activity(workshop, bw.activity)
    kind_of(bw.activity).on_open(bw.activity)
    for round_no in (1, 2, 3):
        if round_no > 1:
            logic.next_round(bw)
        for n, person in enumerate(people):
            served, _late = logic.serve(bw, person)
            kind = "what_if" if n % 3 == 0 else "yes_and"
            logic.build(bw, person, served.idea_id, kind, BUILDS[(n + round_no) % len(BUILDS)],
                        f"b-{round_no}-{n:05d}")
    return bw


def test_forty_phones_three_rounds_on_the_projector_and_a_late_phone(browser, server, server_app):
    workshop, people = new_workshop(phones=40)
    bw = three_rounds(workshop, people)
    context, page = projector_page(browser, server, workshop.id)
    chains = page.locator("#bw-chains > .bw-chain")
    assert chains.count() == 60
    shown = page.eval_on_selector_all("#bw-chains > .bw-chain", "els => els.filter(e => e.offsetParent !== null).length")
    more = page.locator('.more-line[data-more-for="bw-chains"]')
    left_out = int(more.inner_text().split()[1]) if more.is_visible() else 0
    shoot(page, "projector")
    assert shown >= 8 and shown + left_out == 60
    smallest = smallest_font_px(page)
    print(f"\nbrainwriting projector: {shown} chains shown, {left_out} counted, smallest text {smallest}")
    assert smallest[0] >= 20, smallest
    assert clipped_items(page) == []
    assert untold_hidden(page) == []
    assert broken_words(page) == []

    phone_context, phone = join_phone(browser, server, workshop.join_code)
    phone.wait_for_selector("#bw-text")
    expect(phone.locator(".bw-phone-round")).to_contain_text("Tour 3")
    shoot(phone, "phone")
    phone.fill("#bw-text", "on commençait dès l'automne prochain ?")
    phone.check("input[value=what_if]")
    phone.click("#my-turn form button.primary")
    expect(phone.locator("#my-builds")).to_contain_text("dès l'automne", timeout=10000)
    # The projector puts the chain just built on first.
    expect(page.locator("#bw-chains > .bw-chain").first).to_contain_text("dès l'automne", timeout=10000)
    page.wait_for_timeout(300)
    shoot(page, "projector-after-push")
    assert untold_hidden(page) == [] and clipped_items(page) == []
    shoot(phone, "phone-sent")
    phone_context.close()

    # The control view: the round's figures, then a build-on promoted to an idea of its own.
    control = context.new_page()
    control.set_viewport_size({"width": 1366, "height": 768})
    control.goto(f"{server.url}/w/{workshop.id}/control")
    control.wait_for_selector("body[data-live=connected]")
    expect(control.locator("#stage .stage-tools .hint")).to_contain_text("41 téléphones")
    newest = control.locator('#bw-chains .bw-build:has-text("automne prochain")')
    newest.locator("button:has-text('En faire une idée')").click()
    expect(control.locator('#bw-chains .bw-build:has-text("automne prochain")')).to_contain_text("idée à part entière")
    # The promotion's push replaces #stage: scroll inside the page, whichever copy is there now.
    control.evaluate("document.querySelector('#stage h2').scrollIntoView()")
    shoot(control, "control")
    from workshop.extensions import db
    from workshop.ideas.models import Idea

    db.session.expire_all()
    assert db.session.query(Idea).filter(Idea.activity_id == bw.source_activity_id).count() == 61
    context.close()
