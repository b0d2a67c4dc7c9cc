"""Pushes that reach a screen out of order (PostgreSQL, several workers: a
push read just before a change arrives after the change's own) never show
the room the past: static/js/live.js keeps what was read last, in headless
Chromium, on a projector showing a wall of sixty ideas."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_browser import seed_ideas, sign_in_and_create_workshop
from tests.test_live_answers_browser import merge_answered_later

pytestmark = pytest.mark.browser

# The page's Socket.IO client, caught as live.js makes it, so that the test can
# hand its "swap" listeners messages as the server would send them.
CATCH_SOCKET = """
let made;
Object.defineProperty(window, "io", {
  configurable: true,
  set(value) { made = value; },
  get() { return made && ((...args) => (window.__liveSocket = made(...args))); },
});
"""

PUSH = """([at, swaps]) => window.__liveSocket.listeners("swap").forEach((listener) =>
    listener({ server_now: at, swaps }))"""


def stage(text: str) -> dict:
    return {"op": "replace", "id": "stage", "html": f'<section id="stage"><p class="said">{text}</p></section>'}


def watched_wall(browser, server, screen: str):
    """A workshop whose question holds sixty ideas, and its `screen` ("projector" or
    "control") opened again with its socket caught: (context, page)."""
    context, control, projector, code = sign_in_and_create_workshop(browser, server)
    control.click("#agenda button:has-text('Ouvrir')")
    seed_ideas(server, code, [f"Idée {n} : un local pour les associations étudiantes {n}" for n in range(60)])
    context.add_init_script(CATCH_SOCKET)
    page = context.new_page()
    page.goto(projector.url if screen == "projector" else control.url)
    page.wait_for_selector("body[data-live=connected]")
    expect(page.locator(".idea")).to_have_count(60)
    return context, page


def test_a_push_read_before_the_one_shown_is_dropped(browser, server):
    context, watched = watched_wall(browser, server, "projector")

    now = watched.evaluate("Date.now()") + 60_000  # past every real push of this test
    watched.evaluate(PUSH, [now, [stage("Vote fermé : les résultats")]])
    expect(watched.locator("#stage .said")).to_have_text("Vote fermé : les résultats")
    # Read a second earlier (the vote still open), arriving later: dropped...
    watched.evaluate(PUSH, [now - 1000, [stage("Vote ouvert")]])
    # ...and so is a card read then, into the part read later.
    watched.evaluate(PUSH, [now - 500, [{"op": "upsert", "id": "late-card", "parent": "#stage",
                                         "html": '<p id="late-card">Ancienne carte</p>'}]])
    watched.evaluate(PUSH, [now + 10, [{"op": "upsert", "id": "new-card", "parent": "#stage",
                                        "html": '<p id="new-card">Nouvelle carte</p>'}]])
    expect(watched.locator("#new-card")).to_have_count(1)
    expect(watched.locator("#stage .said")).to_have_text("Vote fermé : les résultats")
    expect(watched.locator("#late-card")).to_have_count(0)

    # A server clock set back a minute is not a late push: what it sends is shown.
    watched.evaluate(PUSH, [now - 60_000, [stage("Après le réglage de l'horloge")]])
    expect(watched.locator("#stage .said")).to_have_text("Après le réglage de l'horloge")

    # A reconnect renders from the database: shown whatever a push said before it.
    watched.evaluate("window.__liveSocket.io.engine.close()")
    expect(watched.locator(".idea")).to_have_count(60)
    expect(watched.locator("#stage .said")).to_have_count(0)
    context.close()


def test_an_answer_whose_part_a_push_took_out_renders_the_screen_again(browser, server):
    """A push replaces the control view's whole stage while a merge's answer is
    on its way: the answer lands nowhere (htmx's events go to the stage taken
    out), so the screen renders again from the database, the merge in it."""
    context, page = watched_wall(browser, server, "control")
    route, response = merge_answered_later(page)
    page.evaluate(PUSH, [page.evaluate("Date.now()"), [stage("Une scène d'avant la fusion")]])
    expect(page.locator("#stage .said")).to_have_count(1)
    route.fulfill(response=response)
    expect(page.locator("#wall .idea")).to_have_count(59)  # read again: the merge is there
    expect(page.locator("#stage .said")).to_have_count(0)
    context.close()
