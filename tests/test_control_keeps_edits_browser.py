"""The control view is re-rendered by pushes while ballots arrive: what the
facilitator has ticked and not sent yet stays ticked (static/js/live.js
keepEdits), in headless Chromium, with a ballot of sixty ideas."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_browser import join_by_code, new_activity_form, open_in_agenda, seed_ideas, sign_in_and_create_workshop

pytestmark = pytest.mark.browser

IDEAS = [f"Idée {n} : un parrainage entre étudiant·e·s et entreprises du secteur {n}" for n in range(60)]


def test_ticks_to_retain_survive_the_pushes_of_arriving_ballots(browser, server):
    context, control, _projector, code = sign_in_and_create_workshop(browser, server)
    control.click("#agenda button:has-text('Ouvrir')")
    seed_ideas(server, code, IDEAS)
    phones = [join_by_code(browser, server, code, f"V{n}", "Recherche") for n in range(2)]
    control.click("#agenda button:has-text('Fermer')")
    new_activity_form(control, ".new-round summary")
    control.fill(".new-round input[name=dots]", "3")
    control.click(".new-round button.primary")
    open_in_agenda(control, "Quels projets")

    retain = control.locator(".retain")
    retain.locator("label", has_text="secteur 7").first.locator("input").check()
    retain.locator("label", has_text="secteur 12").first.locator("input").check()
    for n, (_context, phone) in enumerate(phones):
        phone.locator(".ballot-item").first.wait_for(timeout=10000)
        phone.locator(".ballot-item").nth(n).locator("button[aria-label='Ajouter une gommette']").click()
        # Each ballot re-renders the control view's stage (its results), the retain form with it.
        expect(control.locator(".results-summary").first).to_contain_text(f"{n + 1} bulletin", timeout=10000)
    checked = [label.inner_text() for label in retain.locator("label").all() if label.locator("input").is_checked()]
    assert len(checked) == 2 and "secteur 7" in checked[0] + checked[1] and "secteur 12" in checked[0] + checked[1]
    control.click("button:has-text('Retenir les projets cochés')")
    expect(control.locator(".retain input:checked")).to_have_count(2, timeout=10000)
    for phone_context, _phone in phones:
        phone_context.close()
    context.close()
