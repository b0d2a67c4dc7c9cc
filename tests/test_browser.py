"""Real journeys in headless Chromium (Debian's package) against a real gevent
server: a facilitator, a projector and phones, with websockets."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests import browsing
from tests.browsing import PHONE, PROJECTOR, run_in_server, signed_in
from tests.conftest import ccc_proposals
from tests.live_server import FACILITATOR_PASSWORD, create_account
from tests.projector_checks import told_per_theme

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")  # set to keep screenshots of each screen
XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>'


def shot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def sign_in_and_create_workshop(browser, server, groups_kept=3):
    context, control = signed_in(browser, server.url, viewport={"width": 1440, "height": 900})
    control.click("text=Nouvel atelier")
    control.fill("input[name=title]", "Laboratoire vivant — insertion socioprofessionnelle")
    control.fill("textarea[name=prompts]", "Comment mieux accueillir les étudiant·e·s internationaux·ales dans l'emploi en région ?")
    shot(control, "01-new-workshop")
    control.click("button.primary")
    control.wait_for_url("**/control")
    control.wait_for_selector("body[data-live=connected]")
    code = control.inner_text(".code").strip()
    projector = context.new_page()
    projector.set_viewport_size(PROJECTOR)
    projector.goto(control.url.replace("/control", "/projector"))
    projector.wait_for_selector("body[data-live=connected]")
    return context, control, projector, code


def join_by_code(browser, server, code, nickname, group_label):
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    browsing.join_by_code(phone, server.url, code, nickname, group_label)
    phone.wait_for_selector("body[data-live=connected]")
    # Nothing wider than the phone: a wider page makes the browser zoom out.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    return context, phone


def new_activity_form(control, summary):
    """Unfolds one of the control view's forms to add an activity."""
    control.click(".add-activity > summary")  # the three forms wait behind one disclosure
    control.click(summary)


def open_in_agenda(control, named):
    """Opens the agenda's activity named so."""
    control.locator("#agenda .agenda-item", has_text=named).locator("button:has-text('Ouvrir')").click()


def send_idea(phone, text):
    phone.fill("#idea-text", text)
    phone.click("#idea-form button")


def test_a_live_session_from_phones_to_projector(browser, server):
    context, control, projector, code = sign_in_and_create_workshop(browser, server)
    shot(projector, "02-projector-waiting")
    # The widest code the alphabet allows stays on one line of the join panel (read from the back).
    one_line = projector.eval_on_selector(".join-code", """code => {
        const shown = code.textContent; code.textContent = 'WMWMWM';
        const box = code.getBoundingClientRect(), style = getComputedStyle(code);
        const fits = box.height < 1.6 * parseFloat(style.fontSize) && code.scrollWidth <= code.clientWidth;
        code.textContent = shown; return fits; }""")
    assert one_line
    phones = [
        join_by_code(browser, server, code, "Amina", "Étudiant·e international·e"),
        join_by_code(browser, server, code, "Marc", "Employeur / entreprise"),
        join_by_code(browser, server, code, "", "Recherche"),  # anonymous
    ]
    projector.wait_for_selector(".participant-count .count-number:text('3')")
    shot(phones[0][1], "03-phone-waiting")

    control.click("#agenda button:has-text('Ouvrir')")
    for _, phone in phones:
        phone.wait_for_selector("#idea-form", timeout=15000)  # switched live, no reload

    # A 5-minute timer: the server holds the end, every screen counts to it.
    control.click(".timer-controls button:has-text('5 min')")
    countdowns = []
    for page in (projector, phones[0][1]):
        expect(page.locator("#timer")).to_have_text(re.compile(r"^[45]:\d\d$"), timeout=15000)
        countdowns.append(page.inner_text("#timer"))
    seconds = [int(m) * 60 + int(s) for m, s in (c.split(":") for c in countdowns)]
    assert abs(seconds[0] - seconds[1]) <= 1

    # An idea of only spaces passes the browser's check: the server's message shows.
    send_idea(phones[0][1], "   ")
    expect(phones[0][1].locator("#form-message")).to_contain_text("vide", timeout=15000)

    ideas = ["Jumelage étudiant·e–employeur dès la première session",
             "Une foire de l'emploi bilingue à Saguenay", XSS]
    for (_, phone), text in zip(phones, ideas):
        send_idea(phone, text)
    for text in ideas[:2]:
        projector.locator(".wall .idea", has_text=text).wait_for(timeout=15000)
    expect(projector.locator(".wall .idea")).to_have_count(3)
    phones[0][1].locator("#my-ideas-list li", has_text=ideas[0]).wait_for()
    shot(phones[0][1], "04-phone-sending")
    shot(projector, "05-projector-wall")
    shot(control, "06-control-moderation")

    # Shown as text, never run, on every screen.
    for page in [projector, control] + [phone for _, phone in phones]:
        assert page.evaluate("window.__pwned") is None
    assert projector.locator(".wall .idea-text", has_text="onerror").count() == 1

    # Hidden on the control view: gone from the projector, kept on control.
    card = control.locator(".idea", has_text="foire de l'emploi")
    card.locator("button:has-text('Masquer')").click()
    projector.locator(".wall .idea", has_text="foire de l").wait_for(state="detached", timeout=15000)
    control.locator(".idea.is-hidden", has_text="foire de l").wait_for()

    # Closing switches every phone live; a send from a stale form is refused clearly.
    control.click("#agenda button:has-text('Fermer')")
    for _, phone in phones:
        phone.wait_for_selector(".notice:has-text('fermée')", timeout=15000)
    shot(phones[1][1], "07-phone-closed")
    assert projector.locator(".wall .idea").count() == 2
    for phone_context, _ in phones:
        phone_context.close()
    context.close()


def test_nothing_is_lost_through_a_dropped_connection_and_a_server_restart(browser, server):
    context, control, projector, code = sign_in_and_create_workshop(browser, server)
    phone_context, phone = join_by_code(browser, server, code, "Léa", "Recherche")
    control.click("#agenda button:has-text('Ouvrir')")
    phone.wait_for_selector("#idea-form")

    # The phone loses the network mid-send: the idea is kept and sent once when back.
    phone_context.set_offline(True)
    send_idea(phone, "Envoyée hors ligne")
    phone.wait_for_selector("#form-message:has-text('Pas de connexion')", timeout=15000)
    phone_context.set_offline(False)
    projector.wait_for_selector(".wall .idea:has-text('Envoyée hors ligne')", timeout=15000)
    phone.wait_for_selector("#my-ideas-list li:has-text('Envoyée hors ligne')", timeout=15000)

    # The server restarts (a crash): screens reconnect and carry on from the database.
    server.kill()
    phone.wait_for_selector("body[data-live=offline]", timeout=10000)
    server.start()
    for page in (phone, projector, control):
        page.wait_for_selector("body[data-live=connected]", timeout=20000)
    send_idea(phone, "Après le redémarrage")
    projector.wait_for_selector(".wall .idea:has-text('Après le redémarrage')", timeout=10000)
    phone.reload()
    # Same identity after a reload: both ideas are still "mine".
    expect(phone.locator("#my-ideas-list li")).to_have_count(2)
    assert projector.locator(".wall .idea:has-text('Envoyée hors ligne')").count() == 1
    phone_context.close()
    context.close()


def on_workshop(server, code, imports, body, lines):
    """Runs body against the server's database, in the app's context, with
    `workshop` (the one of this join code) and `lines` on its input."""
    script = (
        "import sys\n"
        "from workshop import create_app\n"
        "from workshop.extensions import db\n"
        f"{imports}"
        "from workshop.workshops.logic import find_by_code\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    workshop = find_by_code({code!r})\n"
        f"{body}"
    )
    run_in_server(server, script, "\n".join(lines))


def seed_ideas(server, code, texts):
    """Ideas typed in by many phones, written straight to the server's database."""
    on_workshop(server, code, "from workshop.ideas.logic import submit_idea\n"
                              "from workshop.participants.models import Participant\n",
                "    for n, text in enumerate(sys.stdin.read().split('\\n')):\n"
                "        group = workshop.groups[n % len(workshop.groups)]\n"
                "        author = Participant(workshop_id=workshop.id, group_id=group.id)\n"
                "        db.session.add(author)\n"
                "        db.session.commit()\n"
                "        submit_idea(author, workshop.current_activity, text, f'seed-{n:06d}')\n", texts)


def ccc_ideas(count):
    rows = ccc_proposals()
    return [row["text"][:200] for row in rows[::max(1, len(rows) // count)]][:count]


def test_grouping_ideas_into_themes_live(browser, server):
    context, control, projector, code = sign_in_and_create_workshop(browser, server)
    control.click("#agenda button:has-text('Ouvrir')")
    ideas = ccc_ideas(35)
    seed_ideas(server, code, ideas + [ideas[0].rstrip(".") + " !"])  # a near-duplicate of the first
    control.reload()
    control.wait_for_selector("body[data-live=connected]")
    expect(control.locator("#wall .idea")).to_have_count(36)

    # Four ideas ticked (two pairs of duplicates, say): merging them into one asks first.
    ticks = control.locator("#wall .idea-select input")
    for n in range(4):
        ticks.nth(n).check()
    asked = []
    control.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    control.click(".merge-bar button:has-text('Fusionner')")
    control.wait_for_timeout(500)
    assert asked and "Fusionner ces 4 idées" in asked[0]
    expect(control.locator("#wall .idea")).to_have_count(36)  # declined: nothing merged
    for n in range(4):
        ticks.nth(n).uncheck()

    control.fill("input[name=k]", "4")
    control.click("button:has-text('Regrouper les idées')")
    expect(projector.locator(".themes .theme")).to_have_count(4, timeout=20000)
    expect(control.locator(".themes .theme .theme-tools")).to_have_count(4)
    expect(control.locator(".themes .idea")).to_have_count(36)
    # The near-duplicate is offered for merging; the screenshot shows it before the merge.
    expect(control.locator(".duplicate-pair")).to_have_count(1)
    expect(control.locator(".duplicates summary")).to_contain_text("1 doublon possible")
    shot(control, "09b-control-duplicates")
    control.click(".duplicate-pair button")
    expect(control.locator(".duplicate-pair")).to_have_count(0, timeout=15000)
    expect(control.locator(".themes .idea:not(.is-hidden)")).to_have_count(35)
    # The projector keeps to an overview: each theme's most central ideas that fit, and how many more.
    expect(projector.locator(".themes .idea:visible").first).to_be_visible()
    projector.wait_for_timeout(300)  # the fitting runs on the frame after the swap
    shown = projector.locator(".themes .idea:visible").count()
    assert shown >= 4
    told = told_per_theme(projector)
    assert sum(count for _shown, _more, count in told) == 35  # after the merge
    # Each theme shows its ideas that fit, its count beside its name, and a
    # right "more" line where room is left for it (none when no idea is shown).
    assert all(shown + more == count for shown, more, count in told if more), told
    assert all(more == 0 for shown, more, _count in told if shown == 0), told
    shot(projector, "08-projector-themes")

    # Renaming on the control view shows on the projector at once.
    first = control.locator(".themes .theme").first
    first.locator("summary").click()
    first.locator("input[name=label]").fill("Alimentation durable")
    first.locator("button:has-text('Renommer')").click()
    expect(projector.locator(".theme-label").first).to_contain_text("Alimentation durable")

    # Moving an idea with the card's menu (the touch-screen way).
    card = control.locator(".themes .theme").nth(1).locator(".idea").first
    idea_id = card.get_attribute("id")
    card.locator(".move-select").select_option(label="Alimentation durable")
    card.locator(".move-button").click()  # choosing alone moves nothing
    expect(control.locator(".themes .theme").first.locator(f"#{idea_id}")).to_have_count(1, timeout=15000)
    first_count = control.locator(".themes .theme").first.locator(".idea").count()
    expect(projector.locator(".theme-count").first).to_contain_text(str(first_count))
    shot(control, "09-control-themes")
    context.close()


def test_four_phones_vote_with_dots_and_the_facilitator_retains_priorities(browser, server):
    context, control, projector, code = sign_in_and_create_workshop(browser, server)
    control.click("#agenda button:has-text('Ouvrir')")
    seed_ideas(server, code, ["Jumelage étudiant·e–employeur", "Logement à l'arrivée", "Cours de français au travail",
                              "Foire de l'emploi bilingue"])
    groups = ["Étudiant·e international·e", "Employeur / entreprise", "Étudiant·e international·e", "Recherche"]
    phones = [join_by_code(browser, server, code, f"P{n}", group) for n, group in enumerate(groups)]

    control.click("#agenda button:has-text('Fermer')")
    new_activity_form(control, ".new-round summary")
    control.fill(".new-round input[name=dots]", "3")
    control.fill(".new-round input[name=max_per_item]", "2")
    control.click(".new-round button.primary")
    open_in_agenda(control, "Quels projets")

    # Each phone spends its 3 dots; students favour the first idea, others the second.
    plans = [[0, 0, 2], [1, 1, 3], [0, 0, 1], [1, 2, 3]]
    for (_, phone), plan in zip(phones, plans):
        phone.locator(".ballot-item").first.wait_for(timeout=15000)
        for item in plan:
            phone.locator(".ballot-item").nth(item).locator("button[aria-label='Ajouter une gommette']").click()
            phone.wait_for_timeout(150)  # one tap at a time, as a thumb does
        expect(phone.locator(".budget")).to_contain_text("0 gommette restante")
    shot(phones[0][1], "10-phone-dots")
    expect(projector.locator(".results-summary")).to_contain_text("4 bulletins", timeout=15000)
    assert projector.locator("meter").count() == 0  # hidden while the vote is open

    control.locator("#agenda .agenda-item", has_text="Quels projets").locator("button:has-text('Fermer')").click()
    expect(projector.locator(".result")).to_have_count(4, timeout=15000)
    expect(projector.locator(".result").first).to_contain_text("Jumelage")
    shot(projector, "11-projector-results")
    table = control.locator(".by-group")
    expect(table).to_contain_text("Employeur / entreprise")
    headers = [h.split("\n")[0].strip() for h in table.locator("thead th").all_inner_texts()]
    students = headers.index("Étudiant·e international·e") - 1  # the first header names the items
    assert "2 bulletins" in table.locator("thead th").nth(students + 1).inner_text()
    first_row = table.locator("tbody tr").first
    cell = first_row.locator("td").all_inner_texts()[students].split()
    assert cell[:3] == ["4", "2", "votant·e·s"]  # both students' 2 dots each on it, and how many of them voted

    # Retaining two priorities marks the two others as candidate orphan projects.
    control.locator(".retain label", has_text="Jumelage").locator("input").check()
    control.locator(".retain label", has_text="Logement").locator("input").check()
    control.click("button:has-text('Retenir les projets cochés')")
    expect(projector.locator(".result.is-priority")).to_have_count(2, timeout=15000)
    import sqlite3

    database = sqlite3.connect(server.env["DATABASE_URL"].replace("sqlite:///", ""))
    statuses = sorted(row[0] for row in database.execute("SELECT status FROM projects"))
    assert statuses == ["orphan_candidate", "orphan_candidate", "priority", "priority"]
    shot(control, "12-control-results")
    for phone_context, _ in phones:
        phone_context.close()
    context.close()


def test_six_phones_wear_six_hats_and_rotation_changes_them_live(browser, server):
    context, control, projector, code = sign_in_and_create_workshop(browser, server)
    groups = ["Étudiant·e international·e", "Employeur / entreprise", "Recherche"] * 2
    phones = [join_by_code(browser, server, code, f"H{n}", group) for n, group in enumerate(groups)]
    new_activity_form(control, ".new-round summary >> text=Ajouter une activité des six chapeaux")
    control.fill("textarea[name=subjects]", "Un programme de jumelage étudiant·e–employeur")
    control.select_option("select[name=mode]", "rotation")
    control.click("button:has-text('Ajouter à l')")
    open_in_agenda(control, "jumelage")

    def hats_worn():
        worn = []
        for _, phone in phones:
            phone.locator(".hat-card").wait_for(timeout=10000)
            worn.append(phone.locator("input[name=hat]").get_attribute("value"))
        return worn

    first = hats_worn()
    assert sorted(first) == ["black", "blue", "green", "red", "white", "yellow"]
    shot(phones[0][1], "13-phone-hat")

    # Each phone comments; the comment lands in its hat's column on the projector.
    for (_, phone), hat in zip(phones, first):
        phone.fill("#hat-text", f"Sous le chapeau {hat}")
        phone.click("#my-hat button.primary")
    for hat in first:
        expect(projector.locator(f"#hat-col-{hat} .hat-comment")).to_have_text(f"Sous le chapeau {hat}", timeout=15000)
    shot(projector, "14-projector-hats")

    # A new round: every phone changes hat, live, to one it has not worn.
    control.click("button:has-text('Nouveau tour')")
    for (_, phone), old in zip(phones, first):
        expect(phone.locator("input[name=hat]")).not_to_have_value(old, timeout=10000)
    second = hats_worn()
    assert sorted(second) == sorted(first) and all(a != b for a, b in zip(first, second))
    for phone_context, _ in phones:
        phone_context.close()
    context.close()


def seed_priorities(server, code, titles):
    """Priorities retained earlier in the session, written to the server's database."""
    on_workshop(server, code, "from workshop.voting.models import Project\n",
                "    for title in sys.stdin.read().split('\\n'):\n"
                "        db.session.add(Project(workshop_id=workshop.id, title=title, status='priority'))\n"
                "    db.session.commit()\n", titles)


def test_six_phones_rank_three_cells_of_two(browser, server):
    context, control, projector, code = sign_in_and_create_workshop(browser, server)
    titles = ["Jumelage étudiant·e–employeur", "Accueil et logement", "Français au travail"]
    seed_priorities(server, code, titles)
    groups = ["Étudiant·e international·e", "Employeur / entreprise", "Recherche"] * 2
    phones = [join_by_code(browser, server, code, f"K{n}", group) for n, group in enumerate(groups)]
    control.reload()
    control.wait_for_selector("body[data-live=connected]")
    new_activity_form(control, ".new-round summary >> text=Ajouter l'inscription aux cellules")
    control.select_option(".new-round select[name=mode] >> nth=-1", "ranked")
    control.fill("input[name=capacity]", "2")
    control.click("#new-cells-form button:has-text('Ajouter à l')")
    open_in_agenda(control, "Cellules")

    # First choices: three want the first cell, two the second, one the third.
    first_choice = [0, 0, 0, 1, 1, 2]
    for (_, phone), first in zip(phones, first_choice):
        phone.locator("#my-cell select[name=place1]").wait_for(timeout=10000)
        order = [first] + [i for i in range(3) if i != first]
        for place, index in enumerate(order, start=1):
            phone.select_option(f"#my-cell select[name=place{place}]", label=titles[index])
        phone.click("#my-cell button.primary")
        expect(phone.locator("#my-cell")).to_contain_text("préférences sont enregistrées", timeout=15000)
    shot(phones[0][1], "15-phone-cells")

    control.click("button:has-text('Répartir dans les cellules')")
    expect(projector.locator(".cell .cell-count")).to_contain_text(["2 places prises sur 2"] * 3, timeout=15000)
    shot(projector, "16-projector-cells")
    # The facilitator sees how the assignment went, in words.
    expect(control.locator(".cells-outcome")).to_contain_text("6 personnes placées")
    expect(control.locator(".cells-outcome")).to_contain_text("Toutes les personnes qui ont classé les cellules ont une place.")
    shot(control, "16b-control-cells")
    placed_first = 0
    for (_, phone), first in zip(phones, first_choice):
        phone.reload()
        expect(phone.locator("#my-cell .notice")).to_contain_text("Vous êtes dans la cellule", timeout=15000)
        placed_first += titles[first] in phone.inner_text("#my-cell .notice")
    assert placed_first == 5  # the third cell needed one person who preferred another

    control.locator(".cell", has_text=titles[0]).locator("a:has-text('Page de la cellule')").click()
    expect(control.locator("h1")).to_contain_text(titles[0])
    expect(control.locator("section.card").first.locator("li")).to_have_count(2)
    for phone_context, _ in phones:
        phone_context.close()
    context.close()


def test_an_orphan_project_is_offered_and_adopted(browser, server):
    create_account(server.env, "coordination@example.org", FACILITATOR_PASSWORD, role="coordinator")
    context, control, _projector, code = sign_in_and_create_workshop(browser, server)
    seed_priorities(server, code, ["Jumelage étudiant·e–employeur"])
    run_in_server(server,
                  "from workshop import create_app\nfrom workshop.extensions import db\n"
                  "from workshop.voting.models import Project\napp = create_app()\n"
                  "with app.app_context():\n"
                  "    p = db.session.query(Project).one(); p.status = 'orphan_candidate'\n"
                  "    p.description = 'Une foire de l emploi bilingue pour les étudiant·e·s internationaux·ales.'\n"
                  "    db.session.commit()\n"
                  "    from workshop.orphans.logic import publish\n"
                  "    publish(p, True, 'coordination@example.org')\n")
    context.close()

    coordination, page = signed_in(browser, server.url, "coordination@example.org", FACILITATOR_PASSWORD,
                                   viewport={"width": 1440, "height": 900})
    page.goto(f"{server.url}/orphans/organisations")
    for name, kind, interests in [("Carrefour jeunesse-emploi", "community", "emploi, foire, étudiants"),
                                  ("Chambre de commerce", "business", "recrutement, employeurs")]:
        page.fill("form.stack input[name=name]", name)
        page.select_option("form.stack select[name=kind]", kind)
        page.fill("form.stack textarea[name=interests]", interests)
        page.click("form.stack button.primary")
    page.goto(f"{server.url}/orphans")
    page.click("text=Jumelage étudiant·e–employeur")
    for name in ("Carrefour jeunesse-emploi", "Chambre de commerce"):
        page.fill("#picker-organisation input[type=search]", name)  # the picker narrows to the one named
        # The picker asks the server after a pause in typing: allow for a busy machine.
        expect(page.locator("#choices-organisation li")).to_have_count(1, timeout=15000)
        page.locator("#choices-organisation input[type=radio]").check()
        page.click("button:has-text('Offrir')")
    expect(page.locator("article.adoption")).to_have_count(2)
    project_url = page.url

    partner = browser.new_context(**PHONE).new_page()
    partner.goto(f"{server.url}/catalogue")
    partner.click("summary:has-text('Nous sommes intéressés')")
    partner.fill("input[name=organisation]", "Chambre de commerce")
    partner.fill("input[name=contact]", "Alex Tremblay")
    partner.fill("input[name=email]", "alex@example.org")
    partner.fill("textarea[name=message]", "Nous pouvons accueillir la foire.")
    partner.click("form button.primary")
    expect(partner.locator(".notice")).to_contain_text("Merci")

    page.goto(f"{server.url}/orphans")
    figures = page.locator(".figure-value")
    before = figures.all_inner_texts()
    page.click("button:has-text('Confirmer')")
    page.goto(project_url)
    chamber = page.locator("article.adoption", has_text="Chambre de commerce")
    expect(chamber.locator(".badge")).to_have_text("intéressé")
    chamber.locator("summary:has-text('Changer l')").click()
    chamber.locator("select[name=stage]").select_option("adopted")
    chamber.locator("button:has-text('Enregistrer le changement')").click()
    # Another offer is still open: adopting asks what happens to it, never declines it silently.
    choice = page.locator("form.adopt-choice")
    choice.locator("input[value=decline]").check()
    choice.locator("input[name=note]").fill("La Chambre porte la foire seule.")
    choice.locator("button.primary").click()
    expect(page.locator("article.adoption", has_text="Carrefour").locator(".badge")).to_have_text("décliné")
    page.goto(f"{server.url}/orphans")
    after = page.locator(".figure-value").all_inner_texts()
    assert (before[1], before[2]) == ("0", "0") and (after[1], after[2]) == ("1", "1")  # with interest, adopted
    shot(page, "17-orphans-dashboard")

    # On a desktop, a card is dragged to the next stage.
    card = page.locator(".board-column[data-stage=adopted] .board-card")
    card.drag_to(page.locator(".board-column[data-stage=in_progress]"))
    expect(page.locator(".board-column[data-stage=in_progress] .board-card")).to_have_count(1, timeout=15000)
    coordination.close()
