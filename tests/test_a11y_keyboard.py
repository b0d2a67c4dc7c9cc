"""A participant with only a keyboard, in Chromium against a real gevent
server: joins, sends an idea, places three dots, signs up to a cell. After
each action focus is where the next action starts (never back at <body>),
and the phone's live region says what happened in the phone's language. The
phones never scroll sideways at 320 CSS px (400 % zoom of a 1280 px screen).

The facilitator acts over HTTP, as the control view's buttons do, so every
change reaches the phones by push."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browsing import PHONE, join_at, sign_in
from tests.conftest import base_config, new_app
from tests.live_server import ServerProcess, prepare_database
from tests.test_a11y import seed

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = prepare_database(tmp_path_factory.mktemp("keyboard"))
    server = ServerProcess(env).start()
    server.workshop = seed(env["DATABASE_URL"])
    server.database_url = env["DATABASE_URL"]
    yield server
    server.stop()


class Facilitator:
    def __init__(self, browser, server):
        self.server = server
        # Signed in once per server: sign-in allows 10 a minute from one address.
        signed_in = getattr(server, "signed_in", None)
        self.context = browser.new_context(storage_state=signed_in)
        page = self.context.new_page()
        if signed_in is None:
            sign_in(page, server.url)
            server.signed_in = self.context.storage_state()
        page.goto(f"{server.url}/w/{server.workshop['id']}/control")
        self.token = json.loads(page.get_attribute("body", "hx-headers"))["X-CSRFToken"]
        self.page = page

    def open(self, kind: str) -> None:
        activity = self.server.workshop["activities"][kind]
        response = self.page.request.post(
            f"{self.server.url}/w/{self.server.workshop['id']}/activities/{activity}/open",
            headers={"X-CSRFToken": self.token, "HX-Request": "true"})
        assert response.ok, response.status


def active(page) -> dict:
    return page.evaluate("""() => { const el = document.activeElement;
        return {tag: el.tagName, id: el.id, name: el.getAttribute('name'), cls: el.className,
                label: el.getAttribute('aria-label') || el.textContent.trim().slice(0, 60)}; }""")


def tab_to(page, selector: str, limit: int, key: str = "Tab") -> int:
    """Press Tab (or key) until the focused element matches; the number of presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} not reached in {limit} {key}s; at {active(page)}")


def announced(page):
    return page.locator("#announcer")


def join_with_keys(browser, server, lang: str = "fr"):
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.goto(f"{server.url}/j/{server.workshop['code']}")
    if lang != phone.get_attribute("html", "lang"):
        tab_to(phone, "form.language-switch button", 6)
        with phone.expect_navigation():
            phone.keyboard.press("Enter")
        assert phone.get_attribute("html", "lang") == lang
    # The skip link comes first and leads into the page.
    phone.keyboard.press("Tab")
    assert active(phone)["cls"] == "skip-link"
    tab_to(phone, "input[name=nickname]", 6)
    phone.keyboard.type("Awa")
    tab_to(phone, "input[name=group]", 2)
    phone.keyboard.press("ArrowDown")
    phone.keyboard.press("ArrowDown")  # the third group, Recherche
    tab_to(phone, "button.primary", 2)
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/phone")
    phone.wait_for_selector("body[data-live=connected]")
    return context, phone


def test_a_participant_takes_part_with_the_keyboard_alone(browser, server):
    facilitator = Facilitator(browser, server)
    context, phone = join_with_keys(browser, server)
    assert phone.locator(".who").inner_text().startswith("Awa · Recherche")

    # An idea: Tab to the box, type, send; focus comes back to the box for the next one.
    facilitator.open("ideas")
    expect(announced(phone)).to_contain_text("Nouvelle question", timeout=10000)
    phone.keyboard.press("Tab")
    tab_to(phone, "#idea-text", 8)
    phone.keyboard.type("Un guichet unique pour les permis de travail")
    tab_to(phone, "#idea-form button", 1)
    phone.keyboard.press("Enter")
    expect(phone.locator("#my-ideas-list li")).to_have_count(1, timeout=10000)
    expect(announced(phone)).to_have_text("Idée envoyée.")
    assert active(phone)["id"] == "idea-text"

    # Three dots on three items: each press keeps focus on its "add" button,
    # and the next item's button is one or two Tabs away.
    facilitator.open("vote")
    expect(announced(phone)).to_contain_text("Vote ouvert", timeout=10000)
    phone.wait_for_selector(".dot-add")
    placed = []
    for n in range(3):
        presses = tab_to(phone, ".dot-add:not([disabled])", 30 if n == 0 else 3)
        button = active(phone)
        phone.keyboard.press("Enter")
        item = button["id"].removeprefix("dot-add-")
        expect(phone.locator(f"#dot-controls-{item}")).to_have_attribute("data-mine", "1", timeout=10000)
        expect(phone.locator("#ballot-bar")).to_have_attribute("data-left", str(4 - n), timeout=10000)
        phone.wait_for_timeout(150)  # focus.js restores on the next task after the swap
        assert active(phone)["id"] == button["id"], (n, active(phone))
        if n:
            assert presses <= 2, presses
        placed.append(item)
    assert len(set(placed)) == 3
    expect(announced(phone)).to_contain_text("Votre vote est enregistré")
    # The dot button's name says which item it adds to.
    name = phone.evaluate("""id => { const b = document.getElementById(id);
        return b.getAttribute('aria-labelledby').split(' ').map((i) => document.getElementById(i))
                .map((el) => el.getAttribute('aria-label') || el.textContent).join(' '); }""", f"dot-add-{placed[0]}")
    assert "Ajouter une gommette" in name and "Projet" in name, name

    # A cell: arrow to a choice, Tab to the button; focus lands on the answer.
    facilitator.open("cells")
    expect(announced(phone)).to_contain_text("Cellules d'innovation", timeout=10000)
    phone.wait_for_selector("#my-cell input[name=cell]")
    tab_to(phone, "#my-cell input[name=cell]", 12)
    phone.keyboard.press("Space")
    tab_to(phone, "#my-cell button.primary", 6)
    phone.keyboard.press("Enter")
    expect(phone.locator("#my-cell .notice")).to_contain_text("Vous êtes dans la cellule", timeout=10000)
    expect(announced(phone)).to_contain_text("Vous êtes dans la cellule")
    phone.wait_for_timeout(150)
    assert phone.evaluate("() => document.getElementById('my-cell').contains(document.activeElement)"), active(phone)
    context.close()
    facilitator.context.close()


def test_an_opened_vote_is_announced_in_the_phones_language(browser, server):
    facilitator = Facilitator(browser, server)
    context, phone = join_with_keys(browser, server, lang="en")
    facilitator.open("ideas")
    expect(announced(phone)).to_contain_text("New question", timeout=10000)
    facilitator.open("vote")
    expect(announced(phone)).to_have_text("Vote open: Priorisation", timeout=10000)
    # The question is in the workshop's language, marked so that a reader says it in French.
    assert phone.get_attribute("#activity-title", "lang") == "fr"
    context.close()
    facilitator.context.close()


@pytest.mark.parametrize("screen", ["enter-code", "join", "ideas", "vote", "cells"])
def test_phone_pages_reflow_at_320_css_pixels(browser, server, screen):
    """400 % zoom of a 1280 px window: 320 CSS px at a device scale of 4."""
    facilitator = Facilitator(browser, server)
    if screen in ("ideas", "vote", "cells"):
        facilitator.open(screen)
    context = browser.new_context(viewport={"width": 320, "height": 256}, device_scale_factor=4)
    page = context.new_page()
    if screen == "enter-code":
        page.goto(f"{server.url}/join")
    elif screen == "join":
        page.goto(f"{server.url}/j/{server.workshop['code']}")
    else:
        join_at(page, server.url, server.workshop["code"], "Zoé", "Recherche")
        page.wait_for_selector("body[data-live=connected]")
        page.wait_for_load_state("networkidle")
    page.screenshot(path=f"/tmp/shots-a11y/reflow-320-{screen}.png", full_page=True)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1] == 320, (screen, widths)
    context.close()
    facilitator.context.close()


def test_moderating_an_idea_keeps_focus_on_its_card(browser, server):
    """Hide, restore and edit on the control view: focus stays on the card
    that acted (it fell to <body>, 29 Tabs from the third card, before)."""
    facilitator = Facilitator(browser, server)
    facilitator.open("ideas")
    control = facilitator.page
    control.goto(f"{server.url}/w/{server.workshop['id']}/control")
    control.wait_for_selector("body[data-live=connected]")
    card = control.locator("#stage .idea").nth(2)
    card_id = card.get_attribute("id")
    hide = card.locator("button", has_text="Masquer")
    assert hide.get_attribute("aria-label").startswith("Masquer «\u00a0Idée numéro")
    hide.focus()
    control.keyboard.press("Enter")
    expect(control.locator(f"#{card_id}.is-hidden")).to_have_count(1, timeout=10000)
    control.wait_for_timeout(150)
    focused = active(control)
    assert focused["label"].startswith("Rétablir «\u00a0Idée numéro"), focused
    assert control.evaluate("id => document.getElementById(id).contains(document.activeElement)", card_id)
    control.keyboard.press("Enter")  # restore, from where focus was left
    expect(control.locator(f"#{card_id}.is-hidden")).to_have_count(0, timeout=10000)
    control.wait_for_timeout(150)
    assert active(control)["label"].startswith("Masquer «\u00a0Idée numéro"), active(control)
    control.keyboard.press("Shift+Tab")  # Edit, just before
    control.keyboard.press("Enter")
    expect(control.locator(f"#{card_id} textarea")).to_have_count(1, timeout=10000)
    control.wait_for_timeout(150)
    assert active(control)["name"] == "text", active(control)
    facilitator.context.close()


# WCAG 1.4.12's text spacing, as a user style sheet would apply it.
TEXT_SPACING = ("* { line-height: 1.5 !important; letter-spacing: .12em !important; "
                "word-spacing: .16em !important; } p { margin-bottom: 2em !important; }")


def test_the_control_view_reflows_at_320_css_pixels_with_text_spacing(browser, server):
    """The control view on a narrow window at 400 % zoom, with and without
    WCAG text spacing: nothing scrolls sideways (the top bar overflowed)."""
    facilitator = Facilitator(browser, server)
    facilitator.open("ideas")
    state = facilitator.context.storage_state()
    context = browser.new_context(viewport={"width": 320, "height": 640}, device_scale_factor=4,
                                  storage_state=state, bypass_csp=True)  # CSP: the test's own style sheet
    page = context.new_page()
    page.goto(f"{server.url}/w/{server.workshop['id']}/control")
    page.wait_for_selector("body[data-live=connected]")
    width = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    assert page.evaluate(width) == [320, 320]
    page.add_style_tag(content=TEXT_SPACING)
    assert page.evaluate(width) == [320, 320]
    page.screenshot(path="/tmp/shots-a11y/reflow-320-control-spacing.png")
    context.close()
    facilitator.context.close()


# Where each live region of the page speaks: aria-live, else its role's own politeness.
LIVE_REGIONS = """() => Array.from(document.querySelectorAll('[aria-live], [role=status], [role=log], [role=alert]'))
    .map((el) => ({id: el.id, cls: el.className, live: el.getAttribute('aria-live')
                   || {status: 'polite', log: 'polite', alert: 'assertive'}[el.getAttribute('role')]}))
    .filter((r) => r.live !== 'off')"""


def test_the_phone_speaks_through_one_polite_region_during_a_vote(browser, server):
    """An idea typed and not sent when the vote opens: the opening and the kept
    text are said together by #announcer, the only polite region (the ballot's
    budget and the kept texts were two more); the ticks' count goes there too."""
    facilitator = Facilitator(browser, server)
    facilitator.open("ideas")
    context, phone = join_with_keys(browser, server, lang="en")
    phone.wait_for_selector("#idea-text")
    phone.locator("#idea-text").focus()
    phone.keyboard.type("Un parrainage dès l'arrivée")
    facilitator.open("vote")
    phone.wait_for_selector(".dot-add")
    expect(phone.locator("#kept-drafts .kept-draft")).to_have_count(1, timeout=10000)
    expect(announced(phone)).to_contain_text("Vote open: Priorisation", timeout=10000)
    expect(announced(phone)).to_contain_text("Not sent: the question closed or changed")
    phone.locator(".dot-add").first.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("#ballot-bar")).to_have_attribute("data-left", "4", timeout=10000)
    expect(announced(phone)).to_contain_text("Your vote is saved. 4 dots left")
    regions = phone.evaluate(LIVE_REGIONS)
    assert [r["id"] for r in regions if r["live"] == "polite"] == ["announcer"], regions
    # The one alert holds only a form's refusal; empty now.
    assert [r["id"] for r in regions if r["live"] == "assertive"] == ["form-message"], regions
    assert phone.locator("#form-message").inner_text() == ""
    context.close()
    facilitator.context.close()


def approval_round(database_url: str, workshop_id: int, items: int) -> int:
    """An approval round of `items` projects (choose up to 5) on the agenda; its activity's id."""
    from workshop.extensions import db
    from workshop.voting.logic import create_round
    from workshop.voting.models import Project
    from workshop.workshops.models import Workshop

    app = new_app(base_config(database_url))
    with app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        projects = [Project(workshop_id=workshop_id, title=f"Projet {n + 1} : francisation au travail")
                    for n in range(items)]
        activity_id = create_round(workshop, "Approbation", "approval", projects, top_k=5).activity_id
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return activity_id


def test_a_tick_on_a_whole_ballot_says_what_is_left(browser, server):
    """Approval over 40 items: each tick's count is said by #announcer (the
    budget is no longer a live region of its own), then the save."""
    server.workshop["activities"]["approval"] = approval_round(server.database_url, server.workshop["id"], 40)
    facilitator = Facilitator(browser, server)
    context, phone = join_with_keys(browser, server, lang="en")
    facilitator.open("approval")
    expect(announced(phone)).to_have_text("Vote open: Approbation", timeout=10000)
    phone.wait_for_selector("input[name=project]")
    boxes = phone.locator("input[name=project]")
    boxes.nth(0).focus()
    phone.keyboard.press("Space")
    expect(announced(phone)).to_have_text("4 choices left", timeout=15000)
    boxes.nth(1).focus()
    phone.keyboard.press("Space")
    expect(announced(phone)).to_have_text("3 choices left", timeout=15000)
    tab_to(phone, "#ballot-bar .ballot-save", 80)
    phone.keyboard.press("Enter")
    expect(announced(phone)).to_contain_text("Your vote is saved.", timeout=10000)
    context.close()
    facilitator.context.close()


THEMES = ["Emploi et stages", "Langue française", "Reconnaissance des diplômes", "Logement",
          "Accueil et parrainage", "Réseautage avec les employeurs", "Immigration et permis",
          "Transport en région"]


def group_into_themes(database_url: str, activity_id: int) -> None:
    """The 60 ideas in 8 themes, as a grouping leaves them (without computing one)."""
    from workshop.extensions import db
    from workshop.ideas.models import Idea
    from workshop.themes.models import Theme

    app = new_app(base_config(database_url))
    with app.app_context():
        themes = [Theme(activity_id=activity_id, label=label, position=n) for n, label in enumerate(THEMES)]
        db.session.add_all(themes)
        db.session.flush()
        ideas = db.session.query(Idea).filter_by(activity_id=activity_id).order_by(Idea.id).all()
        for n, idea in enumerate(ideas):
            idea.theme_id, idea.theme_position = themes[n % len(themes)].id, n // len(themes)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def themed_server(tmp_path_factory):
    """A server of its own: merging and moving change the wall the other tests use."""
    env = prepare_database(tmp_path_factory.mktemp("keyboard-themes"))
    server = ServerProcess(env).start()
    server.workshop = seed(env["DATABASE_URL"])
    group_into_themes(env["DATABASE_URL"], server.workshop["activities"]["ideas"])
    yield server
    server.stop()


def shift_tab_to(page, selector: str, limit: int) -> int:
    return tab_to(page, selector, limit, "Shift+Tab")


def theme_of(page, idea_id: str) -> str:
    return page.evaluate("id => document.getElementById(id).closest('section.theme').id", idea_id)


def test_merging_and_moving_ideas_with_the_keyboard(browser, themed_server):
    """The control view with 60 ideas in 8 themes, keyboard only: tick two
    ideas, merge them, and focus is back on "Merge selected"; the "move to
    theme" menu moves nothing on an arrow key, only on its button, and focus
    stays on that button in the moved card."""
    server = themed_server
    facilitator = Facilitator(browser, server)
    facilitator.open("ideas")
    control = facilitator.page
    control.goto(f"{server.url}/w/{server.workshop['id']}/control")
    control.wait_for_selector("body[data-live=connected]")
    expect(control.locator("#stage section.theme[id^=theme-]")).to_have_count(8)
    expect(control.locator("#stage .idea")).to_have_count(60)
    posts = []
    control.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    # Two ideas ticked: the first card's box, then the next card's, a few Tabs on.
    tab_to(control, "#stage .idea-select input", 120)
    control.keyboard.press("Space")
    first = active(control)
    presses = tab_to(control, "#stage .idea-select input", 8)
    assert presses <= 6, presses  # one card's controls: box, edit, hide, menu, move
    control.keyboard.press("Space")
    second = control.evaluate("() => document.activeElement.value")
    assert control.locator("#stage .idea-select input:checked").count() == 2, first
    shift_tab_to(control, "form.merge-bar > button:first-of-type", 40)
    control.keyboard.press("Enter")
    expect(control.locator(f"#idea-{second}")).to_have_count(0, timeout=10000)
    expect(control.locator("#stage .idea")).to_have_count(59)
    control.wait_for_timeout(200)  # focus.js restores after the swap has settled
    assert control.evaluate("() => document.activeElement.matches('form.merge-bar > button:first-of-type')"), \
        active(control)
    assert control.locator("#stage .idea-select input:checked").count() == 0

    # An arrow key in a card's menu chooses another theme and sends nothing.
    card = control.locator("#stage section.theme[id^=theme-] .idea").nth(3)
    card_id = card.get_attribute("id")
    before = theme_of(control, card_id)
    tab_to(control, f"#{card_id} .move-select", 80)
    chosen = control.evaluate("() => document.activeElement.value")
    posts.clear()
    control.keyboard.press("ArrowDown")
    assert control.evaluate("() => document.activeElement.value") != chosen  # the arrow did choose
    control.wait_for_timeout(700)
    assert posts == [] and theme_of(control, card_id) == before, posts
    # Its button moves it, and focus stays on that button in the moved card.
    target = "theme-" + control.evaluate("() => document.activeElement.value")
    tab_to(control, f"#{card_id} .move-button", 1)
    control.keyboard.press("Enter")
    expect(control.locator(f"#{target} #{card_id}")).to_have_count(1, timeout=10000)
    assert [url for url in posts if url.endswith("/move")], posts
    control.wait_for_timeout(200)
    assert control.evaluate("id => document.activeElement.matches(`#${id} .move-button`)", card_id), active(control)
    facilitator.context.close()


CUMULATIVE_SHIFT = """() => new Promise(done => {
    let total = 0;
    new PerformanceObserver(list => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) total += entry.value;
    }).observe({type: "layout-shift", buffered: true});
    setTimeout(() => done(total), 1500);
})"""


@pytest.mark.parametrize("kind", ["vote", "hats"])
def test_the_phone_page_does_not_jump_while_its_activity_loads(browser, server, kind):
    """A phone (re)loading its page during a vote or six hats: the ballot and the hat
    arrive after the page, into space kept for them, so "Leave the workshop" and the
    rest do not move under a finger (cumulative layout shift under 0.1, "good")."""
    facilitator = Facilitator(browser, server)
    facilitator.open(kind)
    context, phone = join_with_keys(browser, server)
    phone.reload()
    phone.wait_for_selector(".dot-add" if kind == "vote" else "#my-hat input[name=hat], #my-hat .hat-badge",
                            state="attached", timeout=10000)
    shift = phone.evaluate(CUMULATIVE_SHIFT)
    assert shift < 0.1, shift
    context.close()
    facilitator.context.close()
