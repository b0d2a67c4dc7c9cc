"""Ids typed into forms: a character that `str.isdigit()` takes for a digit but
`int()` refuses ("²", "³", "①") is no id, never an error page. Every form that
reads ids reads them with `str.isdecimal()`, whose digits `int()` always reads."""

from __future__ import annotations

import pytest

NOT_A_NUMBER = ("²", "³", "①")  # isdigit() True, int() raises ValueError


@pytest.mark.parametrize("odd", NOT_A_NUMBER)
def test_facilitator_forms_take_odd_digits_for_no_id(workshop, facilitator_client, ideas_sent, odd):
    w, a = workshop.id, ideas_sent.id
    answers = {
        "merge": facilitator_client.post(f"/w/{w}/ideas/merge", data={"idea": [odd, odd]}),
        "remove": facilitator_client.post(f"/w/{w}/participants/remove", data={"participant": [odd]}),
        "split": facilitator_client.post(f"/w/{w}/activities/{a}/split", data={"idea": [odd]}),
        "source": facilitator_client.post(f"/w/{w}/rounds", data={"source": f"ideas:{odd}"}),
        "pick": facilitator_client.post(f"/w/{w}/rounds", data={"source": "picked", "pick": [f"idea:{odd}"]}),
        "retain": facilitator_client.post(f"/w/{w}/projects/retain", data={"project": [odd]}),
    }
    # Refused as the same form with no id at all is refused, with its message.
    assert {name: answer.status_code for name, answer in answers.items()} == {
        "merge": 422, "remove": 302, "split": 422, "source": 422, "pick": 422, "retain": 422}
    assert "Vote on" not in answers["source"].get_data(as_text=True)  # the refusal's words, not a page


@pytest.mark.parametrize("odd", NOT_A_NUMBER)
def test_a_phone_ballot_with_odd_digits_is_refused_or_counted(workshop, phone, ideas_sent, odd):
    from workshop.voting import logic as voting
    from workshop.workshops.logic import open_activity

    round_ = voting.create_round(workshop, "Priorités", "approval", voting.candidates(workshop, "ideas"), top_k=2)
    open_activity(workshop, round_.activity)
    url = f"/j/{workshop.join_code}/rounds/{round_.id}/ballot"
    item = str(round_.items[0].project_id)
    assert phone.post(url, data={"project": [odd]}).status_code == 422  # no such item
    # A change number the phone could not have sent is none: the ballot still counts.
    assert phone.post(url, data={"project": [item], "seq": odd}).status_code == 200
    assert voting.results(round_).ballots == 1


def test_a_ranked_cell_sign_up_with_odd_digits_is_refused(app, workshop, phone):
    from workshop.cells import logic as cells
    from workshop.extensions import db
    from workshop.voting.models import Project
    from workshop.workshops.logic import open_activity

    for title in ("Jumelage avec des employeurs", "Logement à l'arrivée"):
        db.session.add(Project(workshop_id=workshop.id, title=title, status="priority"))
    db.session.commit()
    signup = cells.create(workshop, "ranked", None)
    open_activity(workshop, signup.activity)
    answer = phone.post(f"/j/{workshop.join_code}/cells/{signup.id}/join", data={"place1": "²", "place2": "³"})
    assert answer.status_code == 422


def test_confirming_an_interest_with_an_odd_organisation_id_takes_the_matching_one(orphan, coordinator_client):
    from workshop.extensions import db
    from workshop.orphans.models import Interest

    interest = Interest(project_id=orphan.id, organisation_name="Cégep de Jonquière", contact_name="Dominique",
                        contact_email="dominique@example.org")
    db.session.add(interest)
    db.session.commit()
    answer = coordinator_client.post(f"/orphans/interests/{interest.id}/confirm", data={"organisation": "²"})
    assert answer.status_code == 302
    db.session.refresh(interest)
    # As with no choice at all: the organisation that matches its name (here a new one).
    assert interest.confirmed_adoption_id is not None


def test_ids_in_plain_digits_still_act(workshop, facilitator_client, phone):
    from workshop.extensions import db
    from workshop.participants.models import Participant

    person = db.session.scalars(db.select(Participant.id).where(Participant.workshop_id == workshop.id)).one()
    answer = facilitator_client.post(f"/w/{workshop.id}/participants/remove", data={"participant": [str(person)]})
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Participant, person) is None


@pytest.mark.parametrize(("key", "shortest", "taken"), [
    ("k-0000000001", 8, True), ("AbC_12-xyz", 8, True), ("short", 8, False), ("x" * 65, 8, False),
    ("k-0000000001", 16, False), ("j" * 16, 16, True), ("clé-00000001", 8, False), ("k²²²²²²²²²", 8, False),
    ("k 00000001", 8, False),
])
def test_a_form_s_own_key_is_plain_ascii_of_a_sane_length(key, shortest, taken):
    from workshop.security import is_sending_key

    assert is_sending_key(key, shortest) is taken
