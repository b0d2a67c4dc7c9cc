"""A phone never loses anything, in headless Chromium against a real gevent
server: its timer after a drop, the text being typed when the question goes
away, an idea refused after a drop, and leaving (two steps, and coming back as
the same person). The workshop is real size: 40 participants, three questions
and a six-hats activity; the facilitator acts over HTTP, as its buttons do."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browsing import PHONE, ControlSession, join_at, live
from tests.live_server import FACILITATOR_EMAIL

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 640}
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")  # set to keep screenshots of each screen
OTHERS = 39  # participants joined from other phones; with the browser phone, 40

PROMPTS = ["Comment mieux accueillir les étudiant·e·s internationaux·ales en région ?",
           "Quels obstacles à l'emploi voyez-vous ?",
           "Qui devrait porter ces projets ?"]
SUBJECTS = ["Un programme de jumelage étudiant·e–employeur", "Une foire de l'emploi bilingue"]

SETUP = """
import json, sys
from workshop import create_app
from workshop.extensions import db
from workshop.accounts.models import User
from workshop.hats.logic import create as create_hats
from workshop.participants.models import Participant
from workshop.workshops.logic import create_workshop
setup = json.loads(sys.stdin.read())
app = create_app()
with app.app_context():
    owner = db.session.query(User).filter_by(email=setup["email"]).one()
    workshop = create_workshop(owner, "Laboratoire vivant", "fr",
                               ["Étudiant·e international·e", "Employeur / entreprise", "Recherche"], setup["prompts"])
    create_hats(workshop, setup["subjects"], [], "balanced")
    for n in range(setup["others"]):
        db.session.add(Participant(workshop_id=workshop.id, nickname=f"P{n}",
                                   group_id=workshop.groups[n % 3].id))
    db.session.commit()
    db.session.refresh(workshop)
    hats = [a for a in workshop.activities if a.kind == "hats"][0].hats
    print(json.dumps({"id": workshop.id, "code": workshop.join_code,
                      "questions": [a.id for a in workshop.activities if a.kind == "ideas"],
                      "hats_activity": hats.activity_id, "hats": hats.id,
                      "subjects": [s.id for s in hats.subjects]}))
"""


def shot(page, name, element=None):
    """The phone at 390×844 and 360×640, scrolled to what the screen is about:
    nothing wider than the phone at either size (a wider page zooms out), and
    a screenshot of each when SCREENSHOT_DIR is set."""
    for size in (PHONE["viewport"], SMALL_PHONE):
        page.set_viewport_size(size)
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], (name, size)
        if element is not None:
            page.locator(element).first.scroll_into_view_if_needed()
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{size['width']}x{size['height']}.png"))
    page.set_viewport_size(PHONE["viewport"])


class Facilitator(ControlSession):
    """The facilitator's browser session on a real-size workshop, with its projector."""

    def __init__(self, browser, server):
        super().__init__(browser, server, SETUP, {"email": FACILITATOR_EMAIL, "prompts": PROMPTS,
                                                  "subjects": SUBJECTS, "others": OTHERS},
                         viewport={"width": 1366, "height": 768})
        self.projector = self.context.new_page()
        self.projector.set_viewport_size({"width": 1920, "height": 1080})
        live(self.projector, f"{server.url}/w/{self.workshop['id']}/projector")

    def count(self):
        return self.projector.locator("#participant-count .count-number")


def join(browser, server, code, nickname, context=None):
    context = context or browser.new_context(**PHONE)
    phone = context.pages[0] if context.pages else context.new_page()
    join_at(phone, server.url, code, nickname, "Recherche")
    phone.wait_for_selector("body[data-live=connected]")
    return context, phone


def facilitator_and_phone(browser, server, nickname):
    """The facilitator's session and a phone joined as nickname: (facilitator, workshop, context, phone)."""
    facilitator = Facilitator(browser, server)
    context, phone = join(browser, server, facilitator.workshop["code"], nickname)
    return facilitator, facilitator.workshop, context, phone


def offline(context, phone):
    context.set_offline(True)
    phone.wait_for_selector("body[data-live=offline]", timeout=10000)


def back_online(context, phone):
    context.set_offline(False)
    phone.wait_for_selector("body[data-live=connected]", timeout=20000)


def test_a_phone_back_online_shows_the_timer_as_the_server_holds_it(browser, server):
    facilitator = Facilitator(browser, server)
    code = facilitator.workshop["code"]
    context, phone = join(browser, server, code, "Léa")
    expect(facilitator.count()).to_have_text("40")
    facilitator.open(facilitator.workshop["questions"][0])
    facilitator.post("/timer", minutes="5")
    expect(phone.locator("#timer")).to_have_text(re.compile(r"^[45]:\d\d$"), timeout=15000)

    # Away while the timer is stopped: back, no countdown left on the phone.
    offline(context, phone)
    facilitator.post("/timer")
    expect(facilitator.projector.locator("#timer")).to_be_hidden(timeout=15000)
    phone.wait_for_timeout(1500)
    expect(phone.locator("#timer")).to_be_visible()  # still counting: it missed the stop
    back_online(context, phone)
    expect(phone.locator("#timer")).to_be_hidden(timeout=15000)

    # Away while a timer starts: back, it counts down with everyone.
    offline(context, phone)
    facilitator.post("/timer", minutes="3")
    phone.wait_for_timeout(1500)
    expect(phone.locator("#timer")).to_be_hidden()
    back_online(context, phone)
    expect(phone.locator("#timer")).to_have_text(re.compile(r"^[23]:\d\d$"), timeout=15000)
    projector_left = facilitator.projector.inner_text("#timer")
    phone_left = phone.inner_text("#timer")
    seconds = [int(m) * 60 + int(s) for m, s in (t.split(":") for t in (projector_left, phone_left))]
    assert abs(seconds[0] - seconds[1]) <= 1
    context.close()
    facilitator.context.close()


def test_a_draft_survives_a_close_and_a_subject_change(browser, server):
    facilitator, workshop, context, phone = facilitator_and_phone(browser, server, "Amina")
    first, second, _third = workshop["questions"]
    facilitator.open(first)
    draft = "Un parrainage par des employeur·e·s de la région, dès l'arrivée"
    phone.fill("#idea-text", draft)
    # A drop and a reconnection re-render the panel from the server: the text comes back in its box.
    offline(context, phone)
    back_online(context, phone)
    expect(phone.locator("#idea-text")).to_have_value(draft)
    expect(phone.locator("#kept-drafts .kept-draft")).to_have_count(0)

    # The question closes while the text is being typed: it is kept, with a way to copy it.
    facilitator.close(first)
    kept = phone.locator("#kept-drafts .kept-draft")
    expect(kept).to_have_count(1, timeout=15000)
    expect(kept.locator(".kept-draft-text")).to_have_text(draft)
    expect(kept.locator("[data-kept=copy]")).to_be_visible()
    expect(kept.locator("[data-kept=put]")).to_be_hidden()  # no question open
    shot(phone, "phone-kept-draft-closed", "#kept-drafts")
    phone.reload()  # kept on the phone, not in the page
    phone.wait_for_selector("body[data-live=connected]")
    expect(kept.locator(".kept-draft-text")).to_have_text(draft)

    # The next question opens: the kept text goes into its answer box, and is sent there.
    facilitator.open(second)
    expect(kept.locator("[data-kept=put]")).to_be_visible(timeout=15000)
    shot(phone, "phone-kept-draft-next-question", "#kept-drafts")
    kept.locator("[data-kept=put]").click()
    expect(kept).to_have_count(0)
    expect(phone.locator("#idea-text")).to_have_value(draft)
    phone.click("#idea-form button")
    phone.locator("#my-ideas-list li", has_text="parrainage").wait_for(timeout=15000)
    facilitator.projector.locator(".wall .idea", has_text="parrainage").wait_for(timeout=15000)
    assert phone.evaluate("localStorage.length") == 0  # nothing left over once sent

    # A half-written hats comment when the subject changes: kept, and offered to the new subject.
    facilitator.close(second)
    facilitator.open(workshop["hats_activity"])
    phone.locator("#hat-text").wait_for(timeout=10000)
    comment = "Qui trouve les employeur·e·s prêt·e·s à s'engager ?"
    phone.fill("#hat-text", comment)
    facilitator.post(f"/hats/{workshop['hats']}/subject", subject=str(workshop["subjects"][1]))
    expect(phone.locator(".phone-prompt")).to_contain_text("foire", timeout=15000)
    expect(kept.locator(".kept-draft-text")).to_have_text(comment, timeout=15000)
    expect(kept.locator("[data-kept=put]")).to_be_visible()
    expect(phone.locator("#hat-text")).to_have_value("")
    shot(phone, "phone-kept-comment-subject", "#kept-drafts")
    # Copy works on plain http too (no clipboard API there): the button says so.
    kept.locator("[data-kept=copy]").click()
    expect(kept.locator("[data-kept=copy]")).to_have_text("Copié.")
    kept.locator("[data-kept=dismiss]").click()
    expect(kept).to_have_count(0)
    context.close()
    facilitator.context.close()


def test_a_refused_offline_idea_stays_until_dismissed(browser, server):
    facilitator, workshop, context, phone = facilitator_and_phone(browser, server, "Marc")
    facilitator.open(workshop["questions"][0])
    phone.wait_for_selector("#idea-form")
    offline(context, phone)
    idea = "Un guichet unique pour les démarches d'immigration et d'emploi"
    phone.fill("#idea-text", idea)
    phone.click("#idea-form button")
    phone.wait_for_selector("#form-message:has-text('Pas de connexion')", timeout=15000)
    facilitator.close(workshop["questions"][0])  # while the phone is away

    back_online(context, phone)
    refused = phone.locator("#kept-drafts .kept-draft")
    expect(refused).to_have_count(1, timeout=10000)
    expect(refused.locator(".kept-draft-text")).to_have_text(idea)
    expect(refused).to_contain_text("fermée")  # the server's reason, or the phone's
    phone.wait_for_timeout(6000)  # it used to vanish after 2 to 5 s
    expect(refused.locator(".kept-draft-text")).to_have_text(idea)
    shot(phone, "phone-refused-offline-idea", "#kept-drafts")
    facilitator.projector.wait_for_timeout(200)
    assert facilitator.projector.locator(".wall .idea", has_text="guichet unique").count() == 0
    refused.locator("[data-kept=dismiss]").click()
    expect(refused).to_have_count(0)
    phone.reload()
    phone.wait_for_selector("body[data-live=connected]")
    phone.wait_for_timeout(500)
    expect(refused).to_have_count(0)
    context.close()
    facilitator.context.close()


def test_a_long_idea_says_how_many_characters_are_left(browser, server):
    """A pasted paragraph stops at 500 characters: the phone says so from 100 left, not after."""
    facilitator, workshop, context, phone = facilitator_and_phone(browser, server, "Aïcha")
    facilitator.open(workshop["questions"][0])
    phone.wait_for_selector("#idea-form")
    left = phone.locator("#idea-text-left")
    phone.fill("#idea-text", "Un guichet unique pour les démarches")
    expect(left).to_be_hidden()
    phone.fill("#idea-text", ("Un guichet unique pour les démarches d'immigration et d'emploi, " * 8)[:450])
    expect(left).to_be_visible()
    expect(left).to_have_text("50 caractères restants")
    shot(phone, "phone-idea-characters-left", "#idea-form")
    phone.click("#idea-form button")
    expect(phone.locator("#my-ideas .my-idea")).to_have_count(1, timeout=10000)
    expect(left).to_be_hidden()  # the field is empty again

    # A paragraph of 2,000 characters pasted: the browser keeps 500 and says nothing; the phone does.
    paragraph = ("Un accompagnement complet dès l'arrivée, du logement au premier emploi. " * 30)[:2000]
    phone.focus("#idea-text")
    phone.evaluate("""text => {
        const field = document.getElementById('idea-text');
        const data = new DataTransfer();
        data.setData('text/plain', text);
        if (field.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true})))
            field.value = text.slice(0, field.maxLength);  // what the browser's own paste keeps
    }""", paragraph)
    expect(left).to_have_text("Le texte collé était trop long : 1500 caractères de la fin n'ont pas été gardés.")
    context.close()


def test_leaving_asks_first_and_the_same_phone_comes_back_as_itself(browser, server):
    facilitator, workshop, context, phone = facilitator_and_phone(browser, server, "Sofia")
    expect(facilitator.count()).to_have_text("40")
    facilitator.open(workshop["questions"][0])
    phone.fill("#idea-text", "Des stages courts dans les PME")
    phone.click("#idea-form button")
    phone.locator("#my-ideas-list li", has_text="stages courts").wait_for(timeout=15000)

    # The button sits at the page end, below a separator, far from the activity.
    leave = phone.locator("details.leave")
    panel_bottom = phone.eval_on_selector("#activity-panel", "e => e.getBoundingClientRect().bottom")
    leave_top = phone.eval_on_selector("details.leave", "e => e.getBoundingClientRect().top")
    assert leave_top - panel_bottom >= 48
    leave.locator("summary").click()
    confirm = leave.locator(".leave-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Quitter cet atelier ?")
    assert phone.url.endswith("/phone")
    expect(facilitator.count()).to_have_text("40")
    shot(phone, "phone-leave-confirmation", "details.leave")
    confirm.locator("a:has-text('Rester')").click()
    expect(confirm).to_be_hidden()
    assert phone.url.endswith("/phone")

    leave.locator("summary").click()
    confirm.locator("button:has-text('Oui, quitter')").click()
    phone.wait_for_url(re.compile(r"/j/\w+\?left=1$"))
    expect(facilitator.count()).to_have_text("39", timeout=15000)

    # Joining again from the same phone: the same person, their idea still "mine".
    join(browser, server, workshop["code"], "Sofia B.", context=context)
    expect(phone.locator(".who")).to_contain_text("Sofia B.")
    expect(phone.locator("#my-ideas-list li", has_text="stages courts")).to_have_count(1, timeout=15000)
    expect(facilitator.count()).to_have_text("40", timeout=15000)
    context.close()
    facilitator.context.close()
