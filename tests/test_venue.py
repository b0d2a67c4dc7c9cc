"""Joining from the venue: the start banner, the control view's warning when
the join address is loopback, the projector's typed address, the favicon,
and the counts written with ngettext."""

from __future__ import annotations

import os
import re

import pytest
from flask_babel import force_locale, ngettext

from tests.conftest import joined_phones
from workshop import venue
from workshop.cells import logic as cells
from workshop.extensions import db
from workshop.voting.logic import VoteRejected
from workshop.voting.models import Project

IP_OUTPUT = """1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
3: wlp2s0    inet 192.168.1.20/24 brd 192.168.1.255 scope global dynamic wlp2s0\\       valid_lft 8000sec
4: enx0    inet 169.254.7.1/16 scope link enx0\\       valid_lft forever
5: eth0    inet 10.0.0.7/8 brd 10.255.255.255 scope global eth0\\       valid_lft forever
"""
IFCONFIG_OUTPUT = """lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> mtu 16384
\tinet 127.0.0.1 netmask 0xff000000
en0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500
\tinet 172.16.4.9 netmask 0xffffff00 broadcast 172.16.4.255
"""


# --- the start banner ----------------------------------------------------------

def test_banner_lists_the_venue_addresses_when_listening_everywhere():
    lines = venue.banner_lines("0.0.0.0", 5000, ["192.168.1.20", "10.0.0.7"], first_run=False)
    text = "\n".join(lines)
    assert "  http://192.168.1.20:5000/join" in lines and "  http://10.0.0.7:5000/join" in lines
    assert "PUBLIC_URL=http://192.168.1.20:5000" in text
    assert "cannot reach" not in text


def test_banner_says_phones_cannot_reach_a_loopback_server_and_how_to_restart():
    text = "\n".join(venue.banner_lines("127.0.0.1", 5000, [], first_run=False))
    assert "Phones cannot reach 127.0.0.1" in text
    assert "HOST=0.0.0.0 make run" in text
    assert "/join" not in text


def test_first_run_points_at_the_address_phones_use():
    lines = venue.banner_lines("0.0.0.0", 8000, ["192.168.1.20"], first_run=True)
    assert lines[-1].startswith("First run: open http://192.168.1.20:8000/setup")
    lines = venue.banner_lines("127.0.0.1", 5000, [], first_run=True)
    assert lines[-1].startswith("First run: open http://127.0.0.1:5000/setup")


def test_banner_with_public_url_names_it_and_without_any_network_says_so():
    text = "\n".join(venue.banner_lines("0.0.0.0", 5000, ["192.168.1.20"], False, "https://atelier.example.org/"))
    assert "Phones join at https://atelier.example.org/join" in text and "192.168.1.20" not in text
    text = "\n".join(venue.banner_lines("0.0.0.0", 5000, [], False))
    assert "No network address found" in text


def test_lan_addresses_come_from_the_interfaces_without_loopback_or_link_local(monkeypatch):
    monkeypatch.setattr(venue, "_addresses_of_interfaces", lambda: ["127.0.0.1", "169.254.3.3", "192.168.1.20"])
    monkeypatch.setattr(venue, "_command_output", lambda command: pytest.fail("the kernel answered already"))
    assert venue.lan_addresses() == ["192.168.1.20"]
    # No answer from the kernel (not Linux): `ip`, then ifconfig.
    monkeypatch.setattr(venue, "_addresses_of_interfaces", lambda: [])
    monkeypatch.setattr(venue, "_command_output", lambda command: IP_OUTPUT if command[0] == "ip" else "")
    assert venue.lan_addresses() == ["192.168.1.20", "10.0.0.7"]
    # macOS and BSD have no `ip`: ifconfig says the same in its own words.
    monkeypatch.setattr(venue, "_command_output", lambda command: IFCONFIG_OUTPUT if command[0] == "ifconfig" else "")
    assert venue.lan_addresses() == ["172.16.4.9"]
    # Neither: what the host name resolves to, loopback left out.
    monkeypatch.setattr(venue, "_command_output", lambda command: "")
    monkeypatch.setattr(venue, "_addresses_of_hostname", lambda: ["127.0.1.1", "192.168.0.4"])
    assert venue.lan_addresses() == ["192.168.0.4"]


def test_lan_addresses_read_this_machine_without_failing():
    found = venue.lan_addresses()
    assert all(venue.usable_by_phones(address) for address in found)


@pytest.mark.parametrize("host, loopback", [
    ("127.0.0.1", True), ("127.1.2.3", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("LOCALHOST", True), ("192.168.1.20", False), ("10.0.0.7", False), ("atelier.example.org", False),
    ("0.0.0.0", False),
])
def test_loopback_hosts(host, loopback):
    assert venue.is_loopback_host(host) is loopback


# --- the control view's warning ----------------------------------------------------

def control_page(facilitator_client, workshop) -> str:
    response = facilitator_client.get(f"/w/{workshop.id}/control")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_control_view_warns_when_the_join_address_is_loopback(app, facilitator_client, workshop):
    app.config.update(PUBLIC_URL="http://127.0.0.1:5000", HOST="127.0.0.1")
    page = control_page(facilitator_client, workshop)
    assert 'class="join-warning"' in page
    assert "127.0.0.1 désigne le téléphone lui-même" in page
    assert "HOST=0.0.0.0 make run" in page


def test_control_view_on_loopback_links_to_the_venue_address_when_listening_everywhere(
        app, facilitator_client, workshop, monkeypatch):
    app.config.update(PUBLIC_URL="http://localhost:5000", HOST="0.0.0.0")
    monkeypatch.setattr(venue, "lan_addresses", lambda: ["192.168.1.20"])
    page = control_page(facilitator_client, workshop)
    assert f'href="http://192.168.1.20:5000/w/{workshop.id}/control"' in page
    assert "HOST=0.0.0.0 make run" not in page


def test_control_view_has_no_warning_with_a_lan_public_url(app, facilitator_client, workshop, monkeypatch):
    app.config.update(PUBLIC_URL="http://192.168.1.20:5000", HOST="127.0.0.1")
    monkeypatch.setattr(venue, "lan_addresses", lambda: pytest.fail("no interface lookup when the address is fine"))
    page = control_page(facilitator_client, workshop)
    assert "join-warning" not in page
    assert f"http://192.168.1.20:5000/j/{workshop.join_code}" in page


# --- the projector's typed address --------------------------------------------------

@pytest.mark.parametrize("public_url", ["", "http://192.168.1.20:5000", "https://example.org/atelier/"])
def test_the_address_the_projector_shows_leads_to_the_join_page(app, facilitator_client, workshop, public_url):
    app.config["PUBLIC_URL"] = public_url
    projector = facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    typed = re.search(r'class="join-url">([^<]+)</p>', projector).group(1).strip()
    assert typed.endswith("/join") and "://" not in typed
    assert f'class="join-code">{workshop.join_code}<' in projector
    # What a phone gets when typing it (the test client reaches any host; keep the path).
    path = "/" + typed.split("/", 1)[1]
    prefix = "/atelier" if "atelier" in public_url else ""
    assert path == f"{prefix}/join"
    phone = app.test_client()
    assert phone.get("/join").status_code == 200
    answer = phone.post("/join", data={"code": workshop.join_code.lower()})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/j/{workshop.join_code}")
    page = phone.get(answer.headers["Location"]).get_data(as_text=True)
    assert workshop.title in page and 'name="nickname"' in page


# --- favicon ------------------------------------------------------------------------

def test_favicon_is_linked_and_answered(client):
    setup = client.get("/setup").get_data(as_text=True)  # a first run's page, from base.html
    assert 'rel="icon" href="/static/favicon.svg"' in setup
    for url in ("/favicon.ico", "/static/favicon.svg"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "image/svg+xml" and b"<svg" in response.data


# --- counts, through ngettext --------------------------------------------------------

PLURALS = [
    (("%(num)d place taken out of %(cap)d", "%(num)d places taken out of %(cap)d"), {"cap": 2},
     {"fr": ("1 place prise sur 2", "2 places prises sur 2"),
      "en": ("1 place taken out of 2", "2 places taken out of 2")}),
    (("%(num)d dot at most on one item.", "%(num)d dots at most on one item."), {},
     {"fr": ("1 gommette au maximum sur un même élément.", "2 gommettes au maximum sur un même élément."),
      "en": ("1 dot at most on one item.", "2 dots at most on one item.")}),
    (("Choose %(num)d item at most.", "Choose %(num)d items at most."), {},
     {"fr": ("Choisissez 1 élément au maximum.", "Choisissez 2 éléments au maximum."),
      "en": ("Choose 1 item at most.", "Choose 2 items at most.")}),
    (("Rank %(num)d item at most.", "Rank %(num)d items at most."), {},
     {"fr": ("Classez 1 élément au maximum.", "Classez 2 éléments au maximum."),
      "en": ("Rank 1 item at most.", "Rank 2 items at most.")}),
    (("rank %(rank)s, score %(score)s, %(num)d voter", "rank %(rank)s, score %(score)s, %(num)d voters"),
     {"rank": 1, "score": 4.0},
     {"fr": ("rang 1, score 4.0, 1 votant·e", "rang 1, score 4.0, 2 votant·e·s"),
      "en": ("rank 1, score 4.0, 1 voter", "rank 1, score 4.0, 2 voters")}),
]


@pytest.mark.parametrize("msgids, variables, expected", PLURALS, ids=[p[0][0] for p in PLURALS])
def test_counts_agree_with_their_number_in_french_and_english(app, msgids, variables, expected):
    with app.test_request_context():
        for language, (one, two) in expected.items():
            with force_locale(language):
                assert ngettext(*msgids, 1, **variables) == one
                assert ngettext(*msgids, 2, **variables) == two


def test_vote_refusals_count_in_the_singular_and_plural(app):
    with app.test_request_context(), force_locale("fr"):
        assert VoteRejected("too_many_on_item", limit=1).message() == \
            "1 gommette au maximum sur un même élément."
        assert VoteRejected("too_many_ranked", limit=3).message() == "Classez 3 éléments au maximum."
        # A refusal without a limit builds the same table of messages: no count may break it.
        assert "fermé" in VoteRejected("closed").message()


def test_a_cell_says_one_place_taken_then_two(app, facilitator_client, workshop):
    projects = [Project(workshop_id=workshop.id, title=t, status="priority") for t in ("Jumelage", "Logement")]
    db.session.add_all(projects)
    db.session.commit()
    signup = cells.create(workshop, "first_come", 2)
    facilitator_client.post(f"/w/{workshop.id}/activities/{signup.activity_id}/open")
    first, second = joined_phones(app, workshop, 2, prefix="V")
    cell = signup.cells[0]
    stage = f"/w/{workshop.id}/stage/control"
    assert first.post(f"/j/{workshop.join_code}/cells/{signup.id}/join", data={"cell": cell.id}).status_code == 200
    assert "1 place prise sur 2" in facilitator_client.get(stage).get_data(as_text=True)
    assert second.post(f"/j/{workshop.join_code}/cells/{signup.id}/join", data={"cell": cell.id}).status_code == 200
    page = facilitator_client.get(stage).get_data(as_text=True)
    assert "2 places prises sur 2" in page and "0 place prise sur 2" in page


# --- the control view on a laptop (real browser) -------------------------------------

LAPTOP = {"width": 1366, "height": 768}
QUESTIONS = [
    "Comment mieux accueillir les étudiant·e·s internationaux·ales à leur arrivée en région ?",
    "Comment rapprocher les étudiant·e·s internationaux·ales des employeurs de la région ?",
    "Qu'est-ce qui aiderait les diplômé·e·s internationaux·ales à s'établir au Saguenay–Lac-Saint-Jean ?",
]


def full_agenda(database_url: str, ideas: list[str]) -> int:
    """A workshop as the afternoon finds it, written straight into the server's
    database: three questions, two rounds, six hats and the cells on the agenda,
    60 ideas on the open third question. Returns its id."""
    from sqlalchemy import select

    from tests.conftest import new_app
    from tests.live_server import FACILITATOR_EMAIL
    from workshop.accounts.models import User
    from workshop.hats import logic as hats
    from workshop.ideas.logic import submit_idea
    from workshop.participants.logic import join
    from workshop.voting import logic as voting
    from workshop.workshops import logic as workshops

    app = new_app({"SQLALCHEMY_DATABASE_URI": database_url, "FEATURES_ON_ARRIVAL": False,
                   "SOCKETIO_MESSAGE_QUEUE": None})
    with app.test_request_context():
        owner = db.session.scalar(select(User).where(User.email == FACILITATOR_EMAIL))
        workshop = workshops.create_workshop(
            owner, "Laboratoire vivant — insertion socioprofessionnelle des étudiant·e·s internationaux·ales",
            "fr", ["Étudiant·e international·e", "Employeur / entreprise", "Recherche", "Municipalité"], QUESTIONS)
        people = [join(workshop, f"P{n}", workshop.groups[n % len(workshop.groups)].id) for n in range(12)]
        for question, count in zip(workshop.activities[:3], (8, 8, 60)):
            workshops.open_activity(workshop, question)
            for n, text in enumerate(ideas[:count]):
                submit_idea(people[n % len(people)], question, text, f"seed-{question.id:04d}-{n:04d}")
        first = voting.create_round(workshop, "Quels projets comptent le plus ?", "dots",
                                    voting.candidates(workshop, "ideas"))
        second_projects = [item.project for item in first.items[:8]]
        voting.create_round(workshop, "Deuxième tour", "approval", second_projects, top_k=3)
        voting.retain(workshop, [p.id for p in second_projects[:3]])
        hats.create(workshop, [], [p.id for p in second_projects[:3]], "balanced")
        cells.create(workshop, "first_come", 8)
        workshops.open_activity(workshop, workshop.activities[2])
        return workshop.id


def in_viewport(page, selector: str) -> bool:
    """Seen without scrolling: inside the window, and not clipped by the agenda's
    own scrolling box nor covered (the browser finds it at its centre)."""
    return page.eval_on_selector(selector, """element => {
        const box = element.getBoundingClientRect();
        const inside = box.top >= 0 && box.left >= 0 && box.bottom <= innerHeight && box.right <= innerWidth;
        const found = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return inside && element.checkVisibility() && element.contains(found); }""")


@pytest.mark.browser
def test_the_control_view_fits_a_laptop_screen(browser, tmp_path):
    from tests.browsing import live, signed_in
    from tests.conftest import ccc_proposals
    from tests.live_server import ServerProcess, prepare_database

    ideas = [row["text"][:150] for row in ccc_proposals()[:60]]
    env = prepare_database(tmp_path)
    workshop_id = full_agenda(env["DATABASE_URL"], ideas)
    server = ServerProcess(env).start()
    try:
        context, page = signed_in(browser, server.url, viewport=LAPTOP)
        live(page, f"{server.url}/w/{workshop_id}/control")
        assert page.locator("#stage .idea").count() == 60
        assert page.locator("#agenda .agenda-item").count() == 7
        shots = os.environ.get("SCREENSHOT_DIR")
        if shots:
            page.screenshot(path=f"{shots}/control-1366x768.png")

        # Without scrolling: the current activity's Close button and every timer button.
        assert page.evaluate("scrollY") == 0
        assert in_viewport(page, "#agenda .agenda-item.is-current button")
        timer_buttons = page.locator(".timer-controls button")
        assert timer_buttons.count() == 5
        for n in range(5):
            assert in_viewport(page, f".timer-controls button:nth-child({n + 1})")
        # The side column holds within the screen: its agenda scrolls in a box of its own.
        side = page.eval_on_selector(".control-side", """s => ({
            bottom: s.getBoundingClientRect().bottom, height: s.clientHeight, scroll: s.scrollHeight})""")
        assert side["scroll"] <= side["height"] + 1 and side["bottom"] <= LAPTOP["height"]
        # The long forms stay closed until asked for.
        assert not page.is_visible("select[name=kind]")
        page.click(".add-activity > summary")
        page.click("summary:has-text('Ajouter un tour de vote')")
        assert page.is_visible("select[name=kind]")
        # The form opens at the top of the agenda's box, with its height, not in a strip under the agenda.
        # (The toggle event comes after the click returns: waited for, not read at once.)
        page.wait_for_function("""() => {
            const summary = [...document.querySelectorAll('.add-activity summary')]
                .find(s => s.textContent.includes('Ajouter un tour de vote'));
            const box = document.querySelector('.agenda-scroll');
            const atTop = summary.getBoundingClientRect().top - box.getBoundingClientRect().top < 20;
            return atTop || box.scrollTop + box.clientHeight >= box.scrollHeight - 1; }""", timeout=3000)
        assert in_viewport(page, "#new-round-form input[name=title]")
        assert in_viewport(page, "#new-round-form select[name=source]")
        if shots:
            page.screenshot(path=f"{shots}/control-1366x768-add-activity.png")
        page.click(".add-activity > summary")

        # The last activity of the agenda opened (from another window, so no click scrolls to
        # it here), then this page loaded again: its button is brought into sight, the timer stays.
        page.eval_on_selector(".agenda-scroll", "box => { box.scrollTop = 0; }")
        assert not in_viewport(page, "#agenda .agenda-item:last-child button")  # below the fold of its box
        other = context.new_page()
        other.goto(page.url)
        other.wait_for_selector("body[data-live=connected]")
        other.click("#agenda .agenda-item:last-child button.primary")
        other.wait_for_selector("#agenda .agenda-item:last-child.is-current")
        page.reload()
        page.wait_for_selector("body[data-live=connected]")
        page.wait_for_timeout(300)
        assert in_viewport(page, "#agenda .agenda-item.is-current button")
        assert in_viewport(page, ".timer-controls button:has-text('5 min')")
        page.click(".timer-controls button:has-text('5 min')")
        page.wait_for_selector("#timer:not(.is-idle)")
        assert in_viewport(page, "#timer")
        if shots:
            page.screenshot(path=f"{shots}/control-1366x768-cells.png")
        context.close()
    finally:
        server.stop()
