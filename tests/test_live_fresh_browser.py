"""A phone that joins renders its panel once, in headless Chromium against a
real gevent server, at a session's size (40 participants, three questions):
its socket's first watch skips re-rendering the page it has, unless a push
went out between the page and the watch."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.test_phone_browser import PHONE, Facilitator, join

pytestmark = pytest.mark.browser


def panel_fetches(page) -> list[str]:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if request.url.endswith("/panel") else None)
    return fetched


def question_open_phone_outside(browser, server):
    """The first question open, and a phone's page that has not joined yet, its
    panel fetches counted: (facilitator, question, context, phone, fetched)."""
    facilitator = Facilitator(browser, server)
    question = facilitator.workshop["questions"][0]
    facilitator.open(question)
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    return facilitator, question, context, phone, panel_fetches(phone)


def test_a_phone_that_joins_renders_its_panel_once_and_stays_live(browser, server):
    facilitator, question, context, phone, fetched = question_open_phone_outside(browser, server)
    join(browser, server, facilitator.workshop["code"], "Awa", context)
    expect(phone.locator("#idea-form")).to_be_visible()
    assert fetched == []  # the page the join answered with is the state: no second render
    facilitator.close(question)  # and the socket is live: the push arrives
    expect(phone.locator("#idea-form")).to_have_count(0)
    context.close()


def test_a_push_before_the_socket_watches_is_not_missed(browser, server):
    facilitator, question, context, phone, fetched = question_open_phone_outside(browser, server)
    # The phone's socket cannot connect until the facilitator has closed the question.
    context.route("**/socket.io/**", lambda route: route.abort())
    phone.goto(f"{server.url}/j/{facilitator.workshop['code']}")
    phone.fill("input[name=nickname]", "Bruno")
    phone.check("label:has-text('Recherche') input")
    phone.click("button.primary")
    expect(phone.locator("#idea-form")).to_be_visible()
    facilitator.close(question)
    context.unroute("**/socket.io/**")
    phone.wait_for_selector("body[data-live=connected]", timeout=20000)
    expect(phone.locator("#idea-form")).to_have_count(0)  # re-rendered from the database
    assert any(url.endswith("/panel") for url in fetched)
    context.close()
