"""Hostile text in every field, rendered on every screen of a real browser:
shown as text, never run. A payload that runs sets window.__pwned or opens a
dialog; both are watched on every page."""

from __future__ import annotations

import json

import pytest

from tests.browsing import PHONE, PROJECTOR, run_in_server, sign_in
from tests.live_server import FACILITATOR_EMAIL

pytestmark = pytest.mark.browser

PAYLOADS = [
    '<script>window.__pwned=1</script>',
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    '"><svg onload="window.__pwned=1">',
    "'><iframe src=javascript:window.top.__pwned=1>",
    '</textarea><script>window.__pwned=1</script>',
    '{{7*7}}<b onmouseover="window.__pwned=1">x</b>',
]

SEED = r'''
import json, sys
from workshop import create_app
from workshop.accounts.logic import find_by_email
from workshop.cells import logic as cells
from workshop.extensions import db
from workshop.hats import logic as hats
from workshop.ideas.logic import submit_idea
from workshop.participants.logic import join
from workshop.themes import logic as themes
from workshop.voting import logic as voting
from workshop.workshops.logic import close_activity, create_workshop, open_activity
p = json.loads(sys.stdin.read())
app = create_app()
with app.app_context():
    owner = find_by_email(p["email"])
    w = create_workshop(owner, p["x"][0], "fr", p["x"], [p["x"][1]])
    ideas = w.activities[0]
    open_activity(w, ideas)
    people = [join(w, p["x"][n % len(p["x"])][:40], w.groups[n % len(w.groups)].id) for n in range(6)]
    for n, person in enumerate(people):
        submit_idea(person, ideas, p["x"][n % len(p["x"])], f"xss-{n:06d}")
    themes.split(ideas, themes.wall(ideas)[:3], p["x"][2])
    close_activity(w, ideas)
    projects = voting.candidates(w, "ideas")
    vote = voting.create_round(w, p["x"][3], "impact_feasibility", projects, top_k=2,
                               impact_label=p["x"][4][:40], feasibility_label=p["x"][5][:40], show_live=True)
    open_activity(w, vote.activity)
    voting.save_ballot(vote, people[0], lambda _b: {projects[0].id: (5, 4), projects[1].id: (2, 3)})
    voting.retain(w, [projects[0].id, projects[1].id])
    six = hats.create(w, [p["x"][0]], [projects[0].id], "balanced")
    open_activity(w, six.activity)
    hats.hand_out(six)
    for n, person in enumerate(people):
        hats.comment(six, person, hats.hat_of(six, person), p["x"][n % len(p["x"])], f"hat-{n:06d}")
    signup = cells.create(w, "first_come", None, show_nicknames=True)
    open_activity(w, signup.activity)
    cells.join(signup, people[0], signup.cells[0].id, True, p["x"][1][:120], "x@example.org")
    cells.add_log(signup.cells[0], p["x"][2], p["x"][3])
    # Weeks later: the coordinator's orphan projects, partners and their words.
    from workshop.accounts.logic import create_user
    from workshop.orphans import logic as orphans
    create_user("coordination@example.org", p["x"][4][:80], "a long enough password", role="coordinator")
    orphan = next(project for project in voting.workshop_projects(w) if project.status == "orphan_candidate")
    orphans.describe(orphan, p["x"][0], p["x"][1])
    orphans.publish(orphan, True, "coordination@example.org")  # the catalogue lists published projects only
    partner = orphans.save_organisation(None, {"name": p["x"][2], "kind": "community", "sector": p["x"][3],
                                               "territory": p["x"][4][:120], "mission": p["x"][5],
                                               "interests": " ".join(p["x"]), "contact_name": p["x"][0][:120]})
    adoption = orphans.offer(orphan, partner, "coordination@example.org", p["x"][1])
    orphans.move(adoption, "interested", p["x"][2], "coordination@example.org")
    orphans.express_interest(orphan, p["x"][3][:200], p["x"][4][:120], "x@example.org", p["x"][5])
    print(json.dumps({"workshop": w.id, "code": w.join_code, "cell": signup.cells[0].id,
                      "token": signup.cells[0].log_token, "orphan": orphan.id, "partner": partner.id,
                      "activities": [a.id for a in w.activities]}))
'''

OPEN = r'''
import sys
from workshop import create_app
from workshop.extensions import db
from workshop.workshops.models import Activity
from workshop.workshops.logic import open_activity
app = create_app()
with app.app_context():
    activity = db.session.get(Activity, int(sys.argv[1]))
    open_activity(activity.workshop, activity)
'''


def run(server, script, *args, stdin=""):
    return run_in_server(server, script, stdin, args)


def watched(context):
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


def assert_inert(page, where):
    page.wait_for_timeout(300)  # let any injected handler fire
    assert page.evaluate("window.__pwned") is None, where
    assert page.dialogs == [], where
    assert page.locator("iframe").count() == 0, where


def test_hostile_text_everywhere_stays_text(browser, server):
    seeded = json.loads(run(server, SEED, stdin=json.dumps({"email": FACILITATOR_EMAIL, "x": PAYLOADS})))
    facilitator = browser.new_context(viewport=PROJECTOR)
    control = watched(facilitator)
    sign_in(control, server.url)
    phone_context = browser.new_context(**PHONE)
    phone = watched(phone_context)
    phone.goto(f"{server.url}/j/{seeded['code']}")
    phone.check("input[name=group] >> nth=0")
    phone.click("button.primary")
    projector = watched(facilitator)
    base = f"{server.url}/w/{seeded['workshop']}"
    for activity in seeded["activities"]:
        run(server, OPEN, str(activity))
        for page, url in ((control, f"{base}/control"), (projector, f"{base}/projector"),
                          (phone, f"{server.url}/j/{seeded['code']}/phone")):
            page.goto(url)
            page.wait_for_selector("body[data-live=connected]")
            assert_inert(page, (activity, url))
        assert "<script>window.__pwned" in control.inner_text("body") or activity == seeded["activities"][-1]
    for url in (f"{base}/cell/{seeded['cell']}", f"{server.url}/c/{seeded['token']}", f"{base}/privacy", f"{server.url}/"):
        control.goto(url)
        assert_inert(control, url)
    assert control.goto(f"{base}/report").status == 200
    assert_inert(control, "report")
    assert "<script>window.__pwned" in control.inner_text("body")  # shown, as text
    # The coordinator's screens and the partners' public catalogue.
    coordinator_context = browser.new_context(viewport=PROJECTOR)
    coordinator = watched(coordinator_context)
    sign_in(coordinator, server.url, "coordination@example.org", "a long enough password")
    for url in ("/orphans", f"/orphans/projects/{seeded['orphan']}", f"/orphans/organisations/{seeded['partner']}",
                "/orphans/organisations", "/program", "/catalogue", f"/w/{seeded['workshop']}/report"):
        assert coordinator.goto(f"{server.url}{url}").status == 200, url
        assert_inert(coordinator, url)
    assert "<script>window.__pwned" in coordinator.inner_text("body")
    public = watched(phone_context)
    public.goto(f"{server.url}/catalogue")
    assert_inert(public, "catalogue")
    facilitator.close()
    coordinator_context.close()
    phone_context.close()
