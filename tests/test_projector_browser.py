"""The projector at full size (1920×1080) with a real session's amounts: a
wall of 60 and 150 ideas, 12 themes, 40 results, a 40-item matrix, 18 hat
comments in a column, 3 cells. Every screen shows everything or says what it
leaves out, in text of at least 20 px, with no word cut in two.

The workshop is filled through the app's logic against the server's database
before the projector loads; new ideas and comments then arrive by push."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browsing import PROJECTOR, join_by_code, live, signed_in
from tests.conftest import ccc_proposals
from tests.live_server import FACILITATOR_EMAIL
from tests.projector_checks import broken_words, clipped_items, smallest_font_px, untold_hidden

pytestmark = pytest.mark.browser

SHOTS = [Path("/tmp/shots-projector")] + ([Path(os.environ["SCREENSHOT_DIR"])] if os.environ.get("SCREENSHOT_DIR") else [])
GROUPS = ["Étudiant·e international·e", "Employeur / entreprise", "Établissement d'enseignement",
          "Organisme communautaire", "Municipalité / ministère", "Recherche"]
SHORT_IDEAS = [
    "Jumelage étudiant·e–employeur dès la première session",
    "Une foire de l'emploi bilingue à Saguenay",
    "Des stages payés dans les PME de la région",
    "Un guichet unique pour les permis de travail",
    "Parrainage par des diplômé·e·s installé·e·s ici",
    "Cours de français en milieu de travail, sur les heures payées",
    "Reconnaissance des diplômes étrangers accélérée par les ordres professionnels",
    "Visites d'entreprises organisées avec les cégeps",
]
MEASURED: dict[str, tuple[float, str]] = {}


def idea_texts(count: int) -> list[str]:
    """Ideas as a room writes them: short ones and paragraphs (public proposals)."""
    long = [row["text"][:500] for row in ccc_proposals()]
    pick = random.Random(count)
    return [pick.choice(SHORT_IDEAS) if i % 3 else pick.choice(long) for i in range(count)]


def new_workshop(phones: int = 12):
    from workshop.accounts.models import User
    from workshop.extensions import db
    from workshop.participants.logic import join
    from workshop.workshops.logic import create_workshop

    owner = db.session.query(User).filter_by(email=FACILITATOR_EMAIL).one()
    workshop = create_workshop(owner, "Laboratoire vivant — insertion socioprofessionnelle", "fr", GROUPS,
                               ["Comment mieux accueillir les étudiant·e·s internationaux·ales dans l'emploi en région ?"])
    people = [join(workshop, f"Personne {i + 1}", workshop.groups[i % len(workshop.groups)].id) for i in range(phones)]
    return workshop, people


def add_ideas(activity, people, texts):
    from workshop.extensions import db
    from workshop.ideas.models import Idea

    ideas = [Idea(activity_id=activity.id, participant_id=people[i % len(people)].id, submission_key=f"k{i}",
                  text=text, original_text=text) for i, text in enumerate(texts)]
    db.session.add_all(ideas)
    db.session.commit()
    return ideas


def open_(workshop, activity):
    from workshop.workshops.logic import open_activity

    open_activity(workshop, activity)


def projector_page(browser, server, workshop_id):
    context, page = signed_in(browser, server.url, viewport=PROJECTOR)
    live(page, f"{server.url}/w/{workshop_id}/projector")
    page.wait_for_timeout(300)  # the fitting runs on the next frame after the resync
    return context, page


def snap(page, name: str) -> None:
    for folder in SHOTS:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"projector-{name}.png"))


def look(page, name: str) -> tuple[float, str]:
    """Screenshot, then the four measurements; every one must pass."""
    snap(page, name)
    smallest = smallest_font_px(page)
    MEASURED[name] = smallest
    print(f"\n{name}: smallest text {smallest[0]} px ({smallest[1]})")
    assert smallest[0] >= 20, smallest
    assert clipped_items(page) == []
    assert untold_hidden(page) == []
    assert broken_words(page) == []
    return smallest


def shown_ids(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.filter(e => e.offsetParent !== null).map(e => e.id)")


def more_number(page, list_id: str) -> int:
    line = f'.more-line[data-more-for="{list_id}"]'
    if not page.is_visible(line):  # everything shows: its words may be an earlier fitting's
        return 0
    text = page.inner_text(line)
    return int(text.split()[1])


@pytest.mark.parametrize("count", [60, 150])
def test_the_wall_shows_the_newest_ideas_first_and_says_how_many_are_left_out(browser, server, server_app, count):
    workshop, people = new_workshop()
    activity = workshop.activities[0]
    ideas = add_ideas(activity, people, idea_texts(count))
    open_(workshop, activity)
    context, page = projector_page(browser, server, workshop.id)

    shown = shown_ids(page, "#wall > .idea")
    assert shown[0] == f"idea-{ideas[-1].id}"  # the newest first
    assert shown == [f"idea-{idea.id}" for idea in reversed(ideas)][:len(shown)]
    assert 8 <= len(shown) < count
    assert more_number(page, "wall") == count - len(shown)
    assert "autres idées" in page.inner_text(".wall-more")
    look(page, f"wall-{count}")
    if count == 60:
        measurements_catch_what_they_measure(page)
    context.close()


def test_a_wall_that_does_not_fit_at_its_size_takes_the_denser_one(browser, server, server_app):
    """25 ideas of two lines each: at the size 25 suggests (three columns) 13 showed and
    "+ 12" stood for half the room; the wall takes the denser size and shows them all."""
    workshop, people = new_workshop()
    activity = workshop.activities[0]
    texts = [f"Idée {n} : un programme de mentorat entre employeurs locaux et étudiant·e·s d'ici" for n in range(25)]
    add_ideas(activity, people, texts)
    open_(workshop, activity)
    context, page = projector_page(browser, server, workshop.id)
    expect(page.locator("#wall")).to_have_class(re.compile(r"\bdensity-compact\b"))
    assert len(shown_ids(page, "#wall > .idea")) == 25
    look(page, "wall-25")
    context.close()


def measurements_catch_what_they_measure(page):
    """The helpers fail on a wrong count, small text and a card pushed off screen."""
    page.evaluate("() => { document.querySelector('.wall-more').textContent = '+ 1 autre idée'; }")
    assert untold_hidden(page)
    page.evaluate("() => { document.querySelector('.wall-more').hidden = true; }")
    assert "no visible more line" in untold_hidden(page)[0]
    page.evaluate("() => { document.querySelector('#wall > .idea .idea-text').style.fontSize = '13px'; }")
    assert smallest_font_px(page)[0] == 13
    page.evaluate("() => { document.querySelector('#wall > .idea').style.marginTop = '2000px'; }")
    assert clipped_items(page)
    page.evaluate("() => { const text = document.querySelector('#wall > .idea .idea-text');"
                  " text.style.width = '90px'; text.style.overflowWrap = 'anywhere';"
                  " text.textContent = 'socioprofessionnelle'; }")
    assert any("socioprofessionnelle" in word for word in broken_words(page))


def test_an_empty_wall_invites_the_first_idea_under_the_question(browser, server, server_app):
    workshop, _ = new_workshop()
    open_(workshop, workshop.activities[0])
    context, page = projector_page(browser, server, workshop.id)
    invitation = page.locator(".wall-empty")
    assert invitation.is_visible()
    assert invitation.bounding_box()["y"] < PROJECTOR["height"] / 2
    assert not page.locator(".wall-more").is_visible()
    look(page, "wall-empty")
    context.close()


def join_phone(browser, server, code):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    join_by_code(phone, server.url, code, "Amina", "Recherche")
    phone.wait_for_selector("body[data-live=connected]")
    return context, phone


def test_a_pushed_idea_comes_first_on_the_wall(browser, server, server_app):
    """Through the server: a phone sends, the projector puts the idea first and still counts every idea."""
    workshop, people = new_workshop()
    activity = workshop.activities[0]
    add_ideas(activity, people, idea_texts(60))
    open_(workshop, activity)
    code = workshop.join_code
    context, page = projector_page(browser, server, workshop.id)
    assert len(shown_ids(page, "#wall > .idea")) + more_number(page, "wall") == 60

    phone_context, phone = join_phone(browser, server, code)
    phone.wait_for_selector("#idea-form")
    phone.fill("#idea-text", "Une idée qui vient d'arriver sur le mur")
    phone.click("#idea-form button")

    expect(page.locator("#wall > .idea").first).to_contain_text("vient d'arriver", timeout=10000)
    page.wait_for_timeout(300)
    # Every idea is shown or counted (a short newcomer may let one more fit than before).
    shown = shown_ids(page, "#wall > .idea")
    assert len(shown) >= 8 and shown[0] == page.locator("#wall > .idea").first.get_attribute("id")
    assert len(shown) + more_number(page, "wall") == 61
    look(page, "wall-after-push")
    phone_context.close()
    context.close()


def test_twelve_themes_all_show_with_their_counts(browser, server, server_app):
    from workshop.extensions import db
    from workshop.themes.models import Theme

    workshop, people = new_workshop()
    activity = workshop.activities[0]
    ideas = add_ideas(activity, people, idea_texts(60))
    labels = ["Emploi et stages", "Langue française", "Reconnaissance des diplômes", "Logement",
              "Accueil et parrainage", "Réseautage avec les employeurs", "Immigration et permis",
              "Vie culturelle et loisirs", "Transport en région", "Santé et bien-être",
              "Familles et conjoint·e·s", "Établissement durable en région"]
    themes = [Theme(activity_id=activity.id, label=label, position=i) for i, label in enumerate(labels)]
    db.session.add_all(themes)
    db.session.flush()
    for i, idea in enumerate(ideas):
        idea.theme_id, idea.theme_position = themes[i % 12].id, i // 12
    db.session.commit()
    open_(workshop, activity)
    context, page = projector_page(browser, server, workshop.id)

    assert len(shown_ids(page, ".theme")) == 12
    assert page.eval_on_selector_all(".theme-count", "els => els.map(e => e.textContent.trim())") == ["5"] * 12
    look(page, "themes-12")
    context.close()


def test_an_idea_sent_after_the_grouping_is_counted_beside_not_in_a_theme(browser, server, server_app):
    """Ten themes take 54 of 60 ideas; a phone sends one more, which lands in
    "Not in a theme": its count beside the name follows, and nothing is hidden untold."""
    from tests.projector_checks import untold_hidden
    from workshop.extensions import db
    from workshop.themes.models import Theme

    workshop, people = new_workshop()
    activity = workshop.activities[0]
    ideas = add_ideas(activity, people, idea_texts(60))
    themes = [Theme(activity_id=activity.id, label=f"Thème {n + 1}", position=n) for n in range(10)]
    db.session.add_all(themes)
    db.session.flush()
    for i, idea in enumerate(ideas[:54]):
        idea.theme_id, idea.theme_position = themes[i % 10].id, i // 10
    db.session.commit()
    open_(workshop, activity)
    context, page = projector_page(browser, server, workshop.id)
    unsorted = page.locator(".theme-unsorted .theme-count")
    expect(unsorted).to_have_text("6")

    phone_context, phone = join_phone(browser, server, workshop.join_code)
    phone.wait_for_selector("#idea-form")
    phone.fill("#idea-text", "Une idée arrivée après les thèmes")
    phone.click("#idea-form button")
    expect(page.locator("#wall > .idea").first).to_contain_text("après les thèmes", timeout=10000)
    expect(unsorted).to_have_text("7")
    page.wait_for_timeout(300)
    assert untold_hidden(page) == []
    look(page, "themes-after-push")
    phone_context.close()
    context.close()


def vote_round(workshop, people, kind: str, items: int):
    from workshop.extensions import db
    from workshop.voting.logic import create_round
    from workshop.voting.models import Ballot, Project

    titles = idea_texts(items)
    projects = [Project(workshop_id=workshop.id, title=f"{title[:90]}") for title in titles]
    round_ = create_round(workshop, "Priorisation", kind, projects, dots=5, max_per_item=3)
    pick = random.Random(items)
    leaning = {p.id: (pick.randint(1, 5), pick.randint(1, 5)) for p in projects}
    for person in people:
        if kind == "dots":
            ballot: dict = {}
            for _ in range(5):
                project = pick.choice(projects[: items // 2] if pick.random() < 0.7 else projects)
                if ballot.get(str(project.id), 0) < 3:
                    ballot[str(project.id)] = ballot.get(str(project.id), 0) + 1
        else:  # each project has a likely place on the matrix, and voters differ around it
            ballot = {str(p.id): [clamp(leaning[p.id][0] + pick.choice((-1, 0, 0, 1))),
                                  clamp(leaning[p.id][1] + pick.choice((-1, 0, 0, 1)))] for p in projects}
        db.session.add(Ballot(round_id=round_.id, participant_id=person.id, content=json.dumps(ballot), version=1))
    db.session.commit()
    return round_


def clamp(score: int) -> int:
    return max(1, min(5, score))


def test_a_ballot_of_eight_fills_the_screen_with_large_cards(browser, server, server_app):
    """Eight items, each of them readable from the back of the room: drawn large, none left out."""
    workshop, people = new_workshop(phones=50)
    round_ = vote_round(workshop, people, "dots", 8)
    open_(workshop, round_.activity)
    context, page = projector_page(browser, server, workshop.id)
    smallest = look(page, "vote-open-8")
    expect(page.locator("#vote-items")).to_have_class(re.compile(r"\bdensity-large\b"))
    assert len(shown_ids(page, "#vote-items > .idea")) == 8 and more_number(page, "vote-items") == 0
    item_font = page.eval_on_selector("#vote-items .idea-text", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert item_font >= 30 and smallest[0] >= 24
    context.close()


def test_forty_results_show_the_top_and_sum_up_the_rest(browser, server, server_app):
    from workshop.workshops.logic import close_activity

    workshop, people = new_workshop(phones=50)
    round_ = vote_round(workshop, people, "dots", 40)
    open_(workshop, round_.activity)
    # While the vote runs, the ballot's 40 items: those that fit, and how many more.
    context, page = projector_page(browser, server, workshop.id)
    look(page, "vote-open-40")
    assert len(shown_ids(page, "#vote-items > .idea")) + more_number(page, "vote-items") == 40
    context.close()

    close_activity(workshop, round_.activity)
    context, page = projector_page(browser, server, workshop.id)

    shown = len(shown_ids(page, "#results > .result"))
    assert 5 <= shown < 40
    # A tie is shown whole or left to the "more" line whole: never "12 tie" alone above the line.
    ranks = page.eval_on_selector_all("#results > .result", "els => els.map(e => e.dataset.rank)")
    assert ranks[shown - 1] != ranks[shown], ranks[:shown + 3]
    line = page.inner_text(".results-more")
    assert line.startswith(f"+ {40 - shown} autres projets")
    assert "gommette" in line and "points" not in line  # a dots round counts dots
    look(page, "results-40")
    context.close()

    # The control view beside it, on a laptop: the table by group (six columns) scrolls
    # in its own box, and the page does not widen past the screen.
    laptop = {"width": 1366, "height": 768}
    context, page = signed_in(browser, server.url, viewport=laptop)
    live(page, f"{server.url}/w/{workshop.id}/control")
    assert page.locator("table.by-group th[scope=col]").count() == 1 + len(GROUPS)
    assert page.evaluate("document.documentElement.scrollWidth") <= laptop["width"]
    assert page.eval_on_selector(".result-score", "e => e.getBoundingClientRect().right") <= laptop["width"]
    context.close()


def test_an_impact_feasibility_matrix_numbers_forty_points_with_a_legend(browser, server, server_app):
    from workshop.workshops.logic import close_activity

    workshop, people = new_workshop(phones=20)
    round_ = vote_round(workshop, people, "impact_feasibility", 40)
    open_(workshop, round_.activity)
    close_activity(workshop, round_.activity)
    context, page = projector_page(browser, server, workshop.id)
    snap(page, "matrix-40")

    keys = page.eval_on_selector_all(".matrix-key", "els => els.filter(e => e.offsetParent !== null).length")
    points = page.eval_on_selector_all(".matrix-point", "els => els.filter(e => getComputedStyle(e).display !== 'none').length")
    assert keys >= 20 and points == keys  # a point on the matrix for each entry in the legend
    # No disc covers another, even where 20 voters' means coincide.
    discs = page.eval_on_selector_all(
        ".matrix-point", """els => els.filter(e => getComputedStyle(e).display !== 'none').map(e => {
            const r = e.querySelector('circle[r="18"]').getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2, r.width]; })""")
    closest = min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 / a[2]
                  for n, a in enumerate(discs) for b in discs[n + 1:])
    assert closest >= 0.97, closest  # in diameters
    look(page, "matrix-40")
    context.close()


def test_hats_columns_list_the_newest_comments_first(browser, server, server_app):
    from workshop.extensions import db
    from workshop.hats import logic as hats_logic
    from workshop.hats.models import HatComment

    workshop, people = new_workshop(phones=24)
    hats = hats_logic.create(workshop, ["Le jumelage étudiant·e–employeur"], [], "balanced")
    open_(workshop, hats.activity)
    texts = idea_texts(40)
    notes = []
    for i, hat in enumerate(["white"] * 18 + ["red", "black", "yellow", "green", "blue"] * 3):
        notes.append(HatComment(subject_id=hats.current_subject_id, participant_id=people[i % 24].id, hat=hat,
                                text=texts[i][:200], submission_key=f"h{i}"))
    long_word = notes[-2]  # the newest green comment: one word wider than a sixth of the screen
    long_word.text = "Une colocation intergénérationnelle"
    db.session.add_all(notes)
    db.session.commit()
    context, page = projector_page(browser, server, workshop.id)
    snap(page, "hats-18")
    # That card is marked to hyphenate its word (where the browser can), the others wrap whole.
    expect(page.locator(f"#hat-comment-{long_word.id}")).to_have_class(re.compile(r"\blong-word\b"))
    marked = page.locator(".hat-comment.long-word").all_inner_texts()
    assert all(max(len(word) for word in text.split()) >= 14 for text in marked)  # only cards with a long word
    assert page.locator(".hat-comment:not(.long-word)").count() >= 10

    white = shown_ids(page, "#hat-col-white > .hat-comment")
    whites = [n for n in notes if n.hat == "white"]
    assert white[0] == f"hat-comment-{whites[-1].id}"
    if len(white) < 18:
        assert more_number(page, "hat-col-white") == 18 - len(white)
    look(page, "hats-18")

    # A comment sent from a phone arrives first in its hat's column.
    phone_context, phone = join_phone(browser, server, workshop.join_code)
    phone.locator(".hat-card").wait_for(timeout=10000)
    hat = phone.locator("input[name=hat]").get_attribute("value")
    phone.fill("#hat-text", "Un commentaire qui vient d'arriver")
    phone.click("#my-hat button.primary")
    expect(page.locator(f"#hat-col-{hat} > .hat-comment").first).to_have_text("Un commentaire qui vient d'arriver",
                                                                              timeout=10000)
    page.wait_for_timeout(300)
    assert untold_hidden(page) == [] and clipped_items(page) == []
    snap(page, "hats-after-push")
    phone_context.close()
    context.close()


def test_three_cells_all_show(browser, server, server_app):
    from workshop.cells import logic as cells_logic
    from workshop.extensions import db
    from workshop.voting.models import Project

    workshop, people = new_workshop(phones=60)
    for title in ["Jumelage étudiant·e–employeur", "Guichet unique d'accueil en région",
                  "Francisation en milieu de travail"]:
        db.session.add(Project(workshop_id=workshop.id, title=title, status="priority"))
    db.session.commit()
    signup = cells_logic.create(workshop, "first_come", None, show_nicknames=True)
    open_(workshop, signup.activity)
    for i, person in enumerate(people):
        cells_logic.join(signup, person, signup.cells[i % 3].id)
    context, page = projector_page(browser, server, workshop.id)

    assert len(shown_ids(page, ".cell")) == 3
    look(page, "cells-3")
    # Three cells share the screen: drawn large enough for the back of the room.
    expect(page.locator("#cells-list")).to_have_class(re.compile(r"\bcells-few\b"))
    assert page.eval_on_selector(".cell-title", "e => parseFloat(getComputedStyle(e).fontSize)") >= 40
    context.close()
