"""A new idea inspired by the one a phone holds, in Chromium: 40 phones and 60
ideas through 3 rounds, then a phone at 390×844 chooses "a new idea inspired by
it"; the projector at 1920×1080 shows it live as an idea of its own, "inspired
by" its source, and on its source's chain. Screenshots:
docs/screenshots/brainwriting-inspired-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.projector_checks import clipped_items, smallest_font_px, untold_hidden
from tests.test_brainwriting_browser import three_rounds
from tests.test_forces_browser import SHOTS, audited
from tests.test_projector_browser import PROJECTOR, join_phone, new_workshop, projector_page

pytestmark = pytest.mark.browser

NEW = "une foire aux stages organisée par les étudiant·e·s elles-mêmes"


def test_a_phone_sends_a_new_idea_inspired_by_the_one_it_holds(browser, server, server_app):
    workshop, people = new_workshop(phones=40)
    bw = three_rounds(workshop, people)
    context, page = projector_page(browser, server, workshop.id)
    phone_context, phone = join_phone(browser, server, workshop.join_code)
    phone.wait_for_selector("#bw-text")
    source = phone.locator(".bw-handed .idea-text").inner_text()
    phone.check("input[value=inspired]")
    phone.fill("#bw-text", NEW)
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "brainwriting-inspired-phone.png"))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than the phone
    phone.click("#my-turn form button.primary")
    expect(phone.locator("#my-builds")).to_contain_text("Nouvelle idée inspirée", timeout=10000)
    phone.screenshot(path=str(SHOTS / "brainwriting-inspired-phone-sent.png"))
    assert audited(browser, phone_context, phone.url, {"width": 390, "height": 844}) == []

    # On the projector: the source's chain, first, carries the new idea; the new idea has its own chain.
    first = page.locator("#bw-chains > .bw-chain").first
    expect(first).to_contain_text("Nouvelle idée inspirée", timeout=10000)
    expect(first.locator(".idea-text").first).to_have_text(source)
    own = page.locator("#bw-chains > .bw-chain", has=page.locator(".bw-inspired-by"))
    expect(own).to_have_count(1, timeout=10000)
    expect(own.locator(".bw-inspired-by")).to_contain_text("Inspirée de")
    page.wait_for_timeout(300)
    assert untold_hidden(page) == [] and clipped_items(page) == []
    assert smallest_font_px(page)[0] >= 20
    page.evaluate("document.querySelector('#bw-chains > .bw-chain').scrollIntoView()")
    page.screenshot(path=str(SHOTS / "brainwriting-inspired-projector.png"))
    assert audited(browser, context, page.url, PROJECTOR) == []
    from workshop.brainwriting import logic
    from workshop.extensions import db

    db.session.expire_all()
    [(new_id, inspired_by)] = logic.inspirations(bw).items()
    assert inspired_by.text == source
    phone_context.close()
    context.close()
