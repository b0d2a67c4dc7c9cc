"""Requests a clumsy or hostile client sends, as a black-box probe of a
50-phone session sent them: each got a 500, a wrong answer or lost data."""

import re

import pytest

from tests.conftest import base_config, join, joined_phones, make_workshop, new_app, round_on_screen

HUGE = 99999999999999999999  # past SQLite's integers (2^63 - 1)


@pytest.fixture
def voters(app, workshop):
    return joined_phones(app, workshop, 40)


def people_of(workshop):
    from workshop.extensions import db
    from workshop.participants.models import Participant

    return list(db.session.scalars(db.select(Participant).where(Participant.workshop_id == workshop.id)
                                   .order_by(Participant.id)))


def test_a_dot_on_an_approval_round_is_refused_not_a_server_error(app, workshop, voters):
    round_ = round_on_screen(workshop, people_of(workshop))
    item = round_.items[0].project_id
    response = voters[0].post(f"/j/{workshop.join_code}/rounds/{round_.id}/dots",
                              data={"project": item, "delta": 1})
    assert response.status_code == 422
    assert "reload the page" in response.get_data(as_text=True) or "rechargez" in response.get_data(as_text=True)


def test_an_item_given_one_score_of_two_is_named_and_nothing_is_stored(app, workshop, voters):
    """Sixty items scored by impact and feasibility on a phone: one left with an
    impact only must be found among them, so the refusal names it."""
    from workshop.voting import logic as voting

    round_ = round_on_screen(workshop, people_of(workshop), kind="impact_feasibility")
    items = [item.project_id for item in round_.items]
    assert len(items) == 60
    form = {f"{criterion}{item}": "4" for item in items[:10] for criterion in ("impact", "feasibility")}
    half = items[37]
    form[f"impact{half}"] = "5"
    response = voters[0].post(f"/j/{workshop.join_code}/rounds/{round_.id}/ballot", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    title = voting.item_title(half)
    assert "Idée numéro" in title and title in page.replace("&#39;", "'")
    assert "faisabilité" in page  # the phone's language: French
    assert voting.results(round_).ballots == 0


def test_a_whole_ballot_sent_to_a_dots_round_keeps_the_dots(app, workshop, voters):
    from workshop.voting import logic as voting
    from workshop.workshops.logic import close_activity, open_activity

    first = round_on_screen(workshop, people_of(workshop))
    close_activity(workshop, first.activity)
    dots = voting.create_round(workshop, "Gommettes", "dots", voting.candidates(workshop, "ideas"),
                               dots=5, max_per_item=2)
    open_activity(workshop, dots.activity)
    url = f"/j/{workshop.join_code}/rounds/{dots.id}"
    items = [item.project_id for item in dots.items[:3]]
    for item in (items[0], items[0], items[1]):
        assert voters[0].post(f"{url}/dots", data={"project": item, "delta": 1}).status_code == 200
    assert voters[0].post(f"{url}/ballot", data={}).status_code == 422
    assert voters[0].post(f"{url}/ballot", data={f"impact{items[2]}": 3,
                                                 f"feasibility{items[2]}": 3}).status_code == 422
    me = people_of(workshop)[0]
    assert voting.ballot_of(voting.round_facts(workshop.id, dots.id), me) == {items[0]: 2, items[1]: 1}


def test_an_id_past_the_database_s_integers_is_not_found(app, workshop, facilitator_client, voters):
    from workshop.workshops.logic import open_activity

    open_activity(workshop, workshop.activities[0])
    assert voters[0].get(f"/j/{workshop.join_code}/rounds/{HUGE}/ballot").status_code == 404
    assert facilitator_client.get(f"/w/{HUGE}/control").status_code == 404
    assert facilitator_client.post(f"/w/{workshop.id}/ideas/{HUGE}/hide").status_code == 404
    assert facilitator_client.get(f"/w/{2**40}/control").status_code == 404  # past PostgreSQL's INTEGER
    # A form's id: no row (SQLite cannot bind it: 404; PostgreSQL refuses the value: 422), never a 500.
    merged = facilitator_client.post(f"/w/{workshop.id}/ideas/merge", data={"idea": [str(HUGE), str(HUGE - 1)]})
    assert merged.status_code in (404, 422)
    assert facilitator_client.post(f"/w/{workshop.id}/ideas/1/edit").status_code == 404  # a real 404 still
    # A phone still works after it: the session was rolled back.
    assert voters[0].post(f"/j/{workshop.join_code}/ideas",
                          data={"text": "Encore une idée", "key": "k-after-huge"}).status_code == 200


def test_a_watch_with_no_data_or_a_huge_workshop_is_answered(app, workshop, facilitator_client):
    from workshop.extensions import socketio

    sock = socketio.test_client(app, flask_test_client=facilitator_client)
    assert sock.emit("watch", callback=True) == {"ok": False, "error": "bad_request"}
    assert sock.emit("watch", {"workshop": HUGE, "audience": "control", "lang": "fr"},
                     callback=True) == {"ok": False, "error": "bad_request"}


def test_a_resend_after_the_next_question_opened_gets_its_stored_idea(app, facilitator):
    from workshop.extensions import db
    from workshop.ideas.models import Idea
    from workshop.workshops.logic import close_activity, open_activity

    workshop = make_workshop(facilitator, prompts=("Question 1 ?", "Question 2 ?", "Question 3 ?"))
    phone = joined_phones(app, workshop, 1)[0]
    first, second = workshop.activities[0], workshop.activities[1]
    open_activity(workshop, first)
    form = {"text": "Une navette depuis la gare", "key": "k-resent-0001", "activity": first.id}
    assert phone.post(f"/j/{workshop.join_code}/ideas", data=form).status_code == 200
    close_activity(workshop, first)
    open_activity(workshop, second)
    again = phone.post(f"/j/{workshop.join_code}/ideas", data=form)  # its answer was lost: sent again
    assert again.status_code == 200
    assert "Une navette depuis la gare" in again.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Idea.id))) == 1
    # A new idea written for the closed question is still refused.
    late = phone.post(f"/j/{workshop.join_code}/ideas", data={**form, "key": "k-resent-0002"})
    assert late.status_code == 422


def test_a_phone_that_has_not_joined_is_told_to_join(app, workshop):
    stranger = app.test_client()
    for path in ("panel", "mine", "leave"):
        response = stranger.get(f"/j/{workshop.join_code}/{path}")
        assert response.status_code == 403
        text = response.get_data(as_text=True)
        assert "Rejoignez" in text and "animation" not in text


def test_refusals_before_any_guard_speak_the_joined_phone_s_workshop_language(app, database_url, facilitator):

    english = make_workshop(facilitator, language="en", title="Welcome workshop")
    csrf_app = new_app({**base_config(database_url), "WTF_CSRF_ENABLED": True})
    phone = csrf_app.test_client()
    page = phone.get(f"/j/{english.join_code}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    phone.post(f"/j/{english.join_code}", data={"group": english.groups[0].id, "csrf_token": token})
    stale = phone.post(f"/j/{english.join_code}/ideas", data={"text": "x", "key": "k-000000001"},
                       headers={"X-CSRFToken": "stale"})
    assert stale.status_code == 400 and "out of date" in stale.get_data(as_text=True)
    # A stranger to that workshop is not told its language (a guesser learns nothing).
    stranger = csrf_app.test_client().post(f"/j/{english.join_code}/ideas", data={"text": "x"},
                                           headers={"X-CSRFToken": "stale"})
    assert stranger.status_code == 400 and "plus à jour" in stranger.get_data(as_text=True)


def test_a_wrong_method_gets_a_translated_page(app, workshop, voters):
    response = voters[0].get(f"/j/{workshop.join_code}/ideas")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    assert "Method Not Allowed" not in response.get_data(as_text=True)
    assert "boutons" in response.get_data(as_text=True)


def test_a_negative_carry_is_refused(app, workshop, facilitator_client, voters):
    from workshop.workshops.logic import close_activity

    round_ = round_on_screen(workshop, people_of(workshop))
    close_activity(workshop, round_.activity)
    response = facilitator_client.post(f"/w/{workshop.id}/rounds", data={
        "title": "Suite", "source": "shortlist", "kind": "dots", "carry": -1})
    assert response.status_code == 422


@pytest.mark.parametrize("text", ["\u3164", "\u2800\u2800", "\u3164 \u200b"])
def test_an_idea_of_letters_that_draw_nothing_is_refused(app, workshop, voters, text):
    from workshop.workshops.logic import open_activity

    open_activity(workshop, workshop.activities[0])
    response = voters[0].post(f"/j/{workshop.join_code}/ideas", data={"text": text, "key": "k-blank-0001"})
    assert response.status_code == 422


def test_a_theme_renamed_to_nothing_visible_keeps_its_name(app, workshop):
    from workshop.extensions import db
    from workshop.themes import logic as themes
    from workshop.themes.models import Theme

    activity = workshop.activities[0]
    theme = Theme(activity_id=activity.id, label="Logement à l'arrivée", position=0)
    db.session.add(theme)
    db.session.commit()
    with pytest.raises(themes.ThemeRejected):
        themes.rename(theme, "\u200b")
    assert theme.label == "Logement à l'arrivée"


def test_a_typo_in_the_timer_does_not_stop_it(app, workshop, facilitator_client):
    from workshop.extensions import db

    url = f"/w/{workshop.id}/timer"
    assert facilitator_client.post(url, data={"minutes": "5"}).status_code == 200
    db.session.refresh(workshop)
    running = workshop.timer_ends_at
    assert running is not None
    for typo in ("abc", "0.001", "nan", "1e9"):
        assert facilitator_client.post(url, data={"minutes": typo}).status_code == 422, typo
        db.session.refresh(workshop)
        assert workshop.timer_ends_at == running
    assert facilitator_client.post(url, data={"minutes": "2,5"}).status_code == 200
    assert facilitator_client.post(url, data={}).status_code == 200
    db.session.refresh(workshop)
    assert workshop.timer_ends_at is None


def test_no_hat_is_handed_out_once_the_activity_is_closed(app, workshop, facilitator_client, voters):
    from tests.conftest import added_activity, opened
    from workshop.extensions import db
    from workshop.hats.models import HatAssignment, HatsActivity
    from workshop.workshops.logic import close_activity

    hats = added_activity(facilitator_client, workshop, "hats",
                          {"mode": "balanced", "subjects": "Logement\nTransport\nEmploi"}, HatsActivity)
    opened(facilitator_client, workshop, hats)
    close_activity(workshop, hats.activity)
    before = db.session.scalar(db.select(db.func.count(HatAssignment.id)))
    latecomer = app.test_client()
    join(latecomer, workshop, nickname="Tard")
    response = latecomer.post(f"/j/{workshop.join_code}/hats/{hats.id}/mine")
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(HatAssignment.id))) == before


def test_a_stage_change_with_a_bad_date_is_refused_not_a_server_error(app, orphan, coordinator_client):
    from workshop.orphans import logic as orphans

    organisation = orphans.save_organisation(None, {"name": "Centre communautaire d'Alma", "kind": "community"})
    adoption = orphans.offer(orphan, organisation, "coord@example.org")
    for date in ("15 mars 2027", "31/02/2027"):
        response = coordinator_client.post(f"/orphans/adoptions/{adoption.id}/move", data={
            "stage": "interested", "reason": "", "note": "", "next_follow_up": date, "from_page": "1"})
        assert response.status_code == 422, date


def test_a_round_title_of_a_page_is_refused(app, workshop, voters):
    from workshop.voting import logic as voting
    from workshop.workshops.logic import close_activity

    first = round_on_screen(workshop, people_of(workshop))  # 60 ideas from 40 phones, a round on screen
    close_activity(workshop, first.activity)
    with pytest.raises(voting.VoteRejected) as refused:
        voting.create_round(workshop, "Priorités " * 1000, "approval", voting.candidates(workshop, "ideas"), top_k=2)
    assert refused.value.code == "long_title"


def test_a_round_prepared_but_not_opened_shows_no_ballot(app, workshop, voters):
    from workshop.voting import logic as voting
    from workshop.workshops.logic import close_activity

    first = round_on_screen(workshop, people_of(workshop))
    close_activity(workshop, first.activity)
    prepared = voting.create_round(workshop, "Gommettes", "dots", voting.candidates(workshop, "ideas"))
    assert voters[0].get(f"/j/{workshop.join_code}/rounds/{prepared.id}/ballot").status_code == 404
    assert voters[0].get(f"/j/{workshop.join_code}/rounds/{first.id}/ballot").status_code == 200  # a closed one: kept


@pytest.mark.parametrize("typed", ["31/12/9999", "9999-06-01", "01/01/0001"])
def test_a_date_centuries_away_is_a_typo(app, typed):
    from workshop.dates import typed_date
    from workshop.refusals import Refused

    with pytest.raises(Refused):
        typed_date(typed, Refused("bad_date"))
    assert typed_date("15/03/2027", Refused("bad_date")).year == 2027


def test_a_follow_up_in_year_9999_is_refused_and_the_calendar_stays(app, orphan, coordinator_client):
    from workshop.orphans import logic as orphans

    organisation = orphans.save_organisation(None, {"name": "Coop du Fjord", "kind": "community"})
    adoption = orphans.offer(orphan, organisation, "coord@example.org")
    answer = coordinator_client.post(f"/orphans/adoptions/{adoption.id}/follow-up", data={"next_follow_up": "31/12/9999"})
    assert answer.status_code == 422
    assert coordinator_client.get("/orphans/follow-ups.ics").status_code == 200


def test_a_programme_ending_in_year_9999_is_refused_not_a_server_error(coordinator, program):
    answer = coordinator.post(f"/jumelage/{program.id}/schedule", data={"ends_on": "9999-06-01"})
    assert answer.status_code == 422
