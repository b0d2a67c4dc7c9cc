"""Grouped forces in Chromium: 30 forces of 40 phones, 24 of them in five groups,
on the projector at 1920×1080 (each group together under its heading, what does
not fit told), and the facilitator grouping one more from the control view,
which the projector shows live; the report names the groups. Screenshots: docs/screenshots/forces-groups-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.projector_checks import clipped_items, untold_hidden
from tests.test_a11y import audit
from tests.test_forces_browser import SHOTS, audited, control_page, field_on_the_projector, fill
from tests.test_projector_browser import PROJECTOR, new_workshop

pytestmark = pytest.mark.browser

GROUPS = {"driving": ["Main-d'œuvre et emploi", "Partenaires en place", "Financement"],
          "restraining": ["Immigration et permis", "Vie quotidienne"]}


def grouped(field) -> None:
    from workshop.extensions import db
    from workshop.forces import logic

    for n, force in enumerate(logic.forces_of(field)[:24]):
        labels = GROUPS[force.side]
        force.theme = labels[n // 2 % len(labels)]
    db.session.commit()


def test_grouped_forces_on_the_projector_and_grouping_from_the_control_view(browser, server, server_app):
    workshop, people = new_workshop(phones=40)
    field = fill(workshop, people)
    grouped(field)
    context, page, _ = field_on_the_projector(browser, server, workshop, field, "forces-groups-projector")
    shown = page.eval_on_selector_all(".force-list > .force", "els => els.filter(e => e.offsetParent).length")
    told = sum(int(t.split()[1]) for t in page.locator(".more-forces:not([hidden])").all_inner_texts())
    assert shown + told == 30 and shown >= 10, (shown, told)
    headings = page.locator("#forces-driving-projector .force-group-title").all_inner_texts()
    assert headings and all(any(label in h for label in GROUPS["driving"] + ["Non regroupées"]) for h in headings)

    control, desk = control_page(browser, server, workshop.id)
    named = "Regroupement de « Un comité régional déjà en place »"
    form = desk.locator("form.force-group-form", has=desk.get_by_label(named))
    form.get_by_label(named).fill("Partenaires en place")
    form.locator("button", has_text="Regrouper").click()
    expect(desk.get_by_label(named)).to_have_value("Partenaires en place", timeout=10000)
    desk.wait_for_timeout(500)  # the push that follows may replace the moderation list again
    desk.evaluate("document.querySelector('#force-moderation .force-group-title').scrollIntoView()")
    desk.screenshot(path=str(SHOTS / "forces-groups-control.png"))
    assert audit(desk) == []
    # The projector shows it under its group, live.
    expect(page.locator("#forces-driving-projector li.force").filter(has_text="Un comité régional déjà en place")
           ).to_have_count(1, timeout=10000)
    page.wait_for_timeout(300)
    assert untold_hidden(page) == [] and clipped_items(page) == []
    assert audited(browser, context, page.url, PROJECTOR) == []
    # The report names each side's groups as it prints.
    report = control.new_page()
    report.set_viewport_size({"width": 1100, "height": 1400})
    report.goto(f"{server.url}/w/{workshop.id}/report")
    report.emulate_media(media="print")
    report.locator("#force-fields").screenshot(path=str(SHOTS / "forces-groups-report.png"))
    expect(report.locator("#force-fields .force-summary-groups")).to_have_count(2)
    expect(report.locator("#force-fields .force-summary-groups").first).to_contain_text("Partenaires en place")
    assert audit(report) == []
    control.close()
    context.close()
