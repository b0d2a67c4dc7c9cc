"""Voting rounds: ballots, budgets under concurrency, results, the funnel."""

import re
import threading

import pytest

from tests.conftest import open_first_activity, round_on_screen
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


def test_a_shortlist_carries_what_was_voted_for_once_its_round_is_closed(facilitator_client, workshop):
    """58 ideas -> 8: from a round of 60 items where 40 people voted for 5 of
    them, "carry 8" is those 5, not a tie of 55 items at nothing; a round still
    open or never voted on carries nothing, and says why."""
    crowd = people(workshop, 40)
    first = round_on_screen(workshop, crowd)  # approval, top 8, open
    items = [item.project_id for item in first.items]
    form = {"title": "Suite", "source": "shortlist", "kind": "approval", "top_k": "3", "carry": "8"}

    refused = facilitator_client.post(f"/w/{workshop.id}/rounds", data=form)
    assert refused.status_code == 422 and "Fermez le tour précédent" in refused.get_data(as_text=True)
    close_activity(workshop, first.activity)
    refused = facilitator_client.post(f"/w/{workshop.id}/rounds", data=form)
    assert refused.status_code == 422 and "Personne n'a voté" in refused.get_data(as_text=True).replace("&#39;", "'")

    open_activity(workshop, first.activity)
    favourites = items[10:15]
    for n, person in enumerate(crowd):
        logic.save_ballot(first, person, lambda _current, n=n: [favourites[n % 5], favourites[(n + 1) % 5]])
    close_activity(workshop, first.activity)
    assert facilitator_client.post(f"/w/{workshop.id}/rounds", data=form).status_code == 200
    db.session.expire_all()
    second = [a for a in workshop.activities if a.kind == "vote"][-1].round
    assert sorted(item.project_id for item in second.items) == sorted(favourites)


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


def test_a_round_left_without_a_title_is_named_by_its_vote_type_in_the_workshops_language(workshop, voting_round):
    """The projector, the phones and the report print a round's title: never its internal key."""
    from workshop.voting.messages import VOTE_KIND_NAMES
    from workshop.voting.models import VOTE_KINDS

    projects = [item.project for item in voting_round.items[:4]]
    assert set(VOTE_KIND_NAMES) == set(VOTE_KINDS)
    named = {kind: logic.create_round(workshop, "  ", kind, projects, top_k=2).activity.prompt for kind in VOTE_KINDS}
    assert named == {"dots": "Gommettes", "approval": "Approbation", "ranking": "Classement",
                     "impact_feasibility": "Impact × faisabilité"}
    workshop.language = "en"
    assert logic.create_round(workshop, "", "ranking", projects, top_k=2).activity.prompt == "Ranking"


# --- over HTTP and sockets ------------------------------------------------------

def add_round(facilitator_client, workshop, **fields):
    data = {"title": "Priorités", "source": "ideas", "kind": "dots", "dots": "3", "max_per_item": "2", "top_k": "2",
            **fields}
    response = facilitator_client.post(f"/w/{workshop.id}/rounds", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()
    return [a for a in workshop.activities if a.kind == "vote"][-1]


def dot(client, workshop, round_, project_id, delta=1):
    return client.post(f"/j/{workshop.join_code}/rounds/{round_.id}/dots",
                       data={"project": str(project_id), "delta": str(delta)})


def test_a_dots_round_over_http(app, facilitator_client, phone, workshop, ideas_sent):
    from tests.test_live import swaps, watcher

    activity = add_round(facilitator_client, workshop)
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/open")
    round_ = activity.round
    first = round_.items[0].project_id
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()

    panel = phone.get(f"/j/{workshop.join_code}/panel").get_data(as_text=True)
    assert "my-ballot" in panel
    answer = dot(phone, workshop, round_, first).get_data(as_text=True)
    assert "2 gommettes restantes" in answer
    dot(phone, workshop, round_, first)
    refused = dot(phone, workshop, round_, first)
    assert refused.status_code == 422 and "2 gommettes au maximum" in refused.get_data(as_text=True)

    # Results are hidden on the projector while the vote is open…
    [stage] = [s for s in swaps(projector) if s["id"] == "stage"][-1:]
    assert "1 bulletin" in stage["html"] and "<meter" not in stage["html"]
    # …and shown when it closes, with the breakdown on the control view.
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/close")
    [stage] = [s for s in swaps(projector) if s["id"] == "stage"][-1:]
    assert "<meter" in stage["html"]
    control = facilitator_client.get(f"/w/{workshop.id}/stage/control").get_data(as_text=True)
    assert "Par groupe de parties prenantes" in control
    assert dot(phone, workshop, round_, first, -1).status_code == 422  # closed


def test_someone_joining_mid_round_can_vote(app, facilitator_client, workshop, ideas_sent):
    from tests.conftest import join

    activity = add_round(facilitator_client, workshop)
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/open")
    late = app.test_client()
    join(late, workshop, nickname="Tard")
    assert dot(late, workshop, activity.round, activity.round.items[1].project_id).status_code == 200


def test_retaining_priorities_marks_the_rest_orphan_candidates(facilitator_client, workshop, ideas_sent):
    activity = add_round(facilitator_client, workshop)
    keep = activity.round.items[0].project_id
    response = facilitator_client.post(f"/w/{workshop.id}/projects/retain", data={"project": [str(keep)]})
    assert response.status_code == 200
    db.session.expire_all()  # the request changed them in its own session
    statuses = sorted(p.status for p in db.session.query(Project))
    assert statuses == ["orphan_candidate", "orphan_candidate", "priority"]


def test_a_round_needs_ideas_first(facilitator_client, workshop):
    response = facilitator_client.post(f"/w/{workshop.id}/rounds", data={"source": "ideas", "kind": "dots"})
    assert response.status_code == 422 and "aucune idée" in response.get_data(as_text=True)


def test_voting_commands_are_refused_to_others(app, workshop, ideas_sent, facilitator_client):
    from tests.conftest import join, make_user, sign_in

    activity = add_round(facilitator_client, workshop)
    participant = app.test_client()
    join(participant, workshop)
    other = app.test_client()
    make_user("other@example.org")
    sign_in(other, "other@example.org")
    for client in (app.test_client(), participant, other):
        assert client.post(f"/w/{workshop.id}/rounds", data={"source": "ideas"}).status_code in (302, 401, 403)
        assert client.post(f"/w/{workshop.id}/projects/retain",
                           data={"project": [str(activity.round.items[0].project_id)]}).status_code in (302, 401, 403)
    # A phone that has not joined cannot vote.
    assert dot(app.test_client(), workshop, activity.round, activity.round.items[0].project_id).status_code == 403
    assert db.session.query(Project).filter_by(status="priority").count() == 0


def test_concurrent_http_requests_never_overspend(app, phone, facilitator_client, workshop, ideas_sent):
    """Many requests at once from one phone (double taps, retries) over real HTTP routes."""
    activity = add_round(facilitator_client, workshop, dots="3", max_per_item="3")
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/open")
    round_id = activity.round.id
    items = [item.project_id for item in activity.round.items]
    cookie = phone.get_cookie("session", domain="workshop.test").value
    statuses = []
    barrier = threading.Barrier(10)

    def tap(n):
        client = app.test_client()
        client.set_cookie("session", cookie, domain="workshop.test")
        barrier.wait()
        statuses.append(client.post(f"/j/{workshop.join_code}/rounds/{round_id}/dots",
                                    data={"project": str(items[n % len(items)]), "delta": "1"}).status_code)

    threads = [threading.Thread(target=tap, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    ballot = db.session.query(Ballot).one()
    import json

    assert sum(json.loads(ballot.content).values()) == statuses.count(200) == 3
    assert set(statuses) <= {200, 422}


def save(client, workshop, round_, data):
    return client.post(f"/j/{workshop.join_code}/rounds/{round_.id}/ballot", data=data)


@pytest.mark.parametrize("kind", ["approval", "ranking", "impact_feasibility"])
def test_whole_ballot_kinds_over_http(facilitator_client, phone, workshop, ideas_sent, kind):
    activity = add_round(facilitator_client, workshop, kind=kind, top_k="2",
                         impact_label="Retombées", feasibility_label="Coût")
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/open")
    round_ = activity.round
    a, b, c = (item.project_id for item in round_.items)
    good = {"approval": {"project": [str(a), str(b)]},
            "ranking": {"place1": str(b), "place2": str(a)},
            "impact_feasibility": {f"impact{a}": "5", f"feasibility{a}": "4", f"impact{b}": "2", f"feasibility{b}": "1"}}[kind]
    bad = {"approval": {"project": [str(a), str(b), str(c)]},
           "ranking": {"place1": str(a), "place2": str(a)},
           "impact_feasibility": {f"impact{a}": "5"}}[kind]
    assert save(phone, workshop, round_, good).status_code == 200
    refused = save(phone, workshop, round_, bad)
    assert refused.status_code == 422 and 'role="alert"' in refused.get_data(as_text=True)
    result = logic.results(round_)
    assert result.ballots == 1
    winner = {"approval": a, "ranking": b, "impact_feasibility": a}[kind]
    assert result.items[0].item_id == winner
    page = facilitator_client.get(f"/w/{workshop.id}/stage/control").get_data(as_text=True)
    if kind == "impact_feasibility":
        assert "<svg" in page and "Retombées" in page and "Coût" in page  # the 2×2 matrix, criteria renamed
    unknown = {"approval": {"project": ["999999"]}, "ranking": {"place1": "999999"}}.get(kind)
    if unknown:
        assert save(phone, workshop, round_, unknown).status_code == 422


def test_a_round_over_the_ideas_of_one_theme(facilitator_client, workshop, ideas_sent):
    from workshop.themes import logic as themes

    themes.split(ideas_sent, ideas.wall(ideas_sent)[:2], "Accueil")
    theme = ideas_sent.themes[0]
    activity = add_round(facilitator_client, workshop, source=f"theme:{theme.id}")
    assert sorted(item.project.title for item in activity.round.items) == ["Jumelage", "Logement"]


def test_votes_are_rate_limited_with_a_clear_message(limited_app, facilitator_client, workshop, ideas_sent):
    from tests.conftest import join

    limited_app.config["VOTE_LIMIT"] = "3 per minute"
    activity = add_round(facilitator_client, workshop, dots="5", max_per_item="5")
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/open")
    phone = limited_app.test_client()
    join(phone, workshop, nickname="Rapide")
    item = activity.round.items[0].project_id
    statuses = [dot(phone, workshop, activity.round, item).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = phone.post(f"/j/{workshop.join_code}/rounds/{activity.round.id}/dots",
                         data={"project": str(item), "delta": "1"}, headers={"HX-Request": "true"})
    assert refused.headers["HX-Retarget"] == "#form-message" and "Trop de tentatives" in refused.get_data(as_text=True)


def test_phones_see_the_choices_left_for_approval_and_ranking(facilitator_client, phone, workshop, ideas_sent):
    phone.post("/lang/en")
    for kind, data, before, after in [
            ("approval", lambda a, b: {"project": [str(a)]}, "2 choices left", "1 choice left"),
            ("ranking", lambda a, b: {"place1": str(b)}, "2 places left to fill", "1 place left to fill")]:
        activity = add_round(facilitator_client, workshop, kind=kind, top_k="2")
        facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/open")
        round_ = activity.round
        a, b, _c = (item.project_id for item in round_.items)
        assert before in phone.get(f"/j/{workshop.join_code}/rounds/{round_.id}/ballot").get_data(as_text=True)
        assert after in save(phone, workshop, round_, data(a, b)).get_data(as_text=True)
        facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/close")


def test_a_ranking_ballot_shows_its_items_in_full_above_the_lists(phone, workshop):
    """The lists' options are cut to fit a phone ("…"): the eight finalists are read in full above them."""
    titles = [f"Finaliste {n}, un programme de jumelage entre les étudiant·e·s internationaux·ales et les PME "
              f"de la région, volet {n}" for n in range(1, 9)]
    projects = [Project(workshop_id=workshop.id, title=title) for title in titles]
    round_ = logic.create_round(workshop, "Choix final", "ranking", projects, top_k=3)
    open_activity(workshop, round_.activity)
    page = phone.get(f"/j/{workshop.join_code}/rounds/{round_.id}/ballot").get_data(as_text=True)
    listed = page[page.index('class="ballot-candidates" open'):page.index('class="ballot-places"')]
    assert "Les 8 éléments à classer, en entier" in listed
    assert all(title.replace("'", "&#39;") in listed for title in titles)
    options = page[page.index('class="ballot-places"'):]
    assert titles[0] not in options and "…" in options  # the options stay short


def test_the_breakdown_of_impact_feasibility_gives_each_group_its_means(app, facilitator_client, workshop, ideas_sent):
    from tests.conftest import joined_phones

    activity = add_round(facilitator_client, workshop, kind="impact_feasibility")
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/open")
    round_ = activity.round
    a, b, _c = (item.project_id for item in round_.items)
    phones = joined_phones(app, workshop, 3)  # one per group, in the groups' order
    for client, impact, feasibility in zip(phones, (5, 1, 2), (1, 5, 4)):
        assert save(client, workshop, round_, {f"impact{a}": str(impact), f"feasibility{a}": str(feasibility),
                                               f"impact{b}": "3", f"feasibility{b}": "3"}).status_code == 200
    facilitator_client.post("/lang/en")
    page = facilitator_client.get(f"/w/{workshop.id}/stage/control").get_data(as_text=True)
    table = page[page.index('class="by-group"'):page.index("</table>", page.index('class="by-group"'))]
    assert "mean impact / mean feasibility" in table
    title = round_.items[0].project.title
    row = table[table.index(f'<th scope="row">{title}'):].split("</tr>")[0]
    cells = [" ".join(cell.split()) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
    # A name may break after a middle dot (<wbr>): what it reads is the group's name.
    group_names = [n.replace("<wbr>", "").strip() for n in re.findall(r'<th scope="col">((?:[^<]|<wbr>)+)<small', table)]
    by_group = dict(zip(group_names, cells))
    assert by_group[workshop.groups[0].name].startswith("5 / 1 ")  # means, never a total of 0
    assert by_group[workshop.groups[1].name].startswith("1 / 5 ")
    assert by_group[workshop.groups[2].name].startswith("2 / 4 ")
    assert "1 ballot" in table and "voter" in table


def test_result_pushes_are_coalesced(app, facilitator_client, phone, workshop, ideas_sent):
    from tests.test_live import swaps, watcher
    from workshop.extensions import socketio

    app.config["RESULTS_PUSH_INTERVAL"] = 0.3
    activity = add_round(facilitator_client, workshop, dots="5", max_per_item="5")
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/open")
    round_ = activity.round
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()
    for n in range(5):
        assert dot(phone, workshop, round_, round_.items[n % 3].project_id).status_code == 200
    assert [s for s in swaps(projector) if s["id"] == "stage"] == []  # five votes, nothing pushed yet
    socketio.sleep(0.6)
    stages = [s for s in swaps(projector) if s["id"] == "stage"]
    assert len(stages) == 1 and "1 bulletin" in stages[0]["html"]  # one push for the five, from the database


def test_live_bars_when_the_round_shows_them(app, facilitator_client, phone, workshop, ideas_sent):
    from tests.test_live import swaps, watcher

    activity = add_round(facilitator_client, workshop, show_live="1")
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/open")
    round_ = activity.round
    assert round_.show_live_results
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    dot(phone, workshop, round_, round_.items[0].project_id)
    [stage] = [s for s in swaps(projector) if s["id"] == "stage"][-1:]
    assert '<meter min="0" max="1.0" value="1.0">' in stage["html"]  # the bars move while the vote is open


def test_a_theme_or_a_single_idea_becomes_a_candidate_project(facilitator_client, workshop, ideas_sent):
    from workshop.ideas.models import Idea
    from workshop.themes.models import Theme

    ideas_ = db.session.query(Idea).order_by(Idea.id).all()
    theme = Theme(activity_id=ideas_sent.id, label="Accueil")
    db.session.add(theme)
    db.session.flush()
    ideas_[0].theme_id = ideas_[1].theme_id = theme.id
    db.session.commit()
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert f'value="theme:{theme.id}"' in control and f'value="idea:{ideas_[2].id}"' in control
    activity = add_round(facilitator_client, workshop, source="picked",
                         pick=[f"theme:{theme.id}", f"idea:{ideas_[2].id}"])
    items = [item.project for item in activity.round.items]
    assert [p.title for p in items] == ["Accueil", "Français"]
    assert items[0].theme_id == theme.id and items[1].idea_id == ideas_[2].id
    facilitator_client.post("/lang/en")
    nothing = facilitator_client.post(f"/w/{workshop.id}/rounds", data={"source": "picked", "kind": "dots"})
    assert "Tick the themes and ideas to vote on first." in nothing.get_data(as_text=True)
    stale = facilitator_client.post(f"/w/{workshop.id}/rounds",
                                    data={"source": "picked", "kind": "dots", "pick": ["idea:999999", "theme:1"]})
    assert "no longer exists" in stale.get_data(as_text=True)


# --- a workshop with three questions, at real size ---------------------------------

QUESTIONS = (
    "Comment accueillir les étudiant·e·s internationaux dans l'emploi ?",
    "Comment faciliter le logement et l'installation à l'arrivée ?",
    "Comment créer des liens avec la communauté d'accueil ?",
)
TOPICS = {
    0: ["jumelage avec un employeur", "stage rémunéré en entreprise", "mentorat par un professionnel",
        "salon de l'emploi pour étudiants", "reconnaissance des diplômes étrangers", "permis de travail expliqué",
        "réseau d'employeurs partenaires", "atelier de CV québécois", "emploi étudiant sur le campus",
        "visites d'entreprises de la région"],
    1: ["logement abordable près du campus", "aide à la recherche de logement", "résidence temporaire à l'arrivée",
        "colocation avec des étudiants d'ici", "guide du bail et des droits du locataire", "accueil à l'aéroport",
        "trousse d'arrivée pour l'hiver", "transport en commun gratuit le premier mois",
        "ouverture d'un compte bancaire", "inscription à l'assurance maladie"],
    2: ["famille d'accueil pour les fêtes", "club de conversation en français", "bénévolat dans un organisme",
        "activités de plein air en groupe", "soirée des cultures du monde", "parrainage par un citoyen",
        "ligue sportive interculturelle", "cuisine collective du quartier", "visite guidée de Saguenay",
        "festival d'accueil à la rentrée"],
}


def three_questions(facilitator, people_count=40, per_question=20):
    """A workshop of three questions answered in turn by 40 people: 60 ideas in all."""
    from tests.conftest import make_workshop

    workshop = make_workshop(facilitator, prompts=QUESTIONS)
    authors = people(workshop, people_count)
    n = 0
    for index, activity in enumerate(workshop.activities[:3]):
        open_activity(workshop, activity)
        for k in range(per_question):
            text = f"{TOPICS[index][k % 10].capitalize()}{' (variante)' if k >= 10 else ''}"
            ideas.submit_idea(authors[n % people_count], activity, text, f"key-{n:08d}")
            n += 1
        close_activity(workshop, activity)
    return workshop


def group(activity, k, together=()):
    from workshop.themes import logic as themes

    themes.start_grouping(activity, list(together))
    return themes.group(activity, k, [], {}, together_with=list(together))


def last_round(workshop):
    db.session.expire_all()  # the request ran in its own session
    return workshop.activities[-1].round


def question_of(item):
    from workshop.ideas.models import Idea

    return db.session.get(Idea, item.project.idea_id).activity_id


def source_values(html):
    """The "Vote on" choices, in order."""
    select = html[html.index('name="source"'):]
    return re.findall(r'<option value="([a-z]+(?::\d+)?)"', select[:select.index("</select>")])


@pytest.fixture
def questions(facilitator):
    return three_questions(facilitator)


def test_a_round_over_every_questions_themes_together(facilitator_client, questions):
    first, second, third = questions.activities[:3]
    group(first, 4)
    group(third, 3)
    response = facilitator_client.post(f"/w/{questions.id}/rounds", data={"title": "Thèmes", "source": "themes"})
    assert response.status_code == 200 and "form-message" not in response.headers.get("HX-Retarget", "")
    round_ = last_round(questions)
    themes = [t.id for t in first.themes] + [t.id for t in third.themes]
    assert [item.project.theme_id for item in round_.items] == themes and len(themes) == 7
    assert [item.project.title for item in round_.items] == [t.label for t in first.themes + third.themes]


def test_a_theme_on_the_ballot_comes_with_its_most_central_idea(app, facilitator_client, questions):
    from markupsafe import escape

    from tests.conftest import join
    from workshop.ideas.models import Idea

    first, _second, third = questions.activities[:3]
    group(first, 4)
    group(third, 3)
    facilitator_client.post(f"/w/{questions.id}/rounds", data={"title": "Thèmes", "source": "themes"})
    round_ = last_round(questions)
    open_activity(questions, round_.activity)

    def central(theme_id):
        return db.session.query(Idea).filter_by(theme_id=theme_id, hidden=False, merged_into_id=None) \
            .order_by(Idea.theme_position, Idea.id).first()

    projects = [item.project for item in round_.items]
    shown = central(projects[0].theme_id)
    ideas.hide(shown)  # a hidden idea is no example: the next most central is
    projects[1].description = "Un projet décrit par la coordination"
    db.session.commit()
    view = logic.ballot_view(round_)
    assert len(view.items) == 7
    assert view.items[0].example == central(projects[0].theme_id).text != shown.text
    assert [item.example for item in view.items[2:]] == [central(p.theme_id).text for p in projects[2:]]

    phone = app.test_client()
    join(phone, questions)
    panel = phone.get(f"/j/{questions.join_code}/rounds/{round_.id}/ballot").get_data(as_text=True)
    example = escape(central(projects[3].theme_id).text)
    assert f"«&#8239;{example}&#8239;»" in panel  # quoted as French quotes, in its theme's line
    assert "Un projet décrit par la coordination" in panel  # a description says it instead
    assert str(escape(central(projects[1].theme_id).text)) not in panel


def test_a_round_over_one_earlier_questions_ideas(facilitator_client, questions):
    first, _second, third = questions.activities[:3]
    open_activity(questions, third)  # the phones are on the last question
    facilitator_client.post(f"/w/{questions.id}/rounds", data={"source": f"ideas:{first.id}", "kind": "approval",
                                                               "top_k": "3"})
    round_ = last_round(questions)
    texts = [item.project.title for item in round_.items]
    assert len(texts) == 20 and texts == [i.text for i in ideas.wall(first)]
    assert {question_of(item) for item in round_.items} == {first.id}


def test_a_round_over_every_questions_ideas(facilitator_client, questions):
    facilitator_client.post(f"/w/{questions.id}/rounds", data={"source": "ideas"})
    round_ = last_round(questions)
    assert len(round_.items) == 60
    assert len({question_of(item) for item in round_.items}) == 3


def test_ticked_themes_and_ideas_across_questions(facilitator_client, questions):
    first, second, third = questions.activities[:3]
    themes = group(first, 4)
    picked = [f"theme:{themes[1].id}", f"idea:{ideas.wall(second)[3].id}", f"idea:{ideas.wall(third)[7].id}",
              f"theme:{themes[0].id}"]
    response = facilitator_client.post(f"/w/{questions.id}/rounds", data={"source": "picked", "pick": picked})
    assert response.status_code == 200
    round_ = last_round(questions)
    assert [item.project.theme_id or item.project.idea_id for item in round_.items] == [
        themes[1].id, ideas.wall(second)[3].id, ideas.wall(third)[7].id, themes[0].id]


def test_a_question_not_opened_yet_gives_nothing_to_vote_on(facilitator_client, facilitator):
    from tests.conftest import make_workshop

    workshop = make_workshop(facilitator, prompts=QUESTIONS[:2])
    open_activity(workshop, workshop.activities[0])
    author = people(workshop, 1)[0]
    for n in range(3):
        ideas.submit_idea(author, workshop.activities[0], f"Idée {n}", f"key-{n:08d}")
    with pytest.raises(logic.VoteRejected) as refused:
        logic.candidates(workshop, "ideas", activity_id=workshop.activities[1].id)
    assert refused.value.code == "unknown_question"
    assert len(logic.candidates(workshop, "ideas")) == 3  # every opened question: only the first


def test_the_vote_form_offers_every_question_its_themes_and_ticks(facilitator_client, questions):
    first, second, third = questions.activities[:3]
    themes = group(first, 4, together=[second])  # one grouping over the first two questions
    html = facilitator_client.get(f"/w/{questions.id}/control").get_data(as_text=True)
    form = html[html.index('id="new-round-form"'):html.index('id="new-hats-form"')]
    values = source_values(form)
    assert values[:2] == ["ideas", "themes"]
    for question in (first, second, third):
        assert f"ideas:{question.id}" in values
    assert f"themes:{first.id}" in values and f"themes:{second.id}" in values  # shared grouping
    assert [v for v in values if v.startswith("theme:")] == [f"theme:{t.id}" for t in themes]
    assert values[-3:] == ["picked", "shortlist", "list"]
    assert form.count('name="pick" value="idea:') == 60 and form.count('name="pick" value="theme:') == 4
    # Fields say which vote type or source they belong to (control_forms.js shows only those).
    assert 'data-show-for-kind="dots"' in form and 'data-show-for-kind="impact_feasibility"' in form
    assert 'data-show-for-source="shortlist"' in form


def test_numbers_of_another_vote_type_do_not_block_a_round(facilitator_client, questions):
    first = questions.activities[0]
    picked = [f"idea:{i.id}" for i in ideas.wall(first)[:2]]
    response = facilitator_client.post(f"/w/{questions.id}/rounds", data={
        "source": "picked", "pick": picked, "kind": "impact_feasibility", "top_k": "3", "dots": "5",
        "max_per_item": "3"})
    assert "HX-Retarget" not in response.headers, response.get_data(as_text=True)
    assert len(last_round(questions).items) == 2


def test_after_a_round_the_control_forms_are_pushed_with_its_projects(app, facilitator_client, questions):
    from tests.test_live import swaps, watcher

    control, _answer = watcher(app, facilitator_client, questions, "control")
    control.get_received()
    facilitator_client.post(f"/w/{questions.id}/rounds", data={"source": f"ideas:{questions.activities[1].id}"})
    pushed = [s for s in swaps(control) if s["id"] == "control-forms-next"]
    assert len(pushed) == 1
    html = pushed[0]["html"]
    # The hats form now offers the 20 new candidate projects.
    hats = html[html.index('data-for="new-hats-form"'):html.index('data-for="new-cells-form"')]
    assert hats.count('name="project"') == 20


def test_after_retaining_the_pushed_forms_offer_the_priorities(app, facilitator_client, questions):
    from tests.test_live import swaps, watcher

    facilitator_client.post(f"/w/{questions.id}/rounds", data={"source": f"ideas:{questions.activities[0].id}"})
    round_ = last_round(questions)
    control, _answer = watcher(app, facilitator_client, questions, "control")
    control.get_received()
    chosen = [item.project for item in round_.items[:3]]
    facilitator_client.post(f"/w/{questions.id}/projects/retain", data={"project": [p.id for p in chosen]})
    stage = [s for s in swaps(control) if s["id"] == "stage"][-1]["html"]
    inbox = stage[stage.index('id="control-forms-next"'):]
    hats = inbox[inbox.index('data-for="new-hats-form"'):inbox.index('data-for="new-cells-form"')]
    cells = inbox[inbox.index('data-for="new-cells-form"'):]
    # Six hats: the priorities ticked; cells: one per priority, named.
    assert sorted(re.findall(r'name="project" value="(\d+)" checked', hats)) == sorted(str(p.id) for p in chosen)
    assert all(p.title in cells for p in chosen) and cells.count("<li>") == 3


# --- the control view's forms in a real browser --------------------------------------

@pytest.mark.browser
def test_the_vote_form_shows_its_types_fields_and_an_open_form_is_never_replaced(tmp_path, browser):
    from tests.browsing import signed_in
    from tests.conftest import base_config, new_app
    from tests.live_server import FACILITATOR_EMAIL, ServerProcess, prepare_database
    from workshop.accounts.models import User

    env = prepare_database(tmp_path)
    seeding = new_app(base_config(env["DATABASE_URL"]))
    with seeding.app_context():
        user = db.session.scalar(db.select(User).where(User.email == FACILITATOR_EMAIL))
        workshop = three_questions(user, people_count=10, per_question=6)
        group(workshop.activities[0], 3)
        workshop_id, first_id = workshop.id, workshop.activities[0].id
    server = ServerProcess(env, extra_env={"FEATURES_ON_ARRIVAL": "0"}).start(timeout=60)
    try:
        _, page = signed_in(browser, server.url, viewport={"width": 1366, "height": 768})
        page.goto(f"{server.url}/w/{workshop_id}/control")
        page.wait_for_selector("body[data-live=connected]", state="attached")
        if page.locator("details.add-activity > summary").count():
            page.click("details.add-activity > summary")
        page.click("#new-round-form > details > summary")
        form = page.locator("#new-round-form")

        def shown():
            return {name: form.locator(f"[name={name}]").is_visible()
                    for name in ("dots", "max_per_item", "top_k", "impact_label", "feasibility_label", "carry")}

        assert shown() == {"dots": True, "max_per_item": True, "top_k": False, "impact_label": False,
                           "feasibility_label": False, "carry": False}
        form.locator("select[name=kind]").select_option("ranking")
        assert [name for name, visible in shown().items() if visible] == ["top_k"]
        form.locator("select[name=kind]").select_option("impact_feasibility")
        assert [name for name, visible in shown().items() if visible] == ["impact_label", "feasibility_label"]
        form.locator("select[name=source]").select_option("shortlist")
        assert shown()["carry"]
        # While the form is open and being typed in, a regrouping's push leaves it alone...
        form.locator("input[name=title]").fill("Priorités du jour")
        themes_before = form.locator("option[value^='theme:']").count()
        page.locator(".agenda-item").nth(0).locator("button.show-on-projector").click()
        page.wait_for_selector(f"#stage form[hx-post$='/activities/{first_id}/group']", state="attached")
        page.click("#stage details.group-tools > summary")
        page.fill("#stage details.group-tools input[name=k]", "2")
        page.click("#stage details.group-tools button.primary")
        # The grouping runs in the background; its result comes by push.
        for _attempt in range(80):
            if page.locator("#stage section.theme[id^=theme-]").count() == 2:
                break
            page.wait_for_timeout(250)
        assert page.locator("#stage section.theme[id^=theme-]").count() == 2
        assert form.locator("input[name=title]").input_value() == "Priorités du jour"
        assert form.locator("option[value^='theme:']").count() == themes_before == 3
        # ...and it catches up as soon as it is closed.
        # ("toggle" fires as a task after the click: wait for it rather than read at once.)
        from playwright.sync_api import expect

        page.click("#new-round-form > details > summary")
        expect(page.locator("#new-round-form option[value^='theme:']")).to_have_count(2)
        assert page.locator("#new-round-form input[name=title]").input_value() != "Priorités du jour"  # a fresh form
    finally:
        server.stop()
