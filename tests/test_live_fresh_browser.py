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


class HeldWatch:
    """Holds back the phone socket's "watch" message on its way to the server
    until released; everything else passes both ways. Playwright's route()
    sees HTTP only, so polling is refused while the watch is held."""

    def __init__(self, context):
        self.held: list = []
        self.server_side = None
        self.released = False
        context.route("**/socket.io/**", lambda route: route.abort())
        context.route_web_socket("**/socket.io/**", self.route)
        self.context = context

    def route(self, page_side):
        self.server_side = page_side.connect_to_server()
        page_side.on_message(self.from_page)

    def from_page(self, message):
        if not self.released and '"watch"' in str(message):
            self.held.append(message)
        else:
            self.server_side.send(message)

    def wait_held(self, page):
        for _ in range(200):
            if self.held:
                return
            page.wait_for_timeout(50)
        raise AssertionError("the phone's socket never sent its watch")

    def release(self):
        self.released = True
        self.context.unroute("**/socket.io/**")
        for message in self.held:
            self.server_side.send(message)


def test_a_push_before_the_socket_watches_is_not_missed(browser, server):
    facilitator, question, context, phone, fetched = question_open_phone_outside(browser, server)
    watch = HeldWatch(context)
    phone.goto(f"{server.url}/j/{facilitator.workshop['code']}")
    phone.fill("input[name=nickname]", "Bruno")
    phone.check("label:has-text('Recherche') input")
    phone.click("button.primary")
    expect(phone.locator("#idea-form")).to_be_visible()
    watch.wait_held(phone)
    facilitator.close(question)  # the push goes out before the phone's socket watches
    watch.release()
    phone.wait_for_selector("body[data-live=connected]", timeout=20000)
    expect(phone.locator("#idea-form")).to_have_count(0)  # re-rendered from the database
    assert any(url.endswith("/panel") for url in fetched)
    context.close()
