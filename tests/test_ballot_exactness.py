"""Every ballot exact: a change sent twice counts once, a ranking keeps its
places, an empty ballot is no ballot, a minimum of choices holds, and every
refusal says why in words."""

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import tally
from tests.conftest import open_first_activity
from tests.test_voting import add_round, dot, people, save
from workshop.extensions import db
from workshop.ideas import logic as ideas
from workshop.voting import logic
from workshop.voting.models import Ballot
from workshop.workshops.logic import close_activity, open_activity


def opened(facilitator_client, workshop, **fields):
    activity = add_round(facilitator_client, workshop, **fields)
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/open")
    return activity.round


def stored(round_):
    db.session.expire_all()
    return [json.loads(b.content) for b in db.session.query(Ballot).filter_by(round_id=round_.id)]


# --- a change sent again ---------------------------------------------------------

def test_a_dot_sent_again_after_a_lost_answer_counts_once(facilitator_client, phone, workshop, ideas_sent):
    round_ = opened(facilitator_client, workshop, dots="3", max_per_item="3")
    first = round_.items[0].project_id
    url = f"/j/{workshop.join_code}/rounds/{round_.id}/dots"
    for _ in range(3):  # the answer was lost twice: the phone sends the same change again
        assert phone.post(url, data={"project": first, "delta": 1, "seq": "1001"}).status_code == 200
    assert stored(round_) == [{str(first): 1}]
    phone.post(url, data={"project": first, "delta": 1, "seq": "1002"})  # a new tap counts
    late = phone.post(url, data={"project": first, "delta": 1, "seq": "1001"})  # a late duplicate
    assert late.status_code == 200 and "1 gommette restante" in late.get_data(as_text=True).replace('&#39;', "'")
    assert stored(round_) == [{str(first): 2}]
    take_back = phone.post(url, data={"project": first, "delta": -1, "seq": "1003"})
    assert take_back.status_code == 200
    phone.post(url, data={"project": first, "delta": -1, "seq": "1003"})
    assert stored(round_) == [{str(first): 1}]


def test_a_dot_answers_with_that_item_and_the_budget_only(facilitator_client, phone, workshop, ideas_sent):
    round_ = opened(facilitator_client, workshop, dots="3", max_per_item="2")
    first, second = (item.project_id for item in round_.items[:2])
    answer = dot(phone, workshop, round_, first).get_data(as_text=True).replace('&#39;', "'")
    assert f'id="dot-controls-{first}"' in answer and 'id="ballot-bar"' in answer
    assert f"dot-controls-{second}" not in answer and "Logement" not in answer  # no other item, no title
    assert "2 gommettes restantes" in answer


def test_a_whole_ballot_sent_again_or_late_keeps_the_last_state(facilitator_client, phone, workshop, ideas_sent):
    round_ = opened(facilitator_client, workshop, kind="approval", top_k="2")
    a, b, c = (item.project_id for item in round_.items)
    assert save(phone, workshop, round_, {"project": [a, b], "seq": "10"}).status_code == 200
    assert save(phone, workshop, round_, {"project": [c], "seq": "11"}).status_code == 200
    # The first save's answer was lost: sent again, it arrives after the second.
    assert save(phone, workshop, round_, {"project": [a, b], "seq": "10"}).status_code == 200
    assert stored(round_) == [[c]]


# --- what a ballot is ------------------------------------------------------------------

def test_a_ranking_with_place_one_empty_is_refused_not_promoted(facilitator_client, phone, workshop, ideas_sent):
    round_ = opened(facilitator_client, workshop, kind="ranking", top_k="3")
    a, b, _c = (item.project_id for item in round_.items)
    refused = save(phone, workshop, round_, {"place1": "", "place2": str(b), "place3": str(a)})
    assert refused.status_code == 422
    assert "Remplissez les places dans l'ordre" in refused.get_data(as_text=True).replace('&#39;', "'")
    assert stored(round_) == []
    assert save(phone, workshop, round_, {"place1": str(b), "place2": "", "place3": ""}).status_code == 200
    assert stored(round_) == [[b]]
    assert logic.results(round_).item(b).total == 3  # first place: full Borda points


def test_an_empty_approval_ballot_is_no_ballot(app, facilitator_client, phone, workshop, ideas_sent):
    from tests.test_live import swaps, watcher

    round_ = opened(facilitator_client, workshop, kind="approval", top_k="2")
    a = round_.items[0].project_id
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    saved = save(phone, workshop, round_, {"seq": "5"})  # nothing ticked
    assert saved.status_code == 200 and "vous n'avez pas de vote" in saved.get_data(as_text=True).replace('&#39;', "'")
    assert logic.results(round_).ballots == 0
    [stage] = [s for s in swaps(projector) if s["id"] == "stage"][-1:]
    assert "0 bulletin" in stage["html"] and "1 bulletin" not in stage["html"]
    save(phone, workshop, round_, {"project": [a], "seq": "6"})
    assert logic.results(round_).ballots == 1
    save(phone, workshop, round_, {"seq": "7"})  # every tick removed: no ballot again
    assert logic.results(round_).ballots == 0


def test_every_dot_taken_back_is_no_ballot(facilitator_client, phone, workshop, ideas_sent):
    round_ = opened(facilitator_client, workshop)
    first = round_.items[0].project_id
    dot(phone, workshop, round_, first)
    dot(phone, workshop, round_, first, -1)
    assert logic.results(round_).ballots == 0


def test_a_minimum_of_choices_is_a_round_setting(facilitator_client, phone, workshop, ideas_sent):
    round_ = opened(facilitator_client, workshop, kind="approval", top_k="3", min_choices="2")
    assert round_.min_choices == 2
    a, b, _c = (item.project_id for item in round_.items)
    panel = phone.get(f"/j/{workshop.join_code}/panel").get_data(as_text=True).replace('&#39;', "'")
    assert "Votre bulletin compte à partir de 2 choix." in panel
    refused = save(phone, workshop, round_, {"project": [a]})
    assert refused.status_code == 422 and "Choisissez au moins 2 éléments, ou aucun." in refused.get_data(as_text=True).replace('&#39;', "'")
    assert stored(round_) == []
    assert save(phone, workshop, round_, {"project": [a, b]}).status_code == 200
    assert logic.results(round_).ballots == 1
    control = facilitator_client.get(f"/w/{workshop.id}/stage/control").get_data(as_text=True).replace('&#39;', "'")
    assert "Un bulletin compte à partir de 2 choix." in control


def test_a_minimum_above_the_choices_is_refused(facilitator_client, workshop, ideas_sent):
    response = facilitator_client.post(f"/w/{workshop.id}/rounds", data={
        "source": "ideas", "kind": "approval", "top_k": "2", "min_choices": "3"})
    assert response.status_code == 422 and "minimum" in response.get_data(as_text=True).replace('&#39;', "'")


# --- refusals in words -------------------------------------------------------------

def test_the_same_item_twice_says_so(facilitator_client, phone, workshop, ideas_sent):
    round_ = opened(facilitator_client, workshop, kind="approval", top_k="2")
    a = round_.items[0].project_id
    refused = save(phone, workshop, round_, {"project": [a, a]})
    page = refused.get_data(as_text=True).replace('&#39;', "'")
    assert refused.status_code == 422 and "Chaque élément ne peut être choisi qu'une fois." in page
    assert "pas pu être faite" not in page


def test_one_dot_at_most_is_singular(facilitator_client, phone, workshop, ideas_sent):
    round_ = opened(facilitator_client, workshop, dots="3", max_per_item="1")
    first = round_.items[0].project_id
    dot(phone, workshop, round_, first)
    refused = dot(phone, workshop, round_, first).get_data(as_text=True).replace('&#39;', "'")
    assert "1 gommette au maximum sur un même élément." in refused and "1 gommettes" not in refused


def test_a_phone_not_in_the_workshop_is_told_to_join(app, facilitator_client, workshop, ideas_sent):
    round_ = opened(facilitator_client, workshop, kind="approval", top_k="2")
    stranger = app.test_client()
    for response in (save(stranger, workshop, round_, {"project": [round_.items[0].project_id]}),
                     dot(stranger, workshop, round_, round_.items[0].project_id),
                     stranger.get(f"/j/{workshop.join_code}/rounds/{round_.id}/ballot",
                                  headers={"HX-Request": "true"})):
        page = response.get_data(as_text=True).replace('&#39;', "'")
        assert response.status_code == 403
        assert "Rejoignez d'abord l'atelier" in page and "réservé" not in page
    # The same words for a code that does not exist: nothing told to a guesser.
    unknown = stranger.post(f"/j/ZZZZZZ/rounds/{round_.id}/ballot", data={"project": "1"})
    assert unknown.status_code == 403 and "Rejoignez d'abord l'atelier" in unknown.get_data(as_text=True).replace('&#39;', "'")


# --- any order of resends ------------------------------------------------------------

ITEMS = 4


@st.composite
def phones_changes(draw):
    """Per phone, what it sends in order (its changes with increasing numbers),
    then the extra copies a flaky network delivers: a copy of a change may come
    any time after the change itself (dots go one at a time, so a dot's first
    delivery keeps its order; whole ballots may arrive in any order)."""
    kind = draw(st.sampled_from(["dots", "approval"]))
    phones = []
    for _phone in range(draw(st.integers(1, 3))):
        if kind == "dots":
            changes = draw(st.lists(st.tuples(st.integers(0, ITEMS - 1), st.sampled_from([1, 1, -1])),
                                    min_size=1, max_size=8))
        else:
            changes = draw(st.lists(st.sets(st.integers(0, ITEMS - 1), max_size=2), min_size=1, max_size=5))
        copies = draw(st.lists(st.integers(0, len(changes) - 1), max_size=6))
        phones.append((changes, copies))
    return kind, phones, draw(st.randoms(use_true_random=False))


def deliveries(kind, changes, copies, rng: random.Random):
    """The order the server receives one phone's sends: (index, change)."""
    order = list(range(len(changes)))
    if kind != "dots":
        rng.shuffle(order)  # whole ballots: any first-delivery order
    sent = [(i, changes[i]) for i in order]
    for i in copies:  # each copy after its own first delivery
        first = next(n for n, (j, _change) in enumerate(sent) if j == i)
        sent.insert(rng.randint(first + 1, len(sent)), (i, changes[i]))
    return sent


def last_state(kind, changes, rules):
    """What the phone shows at the end: its changes applied in order, refusals skipped."""
    if kind != "dots":
        return sorted(changes[-1])
    state: dict[int, int] = {}
    for item, delta in changes:
        attempt = {**state, item: state.get(item, 0) + delta}
        attempt = {k: v for k, v in attempt.items() if v}
        if all(v >= 0 for v in attempt.values()):
            try:
                tally.validate_dots(attempt, rules)
            except tally.BallotError:
                continue
            state = attempt
    return state


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=phones_changes())
def test_resends_in_any_order_give_the_tally_of_each_ballots_last_state(workshop, case):
    kind, phones, rng = case
    if workshop.activities[0].state != "closed":  # the first example writes the ideas
        activity = open_first_activity(workshop)
        author = people(workshop, 1)[0]
        for n in range(ITEMS):
            ideas.submit_idea(author, activity, f"Projet {n}", f"prop-{n:08d}")
        close_activity(workshop, activity)
    projects = logic.candidates(workshop, "ideas")
    round_ = logic.create_round(workshop, "Propriété", kind, projects, dots=3, max_per_item=2, top_k=2)
    open_activity(workshop, round_.activity)
    ids = [item.project_id for item in round_.items]
    rules = logic.rules(round_)
    voters = people(workshop, len(phones))
    queues = []
    for voter, (changes, copies) in zip(voters, phones):
        mapped = [(ids[i], d) for i, d in changes] if kind == "dots" else [[ids[i] for i in c] for c in changes]
        queues.append([(voter, seq, change) for seq, change in deliveries(kind, mapped, copies, rng)])
    # Phones send at the same time: their deliveries interleave.
    while any(queues):
        voter, seq, change = rng.choice([q for q in queues if q]).pop(0)
        try:
            if kind == "dots":
                logic.move_dots(round_, voter, change[0], change[1], seq=1000 + seq)
            else:
                logic.save_ballot(round_, voter, lambda _current, c=change: list(c), seq=1000 + seq)
        except logic.VoteRejected:
            pass
    expected = [tally.Ballot(voter.id, "g", last_state(kind, [
        (ids[i], d) for i, d in changes] if kind == "dots" else [[ids[i] for i in c] for c in changes], rules))
        for voter, (changes, _copies) in zip(voters, phones)]
    want = tally.tally(kind, expected, rules)
    got = logic.results(round_)
    assert {i.item_id: i.total for i in got.items} == {i.item_id: i.total for i in want.items}
    assert got.ballots == want.ballots
    close_activity(workshop, round_.activity)

