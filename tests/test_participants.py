import re

from tests.conftest import is_phone_page, join
from workshop.extensions import db
from workshop.participants.models import Participant


def test_join_with_nickname_and_group(client, workshop):
    page = client.get(f"/j/{workshop.join_code}").get_data(as_text=True)
    assert "Employeur / entreprise" in page
    response = client.post(f"/j/{workshop.join_code}",
                           data={"nickname": " Alex ", "group": workshop.groups[1].id})
    assert is_phone_page(response, workshop)
    assert "Alex · Employeur / entreprise" in response.get_data(as_text=True)
    participant = db.session.query(Participant).one()
    assert (participant.nickname, participant.group_id) == ("Alex", workshop.groups[1].id)


def test_anonymous_is_allowed(client, workshop):
    client.post(f"/j/{workshop.join_code}", data={"nickname": "", "group": workshop.groups[0].id})
    assert db.session.query(Participant).one().nickname is None
    assert "anonyme" in client.get(f"/j/{workshop.join_code}/phone").get_data(as_text=True)


def test_coming_back_keeps_the_same_identity(client, workshop):
    join(client, workshop)
    # Reloading the join link, or the phone page, finds the same participant.
    assert client.get(f"/j/{workshop.join_code}").headers["Location"].endswith("/phone")
    assert client.get(f"/j/{workshop.join_code}/phone").status_code == 200
    assert db.session.query(Participant).count() == 1


def test_a_group_from_another_workshop_is_refused(client, workshop, facilitator):
    from tests.conftest import make_workshop

    other = make_workshop(facilitator)
    response = client.post(f"/j/{workshop.join_code}", data={"group": other.groups[0].id})
    assert response.status_code == 422
    assert db.session.query(Participant).count() == 0


def test_a_too_long_nickname_is_refused_with_a_message(client, workshop):
    response = client.post(f"/j/{workshop.join_code}", data={"nickname": "x" * 41, "group": workshop.groups[0].id})
    assert response.status_code == 422
    assert "40" in response.get_data(as_text=True)


def test_a_wrong_code_says_so(client, workshop):
    response = client.post("/join", data={"code": "ZZZZZZ"})
    assert response.status_code == 404
    assert "Aucun atelier" in response.get_data(as_text=True)
    assert client.post("/join", data={"code": workshop.join_code.lower()}).status_code == 302


def test_repeated_wrong_codes_are_slowed_down(limited_app, workshop):
    client = limited_app.test_client()
    statuses = [client.post("/join", data={"code": "WRONG9"}).status_code for _ in range(25)]
    assert statuses[:20] == [404] * 20
    assert statuses[20:] == [429] * 5
    slowed = client.post("/join", data={"code": "WRONG9"})
    assert "Trop de tentatives" in slowed.get_data(as_text=True)


def test_right_codes_do_not_count_against_a_venue(limited_app, workshop):
    """A whole room behind one NAT address joins without hitting the wrong-code limit."""
    statuses = [limited_app.test_client().post(f"/j/{workshop.join_code}", data={"group": workshop.groups[0].id}).status_code
                for _ in range(40)]
    assert set(statuses) == {200}  # each answered with its phone page


def test_the_phone_page_needs_a_joined_participant(client, workshop):
    assert client.get(f"/j/{workshop.join_code}/phone").headers["Location"].endswith(f"/j/{workshop.join_code}")
    assert client.get(f"/j/{workshop.join_code}/panel").status_code == 403


def test_a_group_must_be_chosen_when_the_workshop_has_groups(client, workshop):
    response = client.post(f"/j/{workshop.join_code}", data={"nickname": "Sans groupe"})
    assert response.status_code == 422 and "groupe" in response.get_data(as_text=True)
    assert db.session.query(Participant).count() == 0


def test_only_known_languages_are_kept(client, workshop):
    client.post(f"/j/{workshop.join_code}", data={"group": workshop.groups[0].id, "lang": "x" * 300})
    assert db.session.query(Participant).one().language is None


def test_phone_routes_tell_a_guesser_nothing(client, workshop):
    """An unknown code answers like a known code the phone has not joined."""
    for path in ("panel", "mine"):
        assert client.get(f"/j/{workshop.join_code}/{path}").status_code == 403
        assert client.get(f"/j/ZZZZZZ/{path}").status_code == 403
    assert client.get("/j/ZZZZZZ/phone").headers["Location"].endswith("/j/ZZZZZZ")


def test_participant_data_export_and_purge(app, facilitator_client, workshop):
    """Law 25: what identifies people can be exported, then purged; ideas stay."""
    from tests.conftest import open_first_activity
    from workshop.ideas.models import Idea

    phone = app.test_client()
    join(phone, workshop, nickname="Amina")
    open_first_activity(workshop)
    phone.post(f"/j/{workshop.join_code}/ideas", data={"text": "Mon idée", "key": "k-000000001"})
    exported = facilitator_client.get(f"/w/{workshop.id}/privacy/participants.json").get_json()
    [person] = exported["participants"]
    assert person["nickname"] == "Amina" and person["ideas"] == ["Mon idée"]
    refused = facilitator_client.post(f"/w/{workshop.id}/privacy", data={"confirm": "wrong"})
    assert "Tapez le code" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(Participant).one().nickname == "Amina"
    facilitator_client.post(f"/w/{workshop.id}/privacy", data={"confirm": workshop.join_code})
    db.session.expire_all()
    assert db.session.query(Participant).one().nickname is None
    assert db.session.query(Idea).one().text == "Mon idée"
    for client in (app.test_client(), phone):
        assert client.get(f"/w/{workshop.id}/privacy/participants.json").status_code in (302, 401, 403)
        assert client.post(f"/w/{workshop.id}/privacy", data={"confirm": workshop.join_code}).status_code in (302, 401, 403)


def participants_here(workshop):
    from workshop.workshops.logic import participant_count

    return participant_count(workshop)


def test_leaving_needs_a_confirmation(app, workshop):
    from tests.conftest import joined_phones

    phones = joined_phones(app, workshop, 40)
    phone = phones[7]
    page = phone.get(f"/j/{workshop.join_code}/phone").get_data(as_text=True)
    # The page's leave button only opens the question; the form inside it confirms.
    assert '<details class="leave">' in page and 'name="confirm" value="yes"' in page
    # A tap that posts without the confirmation (an old page, a stray submit) only asks.
    asked = phone.post(f"/j/{workshop.join_code}/leave")
    assert asked.status_code == 200 and "Quitter cet atelier ?" in asked.get_data(as_text=True)
    assert phone.get(f"/j/{workshop.join_code}/leave").status_code == 200
    assert participants_here(workshop) == 40
    assert phone.get(f"/j/{workshop.join_code}/phone").status_code == 200
    left = phone.post(f"/j/{workshop.join_code}/leave", data={"confirm": "yes"})
    assert left.headers["Location"].endswith(f"/j/{workshop.join_code}?left=1")
    assert participants_here(workshop) == 39
    assert phone.get(f"/j/{workshop.join_code}/phone").headers["Location"].endswith(f"/j/{workshop.join_code}")
    assert phone.get(f"/j/{workshop.join_code}/panel").status_code == 403
    # Someone else's phone cannot make anybody leave.
    assert app.test_client().post(f"/j/{workshop.join_code}/leave", data={"confirm": "yes"}).status_code == 403
    assert participants_here(workshop) == 39


def test_the_same_phone_joining_again_is_the_same_person(app, workshop):
    from tests.conftest import joined_phones, open_first_activity
    from workshop.ideas.models import Idea

    phones = joined_phones(app, workshop, 40)
    activity = open_first_activity(workshop)
    for n, phone in enumerate(phones):
        phone.post(f"/j/{workshop.join_code}/ideas", data={"text": f"Idée {n}", "key": f"k-{n:09d}"})
    phone = phones[3]
    before = db.session.query(Idea).filter_by(text="Idée 3").one().participant_id
    phone.post(f"/j/{workshop.join_code}/leave", data={"confirm": "yes"})
    assert participants_here(workshop) == 39
    # The join page offers what they had chosen.
    page = phone.get(f"/j/{workshop.join_code}").get_data(as_text=True)
    assert 'value="P3"' in page and f'value="{workshop.groups[0].id}" required checked' in page
    # Back, with another nickname and group: the same row, their ideas still "mine".
    response = phone.post(f"/j/{workshop.join_code}", data={"nickname": "De retour", "group": workshop.groups[2].id})
    assert is_phone_page(response, workshop)
    db.session.expire_all()
    assert db.session.query(Participant).count() == 40
    back = db.session.get(Participant, before)
    assert (back.left_at, back.nickname, back.group_id) == (None, "De retour", workshop.groups[2].id)
    assert participants_here(workshop) == 40
    assert "Idée 3" in phone.get(f"/j/{workshop.join_code}/mine").get_data(as_text=True)
    assert "De retour" in phone.get(f"/j/{workshop.join_code}/phone").get_data(as_text=True)
    assert phone.post(f"/j/{workshop.join_code}/ideas",
                      data={"text": "Encore une", "key": "k-back00001", "activity": activity.id}).status_code == 200
    # Another phone joining is someone new.
    join(app.test_client(), workshop, nickname="Nouveau")
    assert db.session.query(Participant).count() == 41


# --- flooding by re-joining (issue 21) -------------------------------------------

def limited(app_config_overrides, database_url):
    from tests.conftest import base_config, new_app

    return new_app({**base_config(database_url), "RATELIMIT_ENABLED": True, **app_config_overrides})


def test_a_venue_joins_at_once_but_re_joining_cannot_exceed_the_address_cap(app, database_url, workshop):
    """New participants from one address (a room behind one NAT) join at once up to the
    burst, then no more (the burst set to 100 here; see the default below)."""
    from workshop.extensions import limiter

    venue = limited({"JOIN_LIMIT": "100 per 10 minutes;3000 per day"}, database_url)
    limiter.reset()
    flooder = venue.test_client()
    statuses = []
    for _n in range(103):
        flooder._cookies.clear()  # a fresh participant each time, as the probe did
        statuses.append(flooder.post(f"/j/{workshop.join_code}",
                                     data={"group": workshop.groups[0].id}).status_code)
    assert statuses[:100] == [200] * 100  # each answered with its phone page
    assert statuses[100:] == [429] * 3
    assert db.session.query(Participant).count() == 100
    refused = flooder.post(f"/j/{workshop.join_code}", data={"group": workshop.groups[0].id})
    assert "attendez une minute" in refused.get_data(as_text=True)


def test_the_default_join_limit_lets_a_forum_of_a_thousand_phones_in_behind_one_address(app):
    from limits import parse_many

    burst = min(limit.amount for limit in parse_many(app.config["JOIN_LIMIT"]))
    ideas = min(limit.amount for limit in parse_many(app.config["IDEAS_PER_ADDRESS_LIMIT"]))
    assert burst >= 1000 and ideas >= 1000  # a regional forum of 1,000 phones on one venue address


def test_ideas_per_activity_per_address_are_capped_whoever_sends_them(app, database_url, workshop):
    from tests.conftest import open_first_activity
    from workshop.extensions import limiter
    from workshop.ideas.models import Idea

    venue = limited({"IDEAS_PER_ADDRESS_LIMIT": "50 per day"}, database_url)
    limiter.reset()
    activity = open_first_activity(workshop)
    statuses = []
    for person in range(10):  # ten fresh participants, six ideas each
        phone = venue.test_client()
        join(phone, workshop, nickname=f"P{person}")
        for n in range(6):
            statuses.append(phone.post(f"/j/{workshop.join_code}/ideas", data={
                "text": f"Idée {person}-{n}", "key": f"key-{person:03d}-{n:03d}", "activity": activity.id}).status_code)
    assert statuses.count(200) == 50 and statuses.count(429) == 10
    assert db.session.query(Idea).count() == 50
    # Leaving out or garbling the activity does not open a new budget.
    garbled = phone.post(f"/j/{workshop.join_code}/ideas",
                         data={"text": "encore", "key": "key-garbled-1", "activity": "x1"})
    missing = phone.post(f"/j/{workshop.join_code}/ideas", data={"text": "encore", "key": "key-missing-1"})
    assert db.session.query(Idea).count() <= 51, (garbled.status_code, missing.status_code)


def test_the_facilitator_closes_joining_and_phones_already_in_carry_on(app, workshop, facilitator_client):
    from tests.conftest import open_first_activity

    inside = app.test_client()
    join(inside, workshop)
    leaver = app.test_client()
    join(leaver, workshop, nickname="Back soon")
    leaver.post(f"/j/{workshop.join_code}/leave", data={"confirm": "yes"})
    page = facilitator_client.get(f"/w/{workshop.id}/participants").get_data(as_text=True)
    assert "Fermer les inscriptions" in page
    facilitator_client.post(f"/w/{workshop.id}/participants/joining", data={"locked": "1"})
    newcomer = app.test_client().post(f"/j/{workshop.join_code}", data={"group": workshop.groups[0].id})
    assert newcomer.status_code == 409 and "fermées" in newcomer.get_data(as_text=True)
    open_first_activity(workshop)
    assert inside.post(f"/j/{workshop.join_code}/ideas", data={"text": "Toujours là", "key": "k-0000000001"}).status_code == 200
    # Someone who left comes back as themselves: not a newcomer.
    assert is_phone_page(leaver.post(f"/j/{workshop.join_code}", data={"group": workshop.groups[0].id}), workshop)
    facilitator_client.post(f"/w/{workshop.id}/participants/joining", data={"locked": "0"})
    assert is_phone_page(app.test_client().post(f"/j/{workshop.join_code}", data={"group": workshop.groups[0].id}),
                         workshop)
    # Only the workshop's facilitator locks it.
    assert inside.post(f"/w/{workshop.id}/participants/joining", data={"locked": "1"}).status_code in (302, 401, 403)
    db.session.expire_all()
    assert not workshop.joining_locked


def test_the_facilitator_removes_a_participant_with_everything_they_sent(app, workshop, facilitator_client):
    from tests.conftest import joined_phones, open_first_activity
    from workshop.ideas import logic as ideas
    from workshop.ideas.models import Idea
    from workshop.workshops.logic import participant_count

    phones = joined_phones(app, workshop, 40)
    open_first_activity(workshop)
    for n, phone in enumerate(phones):
        phone.post(f"/j/{workshop.join_code}/ideas", data={"text": f"Idée sincère {n}", "key": f"k-honest-{n:03d}"})
    flooder = app.test_client()
    join(flooder, workshop, nickname="Spam")
    for n in range(20):
        flooder.post(f"/j/{workshop.join_code}/ideas", data={"text": f"pub {n}", "key": f"k-spam-{n:04d}"})
    spam = db.session.query(Participant).filter_by(nickname="Spam").one()
    # An honest idea merged into a spam one comes back on the wall.
    honest = db.session.query(Idea).filter_by(text="Idée sincère 3").one()
    ideas.merge(db.session.query(Idea).filter_by(text="pub 0").one(), [honest])
    roster = facilitator_client.get(f"/w/{workshop.id}/participants").get_data(as_text=True)
    names = re.findall(r"<bdi>([^<]*)</bdi>", roster)
    assert names.index("Spam") < names.index("P0")  # the flood at the top
    facilitator_client.post(f"/w/{workshop.id}/participants/remove", data={"participant": [spam.id]})
    db.session.expire_all()
    assert db.session.query(Idea).count() == 40
    assert db.session.query(Idea).filter(Idea.text.like("pub%")).count() == 0
    assert db.session.get(Idea, honest.id).merged_into_id is None
    assert participant_count(workshop) == 40
    assert flooder.get(f"/j/{workshop.join_code}/panel").status_code == 403
    # Another workshop's participant cannot be removed through this one.
    from tests.conftest import make_workshop

    other = make_workshop(workshop.owner)
    stranger = app.test_client()
    join(stranger, other)
    facilitator_client.post(f"/w/{workshop.id}/participants/remove",
                            data={"participant": [db.session.query(Participant).filter_by(workshop_id=other.id).one().id]})
    assert db.session.query(Participant).filter_by(workshop_id=other.id).count() == 1


def test_nobody_new_joins_an_archived_workshop(app, workshop):
    from workshop.workshops.logic import archive

    archive(workshop, True)
    refused = app.test_client().post(f"/j/{workshop.join_code}", data={"group": workshop.groups[0].id})
    assert refused.status_code == 409 and "fermées" in refused.get_data(as_text=True)
    archive(workshop, False)
    assert is_phone_page(app.test_client().post(f"/j/{workshop.join_code}", data={"group": workshop.groups[0].id}),
                         workshop)


def _join_statements(app, workshop, nickname, group):
    """(the phone page a new phone's join answers with, the statements the join ran)."""
    from tests.conftest import sql_statements

    db.session.expire_all()  # what a new request sees: nothing loaded yet
    phone = app.test_client()
    phone.get(f"/j/{workshop.join_code}")
    with sql_statements() as statements:
        answer = phone.post(f"/j/{workshop.join_code}", data={"nickname": nickname, "group": group})
    assert is_phone_page(answer, workshop)
    return answer.get_data(as_text=True), statements


def test_a_join_is_one_request_and_few_statements(app, workshop):
    """A room scans the code within the same seconds: the join form costs one
    statement, and the join answers with the phone page (no second request).
    The first join renders the room's page: the workshop with its groups, the
    insert, the head count pushed to the big screens, and the activity on
    screen. The next phones' joins get the page kept for the room: three."""
    from tests.conftest import joined_phones, open_first_activity, sql_statements

    joined_phones(app, workshop, 40)
    open_first_activity(workshop)
    phone, group = app.test_client(), workshop.groups[2].id
    with sql_statements() as statements:
        form = phone.get(f"/j/{workshop.join_code}")
        form_statements = len(statements)
        answer = phone.post(f"/j/{workshop.join_code}", data={"nickname": "Léa", "group": group})
    assert form.status_code == 200 and form_statements == 1
    assert is_phone_page(answer, workshop)
    assert "Léa · Recherche" in answer.get_data(as_text=True)
    assert workshop.activities[0].prompt in answer.get_data(as_text=True)  # the question on screen
    assert len(statements) - form_statements <= 4, [s[:60] for s in statements[form_statements:]]
    page, statements = _join_statements(app, workshop, "Noé", group)
    assert "Noé · Recherche" in page and workshop.activities[0].prompt in page
    assert len(statements) <= 3, [s[:60] for s in statements]


def test_a_join_during_a_vote_reads_the_round_once_for_the_room(app, workshop):
    """With a 60-item round on screen, the phone page the first join answers with
    shows the round, read with the activity in one statement (kinds'
    `stage_reads`), not a lazy query each. The next joins get the room's page
    as it was rendered and read neither the activity nor the round."""
    from tests.conftest import joined_phones, round_on_screen

    joined_phones(app, workshop, 40)
    round_ = round_on_screen(workshop, Participant.query.filter_by(workshop_id=workshop.id).all())
    group = workshop.groups[1].id
    page, statements = _join_statements(app, workshop, "Léa", group)
    assert f"/rounds/{round_.id}/ballot" in page  # the round's ballot, loading
    stage_reads = [s for s in statements if "rounds" in s]
    assert len(stage_reads) == 1 and "activities" in stage_reads[0], [s[:60] for s in statements]
    assert len(statements) <= 4, [s[:60] for s in statements]
    for nickname in ("Noé", "Ana"):
        page, statements = _join_statements(app, workshop, nickname, group)
        assert f"/rounds/{round_.id}/ballot" in page and f"{nickname} · " in page
        assert not [s for s in statements if "rounds" in s or "FROM activities" in s], statements
        assert len(statements) <= 3, [s[:60] for s in statements]


def test_switching_language_right_after_joining_comes_back_to_the_phone_page(client, workshop):
    """The join answers with the phone page at the join form's address: the
    language switch sends the phone back to its page's own address, not the form's."""
    page = join(client, workshop).get_data(as_text=True)
    assert f'name="next" value="/j/{workshop.join_code}/phone"' in page
    switched = client.post("/lang/en", data={"next": f"/j/{workshop.join_code}/phone"})
    assert switched.headers["Location"].endswith(f"/j/{workshop.join_code}/phone")
    assert "You are in!" in client.get(f"/j/{workshop.join_code}/phone").get_data(as_text=True)
