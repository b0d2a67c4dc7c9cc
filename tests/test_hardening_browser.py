"""Hardening round two (issue 21) in a real browser: a phone stops resending
what the server refused for good (any 4xx but 408 and 429)."""

from __future__ import annotations

from tests.test_phone_browser import facilitator_and_phone


def test_a_phone_removed_by_the_facilitator_stops_resending_and_keeps_its_text(browser, server):
    facilitator, workshop, context, phone = facilitator_and_phone(browser, server, "Marc")
    facilitator.open(workshop["questions"][0])
    phone.wait_for_selector("#idea-form")
    # The facilitator removes this phone's participant (a flood, say).
    roster = facilitator.page
    roster.goto(f"{server.url}/w/{workshop['id']}/participants")
    roster.check("label:has-text('Marc') >> xpath=ancestor::tr//input[@type='checkbox']")
    roster.click("button.danger")
    roster.wait_for_selector("text=retiré")
    sends = []
    phone.on("request", lambda request: sends.append(request.url) if request.url.endswith("/ideas") else None)
    phone.fill("#idea-text", "Un mentorat entre pairs")
    phone.click("#idea-form button")
    phone.wait_for_timeout(12000)  # phone.js resent a 403 every 5 s, forever
    assert len(sends) == 1, sends
    assert phone.locator("#idea-text").input_value() == "Un mentorat entre pairs"
    context.close()
    facilitator.context.close()
