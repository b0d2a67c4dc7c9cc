"""Voting rounds: ballots, budgets under concurrency, results, the funnel."""

import threading

import pytest

from tests.conftest import open_first_activity
from workshop.extensions import db
from workshop.ideas import logic as ideas
from workshop.participants.models import Participant
from workshop.voting import logic
from workshop.voting.models import Ballot, Project
from workshop.workshops.logic import close_activity, open_activity


def people(workshop, count):
    group_ids = [g.id for g in workshop.groups]
    found = []
    for n in range(count):
        participant = Participant(workshop_id=workshop.id, nickname=f"P{n}", group_id=group_ids[n % len(group_ids)])
        db.session.add(participant)
        found.append(participant)
    db.session.commit()
    return found


@pytest.fixture
def voting_round(workshop):
    activity = open_first_activity(workshop)
    author = people(workshop, 1)[0]
    for n, text in enumerate(["Jumelage", "Logement", "Français", "Mentorat"]):
        ideas.submit_idea(author, activity, text, f"key-{n:08d}")
    close_activity(workshop, activity)
    projects = logic.candidates(workshop, "ideas")
    round_ = logic.create_round(workshop, "Priorités", "dots", projects, dots=5, max_per_item=3)
    open_activity(workshop, round_.activity)
    return round_


def test_a_round_runs_over_the_visible_ideas(voting_round):
    assert [item.project.title for item in voting_round.items] == ["Jumelage", "Logement", "Français", "Mentorat"]
    assert voting_round.activity.kind == "vote"


def test_dots_move_until_the_budget_and_the_per_item_cap(workshop, voting_round):
    voter = people(workshop, 1)[0]
    first, second = (item.project_id for item in voting_round.items[:2])
    for _ in range(3):
        logic.move_dots(voting_round, voter, first, +1)
    with pytest.raises(logic.VoteRejected) as capped:
        logic.move_dots(voting_round, voter, first, +1)
    assert capped.value.code == "too_many_on_item"
    logic.move_dots(voting_round, voter, second, +1)
    logic.move_dots(voting_round, voter, second, +1)
    with pytest.raises(logic.VoteRejected) as spent:
        logic.move_dots(voting_round, voter, voting_round.items[2].project_id, +1)
    assert spent.value.code == "over_budget"
    logic.move_dots(voting_round, voter, first, -1)  # dots can be moved back
    assert logic.ballot_of(voting_round, voter) == {first: 2, second: 2}
    with pytest.raises(logic.VoteRejected):
        logic.move_dots(voting_round, voter, voting_round.items[3].project_id, -1)


def test_a_closed_round_refuses_votes(workshop, voting_round):
    voter = people(workshop, 1)[0]
    close_activity(workshop, voting_round.activity)
    with pytest.raises(logic.VoteRejected) as closed:
        logic.move_dots(voting_round, voter, voting_round.items[0].project_id, +1)
    assert closed.value.code == "closed"
    assert db.session.query(Ballot).count() == 0


def test_concurrent_dots_never_overspend_and_every_acknowledged_dot_is_kept(app, workshop, voting_round):
    voter = people(workshop, 1)[0]
    round_id, voter_id = voting_round.id, voter.id
    item_ids = [item.project_id for item in voting_round.items]
    accepted, refused = [], []
    barrier = threading.Barrier(12)

    def vote(n):
        with app.app_context():
            from workshop.voting.models import Round

            round_ = db.session.get(Round, round_id)
            participant = db.session.get(Participant, voter_id)
            barrier.wait()
            try:
                logic.move_dots(round_, participant, item_ids[n % len(item_ids)], +1)
                accepted.append(n)
            except logic.VoteRejected as error:
                refused.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    db.session.expire_all()
    stored = logic.ballot_of(voting_round, voter)
    assert sum(stored.values()) == len(accepted) == 5  # the budget, exactly
    assert all(code in ("over_budget", "too_many_on_item", "busy") for code in refused)
    assert len(accepted) + len(refused) == 12


def test_results_give_totals_voters_groups_and_ties(workshop, voting_round):
    a, b, c = people(workshop, 3)
    x, y, z, _ = (item.project_id for item in voting_round.items)
    for voter, ballot in ((a, {x: 3, y: 2}), (b, {x: 2, z: 3}), (c, {y: 3, z: 2})):
        for project, dots in ballot.items():
            for _ in range(dots):
                logic.move_dots(voting_round, voter, project, +1)
    result = logic.results(voting_round)
    totals = {item.item_id: item.total for item in result.items}
    assert totals == {x: 5, y: 5, z: 5, voting_round.items[3].project_id: 0}
    ranks = {item.item_id: item.rank for item in result.items}
    assert ranks[x] == ranks[y] == ranks[z] == 1  # a three-way tie, shown as a tie
    group_of_a = a.group.name
    assert result.item(x).by_group[group_of_a].total == 3
    assert sum(item.total for item in result.items) == 15  # dots tallied = dots spent
    cut = logic.shortlist(voting_round, 2)
    assert cut.tie_at_cut and set(cut.tied) == {x, y, z}


def test_the_funnel_carries_a_shortlist_then_retains_priorities(workshop, voting_round):
    a, b = people(workshop, 2)
    x, y, z, w = (item.project_id for item in voting_round.items)
    for voter in (a, b):
        for project in (x, x, y):
            logic.move_dots(voting_round, voter, project, +1)
    logic.move_dots(voting_round, a, z, +1)
    close_activity(workshop, voting_round.activity)
    next_projects = logic.candidates(workshop, "shortlist", previous=voting_round, carry=3)
    assert [p.id for p in next_projects] == [x, y, z]
    second = logic.create_round(workshop, "Trois priorités", "approval", next_projects, top_k=2,
                                previous=voting_round)
    assert second.previous_round_id == voting_round.id
    logic.retain(workshop, [x, y])
    statuses = {p.id: p.status for p in db.session.query(Project)}
    assert statuses == {x: "priority", y: "priority", z: "orphan_candidate", w: "orphan_candidate"}


@pytest.mark.parametrize("kind, ballot, code", [
    ("ranking", lambda ids: [ids[0], ids[0]], "duplicate_rank"),
    ("approval", lambda ids: ids[:3], "too_many_approved"),
    ("impact_feasibility", lambda ids: {ids[0]: (6, 1)}, "score_out_of_range"),
])
def test_other_vote_kinds_validate_their_ballots(workshop, voting_round, kind, ballot, code):
    close_activity(workshop, voting_round.activity)
    projects = [item.project for item in voting_round.items]
    round_ = logic.create_round(workshop, kind, kind, projects, top_k=2)
    open_activity(workshop, round_.activity)
    voter = people(workshop, 1)[0]
    ids = [p.id for p in projects]
    with pytest.raises(logic.VoteRejected) as refused:
        logic.save_ballot(round_, voter, lambda _current: ballot(ids))
    assert refused.value.code == code


def test_a_round_needs_two_items(workshop, voting_round):
    with pytest.raises(logic.VoteRejected, match="too_few_items"):
        logic.create_round(workshop, "t", "dots", [voting_round.items[0].project])
