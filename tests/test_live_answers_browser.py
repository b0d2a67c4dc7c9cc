"""A facilitator's command and a push that cross: the command's answer was
rendered before an idea arrived, and reaches the control view after that
idea's push. The wall must still show the idea once the answer is in
(static/js/live.js renders the screen again from the database), in headless
Chromium, on a wall of sixty ideas."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_browser import join_by_code, seed_ideas, send_idea, sign_in_and_create_workshop

pytestmark = pytest.mark.browser

IDEAS = [f"Idée {n} : une navette entre le cégep et le quartier {n}" for n in range(60)]
LATE = "Un jardin communautaire derrière la bibliothèque"


def merge_answered_later(control):
    """The first two ideas of the wall merged; the server answers at once, from the
    wall as it is then, but the answer is held: (route, response), for route.fulfill."""
    held = []
    control.route("**/ideas/merge", lambda route: held.append((route, route.fetch())))
    ticks = control.locator("#wall .idea-select input")
    ticks.nth(0).check()
    ticks.nth(1).check()
    control.click(".merge-bar button:has-text('Fusionner')")
    for _ in range(100):  # the route's handler runs while the page waits
        if held:
            break
        control.wait_for_timeout(100)
    assert held, "the merge was not sent"
    return held[0]


def test_an_idea_pushed_while_a_merge_answer_is_on_its_way_stays_on_the_wall(browser, server):
    context, control, _projector, code = sign_in_and_create_workshop(browser, server)
    control.click("#agenda button:has-text('Ouvrir')")
    seed_ideas(server, code, IDEAS)
    control.reload()
    control.wait_for_selector("body[data-live=connected]")
    expect(control.locator("#wall .idea")).to_have_count(60)
    phone_context, phone = join_by_code(browser, server, code, "Tardive", "Recherche")

    route, response = merge_answered_later(control)
    send_idea(phone, LATE)  # stored after the answer was rendered: pushed to the control view
    expect(control.locator("#wall .idea", has_text=LATE)).to_have_count(1)
    route.fulfill(response=response)

    # The answer (59 ideas: two merged, and not the late one) lands, then the wall renders again.
    expect(control.locator("#wall .idea", has_text=LATE)).to_have_count(1)
    expect(control.locator("#wall .idea")).to_have_count(60)
    phone_context.close()
    context.close()
